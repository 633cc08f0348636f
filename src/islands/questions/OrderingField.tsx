import { useEffect, useRef, useState } from 'preact/hooks';
import { format } from '../../i18n/format.ts';
import type { QuestionStrings, Reveal, ShownQuestion } from './shown.ts';

type Ordering = Extract<ShownQuestion, { type: 'ordering' }>;

interface Props {
  /** The question as shown (steps in their shown order). */
  question: Ordering;
  /** The right order, shown with the answers. */
  rightOrder: readonly string[];
  /** Step ids in the learner's order. */
  order: readonly string[];
  /**
   * Whether the learner has neither moved a step nor kept the shown order: the question is then
   * unanswered, and a button lets the learner keep the order as it is.
   */
  untouched: boolean;
  /** Called with the new order; absent when the question is read-only. */
  onChange: ((order: string[]) => void) | undefined;
  /** What to show of the answers; absent, nothing. The steps are locked once answers show. */
  reveal: Reveal | undefined;
  strings: QuestionStrings;
  idBase: string;
  announce: (text: string) => void;
}

/**
 * Steps with "move up" and "move down" buttons: operable by keyboard and switch alike, never by
 * dragging only. Focus follows the moved step, and the live region says where it went. The shown
 * order is not an answer until the learner moves a step or keeps the order with its button.
 */
export function OrderingField(props: Props) {
  const { question, order, untouched, onChange, reveal, strings, idBase, announce } = props;
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const [focusKey, setFocusKey] = useState<string | null>(null);
  const text = new Map(question.steps.map((step) => [step.id, step.text]));
  const total = order.length;

  // Re-inserting a list item to reorder it drops focus, so it is put back after the render.
  useEffect(() => {
    if (focusKey === null) return;
    buttons.current.get(focusKey)?.focus();
    setFocusKey(null);
  }, [focusKey]);

  const move = (index: number, delta: -1 | 1) => {
    const to = index + delta;
    const id = order[index];
    if (!onChange || id === undefined || to < 0 || to >= total) return;
    const next = [...order];
    next.splice(index, 1);
    next.splice(to, 0, id);
    onChange(next);
    setFocusKey(`${id}:${delta < 0 ? 'up' : 'down'}`);
    announce(format(strings.moved, { step: text.get(id) ?? id, n: to + 1, total }));
  };

  const button = (id: string, index: number, delta: -1 | 1) => {
    const up = delta < 0;
    const inert = up ? index === 0 : index === total - 1;
    const key = `${id}:${up ? 'up' : 'down'}`;
    return (
      <button
        type="button"
        class="cpq-move"
        ref={(element) => {
          if (element) buttons.current.set(key, element);
          else buttons.current.delete(key);
        }}
        // aria-disabled keeps the button focusable, so focus stays put when a step reaches an end.
        aria-disabled={inert ? 'true' : undefined}
        aria-label={format(up ? strings.moveUpLabel : strings.moveDownLabel, {
          step: text.get(id) ?? id,
        })}
        onClick={() => {
          move(index, delta);
        }}
      >
        <span aria-hidden="true">{up ? '↑ ' : '↓ '}</span>
        {up ? strings.moveUp : strings.moveDown}
      </button>
    );
  };

  return (
    <fieldset class="cpq-field" aria-describedby={`${idBase}-hint`}>
      <legend class="cpq-prompt">{question.prompt}</legend>
      <p class="cpq-hint" id={`${idBase}-hint`}>
        {strings.orderHint}
      </p>
      <ol class="cpq-steps">
        {order.map((id, index) => (
          <li key={id} class="cpq-step" data-step-id={id}>
            <span class="cpq-step-pos">{format(strings.stepOf, { n: index + 1, total })}</span>
            <span class="cpq-step-text">{text.get(id) ?? id}</span>
            {onChange && !reveal && (
              <span class="cpq-moves">
                {button(id, index, -1)}
                {button(id, index, 1)}
              </span>
            )}
          </li>
        ))}
      </ol>
      {onChange && !reveal && untouched && (
        <button
          type="button"
          class="cpq-keep"
          onClick={() => {
            onChange([...order]);
            // The button goes once the order is kept: focus goes to the first step's controls.
            setFocusKey(`${order[0] ?? ''}:down`);
            announce(strings.orderKept);
          }}
        >
          {strings.keepOrder}
        </button>
      )}
      {reveal && (
        <div class="cpq-answer">
          <p>{reveal.strings.correctOrder}</p>
          <ol>
            {props.rightOrder.map((id) => (
              <li key={id}>{text.get(id) ?? id}</li>
            ))}
          </ol>
        </div>
      )}
    </fieldset>
  );
}
