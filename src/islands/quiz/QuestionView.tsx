import type { ComponentChildren, Ref } from 'preact';
import type { FollowUp, Question } from '../../schemas/quiz.ts';
import { format } from '../../i18n/format.ts';
import type { QuizStrings } from '../../quiz/client.ts';
import type { z } from 'astro/zod';
import type { optionSchema } from '../../schemas/quiz.ts';
import type {
  FollowUpResponse,
  MatchingResponse,
  QuestionResponse,
  ScenarioResponse,
} from '../../quiz/scoring.ts';
import { scoreQuestion } from '../../quiz/scoring.ts';
import { OrderingField } from './OrderingField.tsx';

interface Common {
  strings: QuizStrings;
  /** Whether feedback is shown (and answers are locked). */
  checked: boolean;
  /** Prefix that keeps element ids unique on the page. */
  idBase: string;
}

type Option = z.infer<typeof optionSchema>;

/** A marker that never relies on colour alone: an icon character and a word. */
export function Verdict({ score, strings }: { score: number; strings: QuizStrings }) {
  const [kind, icon, text] =
    score >= 1
      ? ['right', '✓', strings.correct]
      : score <= 0
        ? ['wrong', '✗', strings.incorrect]
        : ['partial', '◐', strings.partlyCorrect];
  return (
    <span class={`cpq-verdict cpq-verdict--${kind}`}>
      <span aria-hidden="true">{icon} </span>
      {text}
    </span>
  );
}

function OptionNote({
  chosen,
  correct,
  feedback,
  strings,
}: {
  chosen: boolean;
  correct: boolean;
  feedback: string | undefined;
  strings: QuizStrings;
}) {
  if (!chosen && !correct) return null;
  return (
    <div class="cpq-note">
      {chosen && <span class="cpq-tag">{strings.yourAnswer}</span>}
      {chosen ? (
        <Verdict score={correct ? 1 : 0} strings={strings} />
      ) : (
        <span class="cpq-verdict cpq-verdict--right">
          <span aria-hidden="true">✓ </span>
          {strings.correctAnswer}
        </span>
      )}
      {chosen && feedback && <p class="cpq-feedback">{feedback}</p>}
    </div>
  );
}

interface ChoiceProps extends Common {
  legend: string;
  options: readonly Option[];
  multiple: boolean;
  chosen: readonly string[];
  onChange: ((ids: string[]) => void) | undefined;
}

/** Radio buttons or checkboxes in a fieldset: the legend names the group for screen readers. */
function ChoiceField(props: ChoiceProps) {
  const { legend, options, multiple, chosen, onChange, checked, strings, idBase } = props;
  return (
    <fieldset class="cpq-field" aria-describedby={`${idBase}-hint`} disabled={!onChange || checked}>
      <legend class="cpq-prompt">{legend}</legend>
      <p class="cpq-hint" id={`${idBase}-hint`}>
        {multiple ? strings.chooseAll : strings.chooseOne}
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
                  if (!onChange) return;
                  const on = event.currentTarget.checked;
                  if (!multiple) onChange([option.id]);
                  else
                    onChange(
                      on
                        ? [...chosen.filter((other) => other !== option.id), option.id]
                        : chosen.filter((other) => other !== option.id),
                    );
                }}
              />
              <label for={id}>{option.text}</label>
              {checked && (
                <OptionNote
                  chosen={isChosen}
                  correct={option.correct}
                  feedback={option.feedback}
                  strings={strings}
                />
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

interface TrueFalseProps extends Common {
  question: Extract<FollowUp, { type: 'true-false' }>;
  value: boolean | undefined;
  onChange: ((value: boolean) => void) | undefined;
}

function TrueFalseField(props: TrueFalseProps) {
  const { question, value, onChange, checked, strings, idBase } = props;
  return (
    <fieldset class="cpq-field" aria-describedby={`${idBase}-hint`} disabled={!onChange || checked}>
      <legend class="cpq-prompt">{question.prompt}</legend>
      <p class="cpq-hint" id={`${idBase}-hint`}>
        {strings.chooseOne}
      </p>
      <ul class="cpq-options">
        {[true, false].map((choice) => {
          const key = String(choice);
          const id = `${idBase}-${key}`;
          return (
            <li key={key} class="cpq-option">
              <input
                type="radio"
                id={id}
                name={idBase}
                value={key}
                data-option-id={key}
                checked={value === choice}
                onChange={() => onChange?.(choice)}
              />
              <label for={id}>{choice ? strings.true : strings.false}</label>
              {checked && (
                <OptionNote
                  chosen={value === choice}
                  correct={question.answer === choice}
                  feedback={choice ? question.feedbackTrue : question.feedbackFalse}
                  strings={strings}
                />
              )}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

interface MatchingProps extends Common {
  question: Extract<Question, { type: 'matching' }>;
  value: MatchingResponse;
  onChange: ((value: MatchingResponse) => void) | undefined;
}

/** A native select per item: the keyboard and every screen reader already know how to use it. */
function MatchingField(props: MatchingProps) {
  const { question, value, onChange, checked, strings, idBase } = props;
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
          return (
            <li key={item.id} class="cpq-match-item" data-item-id={item.id}>
              <label for={id}>{item.text}</label>
              <select
                id={id}
                data-option-id={item.id}
                value={chosen}
                disabled={!onChange || checked}
                onChange={(event) => onChange?.({ ...value, [item.id]: event.currentTarget.value })}
              >
                <option value="">{strings.selectPlaceholder}</option>
                {question.targets.map((target) => (
                  <option key={target.id} value={target.id}>
                    {target.text}
                  </option>
                ))}
              </select>
              {checked && (
                <div class="cpq-note">
                  <Verdict score={chosen === item.target ? 1 : 0} strings={strings} />
                  {chosen !== item.target && (
                    <p class="cpq-feedback">
                      {format(strings.correctTarget, {
                        target: targetText.get(item.target) ?? item.target,
                      })}
                    </p>
                  )}
                  {item.feedback && <p class="cpq-feedback">{item.feedback}</p>}
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

interface FieldProps extends Common {
  question: Question | FollowUp;
  response: QuestionResponse | undefined;
  onChange: ((response: QuestionResponse) => void) | undefined;
  rightOrder: readonly string[];
  announce: (text: string) => void;
}

/** The answer controls of one question (a scenario's follow-up uses this too). */
function Field(props: FieldProps) {
  const { question, response, onChange, checked, strings, idBase } = props;
  const common = { checked, strings, idBase };
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response':
      return (
        <ChoiceField
          {...common}
          legend={question.prompt}
          options={question.options}
          multiple={question.type === 'multiple-response'}
          chosen={ids(response)}
          onChange={onChange}
        />
      );
    case 'true-false':
      return (
        <TrueFalseField
          {...common}
          question={question}
          value={typeof response === 'boolean' ? response : undefined}
          onChange={onChange}
        />
      );
    case 'matching':
      return (
        <MatchingField
          {...common}
          question={question}
          value={
            typeof response === 'object' && !Array.isArray(response)
              ? (response as MatchingResponse)
              : {}
          }
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
          rightOrder={props.rightOrder}
          onChange={onChange}
          announce={props.announce}
        />
      );
    }
    case 'scenario': {
      const value: ScenarioResponse =
        typeof response === 'object' && !Array.isArray(response)
          ? (response as ScenarioResponse)
          : {};
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
              <Field
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
              {checked && (
                <Explanation
                  question={followUp}
                  response={value.followUp}
                  strings={strings}
                  id={`${idBase}-${followUp.id}-explanation`}
                />
              )}
            </div>
          )}
        </>
      );
    }
  }
}

function Explanation(props: {
  question: Question | FollowUp;
  response: QuestionResponse | undefined;
  strings: QuizStrings;
  id: string;
}) {
  return (
    <div class="cpq-explanation" id={props.id}>
      <p>
        <Verdict score={scoreQuestion(props.question, props.response)} strings={props.strings} />
      </p>
      <p>
        <strong>{props.strings.explanation}</strong> {props.question.explanation}
      </p>
    </div>
  );
}

interface Props {
  /** The question as shown: options, items and steps in their shown order. */
  question: Question;
  /** The question as written, for the right order of ordering steps. */
  original: Question | undefined;
  response: QuestionResponse | undefined;
  /** Called on every change; absent when the question is only reviewed. */
  onChange?: (response: QuestionResponse) => void;
  checked: boolean;
  strings: QuizStrings;
  idBase: string;
  /** Heading text, such as "Question 2 of 5". */
  heading: string;
  headingRef?: Ref<HTMLHeadingElement> | undefined;
  announce: (text: string) => void;
  /** Shown under the question when the learner checked without answering. */
  alert?: string | undefined;
  /** Buttons under the question. */
  children?: ComponentChildren;
}

/** One question with its answer controls and, once checked, its feedback and explanation. */
export function QuestionView(props: Props) {
  const { question, idBase, checked, strings } = props;
  const rightOrder =
    props.original?.type === 'ordering' ? props.original.steps.map((step) => step.id) : [];
  return (
    <section
      class="cpq-question"
      data-question-id={question.id}
      data-question-type={question.type}
      aria-labelledby={`${idBase}-heading`}
    >
      <h3 class="cpq-heading" id={`${idBase}-heading`} tabIndex={-1} ref={props.headingRef ?? null}>
        {props.heading}
      </h3>
      <Field
        question={question}
        response={props.response}
        onChange={props.onChange}
        checked={checked}
        strings={strings}
        idBase={idBase}
        rightOrder={rightOrder}
        announce={props.announce}
      />
      {props.alert && (
        <p class="cpq-alert">
          <span aria-hidden="true">! </span>
          {props.alert}
        </p>
      )}
      {checked && (
        <Explanation
          question={props.original ?? question}
          response={props.response}
          strings={strings}
          id={`${idBase}-explanation`}
        />
      )}
      {props.children}
    </section>
  );
}
