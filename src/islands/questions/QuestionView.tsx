import type { ComponentChildren, Ref } from 'preact';
import type { QuestionResponse } from '../../quiz/scoring.ts';
import { Explanation, QuestionField } from './QuestionField.tsx';
import type { QuestionStrings, Reveal, ShownQuestion } from './shown.ts';

interface Props {
  /** The question as shown: options, items and steps in their shown order. */
  question: ShownQuestion;
  /** The question as written, for the right order of ordering steps and the explanation. */
  original?: ShownQuestion | undefined;
  response: QuestionResponse | undefined;
  /** Called on every change; absent when the question is only reviewed. */
  onChange?: ((response: QuestionResponse) => void) | undefined;
  /** What to show of the answers (see Reveal); absent, nothing. */
  reveal?: Reveal | undefined;
  strings: QuestionStrings;
  idBase: string;
  /** Heading text, such as "Question 2 of 5". */
  heading: string;
  /** The heading's level: 3 inside a knowledge check, 2 on the assessment page. */
  level?: 2 | 3;
  headingRef?: Ref<HTMLHeadingElement> | undefined;
  announce: (text: string) => void;
  /** Shown under the question when the learner checked without answering. */
  alert?: string | undefined;
  /** Buttons under the question. */
  children?: ComponentChildren;
}

/**
 * One question in its own labelled section: heading, answer controls and, once answers show,
 * the feedback and explanation. Knowledge checks and the graded assessment both use it.
 */
export function QuestionView(props: Props) {
  const { question, idBase, reveal } = props;
  const original = props.original ?? question;
  const Heading = props.level === 2 ? 'h2' : 'h3';
  return (
    <section
      class="cpq-question"
      data-question-id={question.id}
      data-question-type={question.type}
      aria-labelledby={`${idBase}-heading`}
    >
      <Heading
        class="cpq-heading"
        id={`${idBase}-heading`}
        tabIndex={-1}
        ref={props.headingRef ?? null}
      >
        {props.heading}
      </Heading>
      <QuestionField
        question={question}
        response={props.response}
        onChange={props.onChange}
        reveal={reveal}
        strings={props.strings}
        idBase={idBase}
        rightOrder={original.type === 'ordering' ? original.steps.map((step) => step.id) : []}
        announce={props.announce}
      />
      {props.alert && (
        <p class="cpq-alert">
          <span aria-hidden="true">! </span>
          {props.alert}
        </p>
      )}
      <Explanation
        question={original}
        response={props.response}
        reveal={reveal}
        id={`${idBase}-explanation`}
      />
      {props.children}
    </section>
  );
}
