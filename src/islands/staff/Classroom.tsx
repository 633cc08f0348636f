import type { RefObject } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useTypedField } from '../typed-field.ts';
import type { FollowUp, Question } from '../../schemas/quiz.ts';
import { arrangeQuestion } from '../../quiz/draw.ts';
import { format } from '../../i18n/format.ts';
import type { DashboardStrings } from './api.ts';
import { LivePanel } from './LivePanel.tsx';
import { Button, SelectField } from './parts.tsx';
import './staff.css';

/** Props of the classroom mode island. */
export interface Props {
  t: DashboardStrings;
  /** Each module with a knowledge check: its id, title and questions (public already). */
  modules: { id: string; title: string; questions: Question[] }[];
}

/** A bold lead-in, "Answer: ", with the colon as the language writes it. */
const Lead = ({ t, text }: { t: DashboardStrings; text: string }) => (
  <strong>
    {text}
    {t.colon}{' '}
  </strong>
);

const Right = ({ t }: { t: DashboardStrings }) => (
  <span class="classroom__right">
    <span aria-hidden="true">✓ </span>
    {t.correct}
  </span>
);

/**
 * The options in the order the live room letters them (texts in order), when the question is live
 * and every option is in it; else in the course file's order.
 */
export function inRoomOrder<T extends { text: string }>(
  options: readonly T[],
  order: readonly string[] | null,
): readonly T[] {
  if (order === null || options.some((o) => !order.includes(o.text))) return options;
  return [...options].sort((a, b) => order.indexOf(a.text) - order.indexOf(b.text));
}

function Body({
  q,
  revealed,
  t,
  order = null,
}: {
  q: Question | FollowUp;
  revealed: boolean;
  t: DashboardStrings;
  /** While the question is live: its options' texts in the order the phones letter them. */
  order?: readonly string[] | null;
}) {
  // Lettered options, as a room answers "B": the same letters as the phones and the chart.
  const choices = (options: readonly { id: string; text: string; correct: boolean }[]) => (
    <ol type="A">
      {inRoomOrder(options, order).map((o) => (
        <li key={o.id}>
          {o.text} {revealed && o.correct && <Right t={t} />}
        </li>
      ))}
    </ol>
  );
  switch (q.type) {
    case 'single-choice':
    case 'multiple-response':
      return choices(q.options);
    case 'true-false':
      // Lettered as the live room letters them: A true, B false.
      return (
        <ol type="A">
          {[true, false].map((v) => (
            <li key={String(v)}>
              {v ? t.true : t.false} {revealed && q.answer === v && <Right t={t} />}
            </li>
          ))}
        </ol>
      );
    case 'matching': {
      const target = new Map(q.targets.map((x) => [x.id, x.text]));
      return (
        <div>
          <ul>
            {q.targets.map((x) => (
              <li key={x.id}>{x.text}</li>
            ))}
          </ul>
          <ol>
            {q.items.map((i) => (
              <li key={i.id}>
                {i.text}
                {revealed && (
                  <>
                    {' → '}
                    <strong>{target.get(i.target)}</strong>
                  </>
                )}
              </li>
            ))}
          </ol>
        </div>
      );
    }
    case 'ordering': {
      // Shown in a fixed scramble (reversed), so the room has something to put in order.
      const steps = revealed ? q.steps : [...q.steps].reverse();
      return (
        <div>
          {revealed && <p>{t.rightOrder}</p>}
          <ol type={revealed ? '1' : 'a'}>
            {steps.map((s) => (
              <li key={s.id}>{s.text}</li>
            ))}
          </ol>
        </div>
      );
    }
    case 'scenario':
      return (
        <div>
          <p>
            <Lead t={t} text={t.scenario} />
            {q.scenario}
          </p>
          {choices(q.options)}
          {q.followUp && (
            <div>
              <p>
                <Lead t={t} text={t.followUp} />
                {q.followUp.prompt}
              </p>
              <Body q={q.followUp} revealed={revealed} t={t} />
            </div>
          )}
        </div>
      );
  }
}

/** The smallest the stage's type may shrink to fit the screen, as a share of its full size. */
const SMALLEST_FIT = 0.6;

/**
 * Fits the projected stage to the screen: its type is sized to the screen's height (staff.css,
 * --fit), and shrinks step by step while its content overflows (a long scenario, an answer
 * revealed), down to SMALLEST_FIT; past that the stage scrolls. Fitted again whenever the content
 * changes (the next question, the chart's counts) or the window does.
 */
function useFitToScreen(stage: RefObject<HTMLElement>, on: boolean) {
  useLayoutEffect(() => {
    const el = stage.current;
    if (!on || el === null) return undefined;
    // The stage or one of its areas (the question, the live room) would scroll.
    const overflows = () =>
      [el, ...el.children].some(
        (area) => area.scrollHeight > area.clientHeight || area.scrollWidth > area.clientWidth,
      );
    const fit = () => {
      let scale = 1;
      el.style.setProperty('--fit', '1');
      // A narrow or upright screen gets one column that scrolls (staff.css), with no --fit.
      if (getComputedStyle(el).display !== 'grid') return;
      while (scale > SMALLEST_FIT && overflows()) {
        scale = Math.round((scale - 0.05) * 100) / 100;
        el.style.setProperty('--fit', String(scale));
      }
    };
    fit();
    // Only text and elements are watched: the --fit the fitting sets is an attribute.
    const watch = new MutationObserver(fit);
    watch.observe(el, { childList: true, subtree: true, characterData: true });
    window.addEventListener('resize', fit);
    return () => {
      watch.disconnect();
      window.removeEventListener('resize', fit);
    };
  }, [on]);
}

/**
 * While the stage fills the screen, the page behind it cannot be scrolled, focused or read (made
 * inert), so the projector shows the stage alone and Tab stays on it.
 */
function useStageAlone(stage: RefObject<HTMLElement>, on: boolean) {
  useLayoutEffect(() => {
    const el = stage.current;
    if (!on || el === null) return undefined;
    const hidden: HTMLElement[] = [];
    for (let node: HTMLElement | null = el; node !== null && node !== document.body;) {
      const parent: HTMLElement | null = node.parentElement;
      for (const sibling of parent?.children ?? []) {
        if (sibling !== node && sibling instanceof HTMLElement && !sibling.inert) {
          sibling.inert = true;
          hidden.push(sibling);
        }
      }
      node = parent;
    }
    document.documentElement.classList.add('projecting');
    return () => {
      for (const sibling of hidden) sibling.inert = false;
      document.documentElement.classList.remove('projecting');
    };
  }, [on]);
}

/**
 * A question as the room sees it: its options (and a matching question's items) in a new order
 * each time the module is started, as a learner's knowledge check shows them, since the course
 * files list the right option first. An ordering question keeps its steps: they are shown
 * scrambled until the answer is revealed in the right order.
 */
const forTheRoom = (q: Question): Question =>
  q.type === 'ordering' ? q : arrangeQuestion(q, Math.random, true);

/**
 * Projects a module's knowledge check in large type, one question at a time, with its answer
 * revealed on demand, on a stage that fills the screen (read from the back of a room). Right and
 * left arrows (or a clicker's Page Down and Page Up) move between questions, space shows the
 * answer, Escape leaves. Beside the question, the live panel asks it to a cohort's room, answered
 * on phones, with the join code and the room's chart.
 */
export default function Classroom({ t, modules }: Props) {
  const [picked, setPicked] = useState(modules[0]?.id ?? '');
  const [running, setRunning] = useState<string | null>(null);
  const [index, setIndex] = useState(0);
  const [revealed, setRevealed] = useState(false);
  // While the question is live, the room's letters (the service shuffles the options per asking).
  const [liveOrder, setLiveOrder] = useState<readonly string[] | null>(null);
  const stage = useRef<HTMLDivElement>(null);
  const moduleField = useTypedField<HTMLSelectElement>(setPicked);
  const module = modules.find((m) => m.id === running);
  // Drawn anew each time a module starts (running goes from null to its id).
  const questions = useMemo(() => module?.questions.map(forTheRoom) ?? [], [running]);
  const total = questions.length;
  useFitToScreen(stage, module !== undefined);
  useStageAlone(stage, module !== undefined);

  // Back from the stage, focus goes to the Start button the trainer came from.
  const startButton = useRef<HTMLButtonElement>(null);
  const left = useRef(false);
  const leave = () => {
    left.current = true;
    setRunning(null);
  };
  useEffect(() => {
    if (running !== null) stage.current?.focus();
    else if (left.current) startButton.current?.focus();
  }, [running, index]);

  // From the index as it is now, not as this render saw it: keys pressed in quick succession (a
  // clicker) arrive before the next render.
  const go = (delta: number) => {
    setIndex((current) => {
      const next = Math.min(total - 1, Math.max(0, current + delta));
      if (next !== current) setRevealed(false);
      return next;
    });
  };

  /**
   * The classroom's keys: arrows or a clicker's Page Down/Up move, space shows the answer, Escape
   * leaves classroom mode.
   */
  const onKey = (e: KeyboardEvent) => {
    const tag = (e.target as HTMLElement).tagName;
    // Keys in a list or a field (the live panel's cohort list) are theirs.
    if (tag === 'SELECT' || tag === 'INPUT') return;
    const onButton = tag === 'BUTTON';
    if (e.key === 'ArrowRight' || e.key === 'PageDown') go(1);
    else if (e.key === 'ArrowLeft' || e.key === 'PageUp') go(-1);
    else if (e.key === ' ' && !onButton) setRevealed((r) => !r);
    else if (e.key === 'Escape') leave();
    else return;
    e.preventDefault();
  };
  // A key pressed with nothing focused (the button just pressed went away, as "Ask the room live"
  // does once the room is live) still moves the classroom.
  useEffect(() => {
    if (running === null) return;
    const fromPage = (e: KeyboardEvent) => {
      if (e.target === document.body || e.target === document.documentElement) onKey(e);
    };
    document.addEventListener('keydown', fromPage);
    return () => {
      document.removeEventListener('keydown', fromPage);
    };
  });

  if (module === undefined) {
    return (
      <form
        class="staff-form"
        onSubmit={(e) => {
          e.preventDefault();
          setRunning(picked);
          setIndex(0);
          setRevealed(false);
        }}
      >
        <p>
          <SelectField
            id="classroom-module"
            label={t.pickModule}
            selectRef={moduleField}
            value={picked}
            options={modules.map((m) => [m.id, m.title] as const)}
            onValue={setPicked}
          />
        </p>
        <button type="submit" class="staff-button" ref={startButton}>
          {t.startClassroom}
        </button>
      </form>
    );
  }

  const q = questions[index];
  return (
    <div
      class="classroom"
      ref={stage}
      tabIndex={-1}
      role="region"
      aria-label={`${t.classroom}${t.colon} ${module.title}`}
      data-testid="classroom"
      onKeyDown={onKey}
    >
      <p class="classroom__count" aria-live="polite">
        {module.title} · {format(t.questionOf, { n: index + 1, total })}
      </p>
      {q && (
        <div class="classroom__question">
          <p class="classroom__prompt">{q.prompt}</p>
          <Body q={q} revealed={revealed} t={t} order={liveOrder} />
          <div aria-live="polite">
            {revealed && q.explanation && (
              <p class="classroom__answer">
                <Lead t={t} text={t.answer} />
                {q.explanation}
              </p>
            )}
          </div>
        </div>
      )}
      {q && (
        <LivePanel
          moduleId={module.id}
          question={q}
          onOrder={setLiveOrder}
          onRevealed={() => {
            setRevealed(true);
          }}
        />
      )}
      <div class="staff-actions classroom__controls">
        <button
          type="button"
          class="staff-button staff-button--secondary"
          aria-disabled={index === 0 ? 'true' : undefined}
          onClick={() => {
            go(-1);
          }}
        >
          <span aria-hidden="true">← </span>
          {t.previous}
        </button>
        <button
          type="button"
          class="staff-button"
          aria-expanded={revealed ? 'true' : 'false'}
          onClick={() => {
            setRevealed(!revealed);
          }}
        >
          {revealed ? t.hide : t.reveal}
        </button>
        <button
          type="button"
          class="staff-button staff-button--secondary"
          aria-disabled={index === total - 1 ? 'true' : undefined}
          onClick={() => {
            go(1);
          }}
        >
          {t.next}
          <span aria-hidden="true"> →</span>
        </button>
        <Button secondary onClick={leave}>
          {t.exitClassroom}
        </Button>
      </div>
    </div>
  );
}
