import { format } from '../../i18n/format.ts';
import type {
  FollowUpResponse,
  MatchingResponse,
  QuestionResponse,
  ScenarioResponse,
} from '../../quiz/scoring.ts';
import { OrderingField } from './OrderingField.tsx';
import type { KeyStrings, QuestionStrings, Reveal, ShownOption, ShownQuestion } from './shown.ts';

/** A score's verdict: its kind, icon and word (right, wrong, or partly right). */
export function verdictOf(score: number, strings: KeyStrings): [string, string, string] {
  return score >= 1
    ? ['right', '✓', strings.correct]
    : score <= 0
      ? ['wrong', '✗', strings.incorrect]
      : ['partial', '◐', strings.partlyCorrect];
}

/** A marker that never relies on colour alone: an icon character and a word. */
export function Verdict({ score, strings }: { score: number; strings: KeyStrings }) {
  const [kind, icon, text] = verdictOf(score, strings);
  return (
    <span class={`cpq-verdict cpq-verdict--${kind}`}>
      <span aria-hidden="true">{icon} </span>
      {text}
    </span>
  );
}

/** The note under an option once answers show: the learner's choice judged, or the right one. */
function OptionNote(props: { chosen: boolean; option: ShownOption; reveal: Reveal }) {
  const { chosen, option, reveal } = props;
  const { strings } = reveal;
  if (!chosen && !option.correct) return null;
  return (
    <div class="cpq-note">
      {chosen && <span class="cpq-tag">{strings.yourAnswer}</span>}
      {chosen ? (
        <Verdict score={option.correct ? 1 : 0} strings={strings} />
      ) : (
        <span class="cpq-verdict cpq-verdict--right">
          <span aria-hidden="true">✓ </span>
          {strings.correctAnswer}
        </span>
      )}
      {chosen && option.feedback && <p class="cpq-feedback">{option.feedback}</p>}
    </div>
  );
}

interface Common {
  strings: QuestionStrings;
  /** What to show of the answers; absent, nothing. Answers are locked once they show. */
  reveal: Reveal | undefined;
  /** Prefix that keeps element ids unique on the page. */
  idBase: string;
}

interface ChoiceProps extends Common {
  legend: string;
  hint: string;
  options: readonly ShownOption[];
  multiple: boolean;
  chosen: readonly string[];
  onChange: ((ids: string[]) => void) | undefined;
}

/** Radio buttons or checkboxes in a fieldset: the legend names the group for screen readers. */
function ChoiceField(props: ChoiceProps) {
  const { legend, hint, options, multiple, chosen, onChange, reveal, idBase } = props;
  return (
    <fieldset
      class="cpq-field"
      aria-describedby={`${idBase}-hint`}
      disabled={!onChange || !!reveal}
    >
      <legend class="cpq-prompt">{legend}</legend>
      <p class="cpq-hint" id={`${idBase}-hint`}>
        {hint}
      </p>
      <ul class="cpq-options">
        {options.map((option) => {
          const id = `${idBase}-${option.id}`;
          const isChosen = chosen.includes(option.id);
          return (
            <li key={option.id} class="cpq-option">
              <input
                type={multiple ? 'checkbox' : 'radio'}
                id={id}
                name={idBase}
                value={option.id}
                data-option-id={option.id}
                checked={isChosen}
                onChange={(event) => {
                  const others = chosen.filter((other) => other !== option.id);
                  if (!multiple) onChange?.([option.id]);
                  else onChange?.(event.currentTarget.checked ? [...others, option.id] : others);
                }}
              />
              <label for={id}>{option.text}</label>
              {reveal && <OptionNote chosen={isChosen} option={option} reveal={reveal} />}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

interface MatchingProps extends Common {
  question: Extract<ShownQuestion, { type: 'matching' }>;
  value: MatchingResponse;
  onChange: ((value: MatchingResponse) => void) | undefined;
}

/** A native select per item: the keyboard and every screen reader already know how to use it. */
function MatchingField(props: MatchingProps) {
  const { question, value, onChange, reveal, strings, idBase } = props;
  const targetText = new Map(question.targets.map((target) => [target.id, target.text]));
  return (
    <fieldset class="cpq-field" aria-describedby={`${idBase}-hint`}>
      <legend class="cpq-prompt">{question.prompt}</legend>
      <p class="cpq-hint" id={`${idBase}-hint`}>
        {strings.matchHint}
      </p>
      <ul class="cpq-match">
        {question.items.map((item) => {
          const id = `${idBase}-${item.id}`;
          const chosen = value[item.id] ?? '';
          const right = item.target ?? '';
          return (
            <li key={item.id} class="cpq-match-item" data-item-id={item.id}>
              <label for={id}>{item.text}</label>
              <select
                id={id}
                data-option-id={item.id}
                value={chosen}
                disabled={!onChange || !!reveal}
                onChange={(event) => onChange?.({ ...value, [item.id]: event.currentTarget.value })}
              >
                <option value="">{strings.selectPlaceholder}</option>
                {question.targets.map((target) => (
                  <option key={target.id} value={target.id}>
                    {target.text}
                  </option>
                ))}
              </select>
              {reveal && (
                <div class="cpq-note">
                  {reveal.score && (
                    <Verdict score={chosen === right ? 1 : 0} strings={reveal.strings} />
                  )}
                  {chosen !== right && (
                    <p class="cpq-feedback">
                      {format(reveal.strings.correctTarget, {
                        target: targetText.get(right) ?? right,
                      })}
                    </p>
                  )}
                  {reveal.score && item.feedback && <p class="cpq-feedback">{item.feedback}</p>}
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

const ids = (response: unknown): string[] =>
  Array.isArray(response) ? response.filter((id): id is string => typeof id === 'string') : [];

const record = (response: unknown): object =>
  typeof response === 'object' && response !== null && !Array.isArray(response) ? response : {};

/** Props of the answer controls of one question. */
export interface QuestionFieldProps extends Common {
  question: ShownQuestion;
  response: QuestionResponse | undefined;
  /** Called on every change; absent when the question is only read (review, no JavaScript). */
  onChange?: ((response: QuestionResponse) => void) | undefined;
  /** The right order of an ordering question's steps, shown with the answers. */
  rightOrder?: readonly string[] | undefined;
  announce: (text: string) => void;
}

/**
 * The answer controls of one question, the one renderer of questions on the site: knowledge
 * checks, the graded assessment and the no-JavaScript fallback all render through it, and a
 * scenario's follow-up goes through it again.
 */
export function QuestionField(props: QuestionFieldProps) {
  const { question, response, onChange, reveal, strings, idBase } = props;
  const common = { reveal, strings, idBase };
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response': {
      const multiple = question.type === 'multiple-response';
      return (
        <ChoiceField
          {...common}
          legend={question.prompt}
          hint={multiple ? strings.chooseAll : strings.chooseOne}
          options={question.options}
          multiple={multiple}
          chosen={ids(response)}
          onChange={onChange}
        />
      );
    }
    case 'true-false': {
      const { answer } = question;
      const option = (value: boolean): ShownOption => ({
        id: String(value),
        text: value ? strings.true : strings.false,
        correct: answer === value,
        feedback: value ? question.feedbackTrue : question.feedbackFalse,
      });
      return (
        <ChoiceField
          {...common}
          legend={question.prompt}
          hint={strings.trueFalse ?? strings.chooseOne}
          options={[option(true), option(false)]}
          multiple={false}
          chosen={typeof response === 'boolean' ? [String(response)] : []}
          onChange={
            onChange &&
            ((chosen) => {
              onChange(chosen[0] === 'true');
            })
          }
        />
      );
    }
    case 'matching':
      return (
        <MatchingField
          {...common}
          question={question}
          value={record(response) as MatchingResponse}
          onChange={onChange}
        />
      );
    case 'ordering': {
      const order = ids(response);
      return (
        <OrderingField
          {...common}
          question={question}
          order={order.length > 0 ? order : question.steps.map((step) => step.id)}
          untouched={order.length === 0}
          rightOrder={props.rightOrder ?? []}
          onChange={onChange}
          announce={props.announce}
        />
      );
    }
    case 'scenario': {
      const value = record(response) as ScenarioResponse;
      const followUp = question.followUp;
      return (
        <>
          <div class="cpq-case">
            <p class="cpq-case-label">{strings.case}</p>
            <p>{question.scenario}</p>
          </div>
          <ChoiceField
            {...common}
            legend={question.prompt}
            hint={strings.chooseOne}
            options={question.options}
            multiple={false}
            chosen={value.decision === undefined ? [] : [value.decision]}
            onChange={
              onChange &&
              ((chosen: string[]) => {
                const decision = chosen[0];
                if (decision !== undefined) onChange({ ...value, decision });
              })
            }
          />
          {followUp && (
            <div class="cpq-followup">
              <p class="cpq-case-label">{strings.followUp}</p>
              <QuestionField
                {...props}
                question={followUp}
                idBase={`${idBase}-${followUp.id}`}
                response={value.followUp}
                onChange={
                  onChange &&
                  ((answer: QuestionResponse) => {
                    onChange({ ...value, followUp: answer as FollowUpResponse });
                  })
                }
              />
              <Explanation
                question={followUp}
                response={value.followUp}
                reveal={reveal}
                id={`${idBase}-${followUp.id}-explanation`}
              />
            </div>
          )}
        </>
      );
    }
  }
}

/** The verdict and the explanation of a question, once the browser has scored it. */
export function Explanation(props: {
  question: ShownQuestion;
  response: QuestionResponse | undefined;
  reveal: Reveal | undefined;
  id: string;
}) {
  const { reveal } = props;
  if (!reveal?.score) return null;
  return (
    <div class="cpq-explanation" id={props.id}>
      <p>
        <Verdict score={reveal.score(props.question, props.response)} strings={reveal.strings} />
      </p>
      <p>
        <strong>{reveal.strings.explanation}</strong> {props.question.explanation}
      </p>
    </div>
  );
}
