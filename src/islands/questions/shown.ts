// What the question renderer receives. A knowledge check passes its questions as written (with
// their key and feedback); the graded assessment passes the service's questions, which carry no
// key; the no-JavaScript fallback passes the quiz as written but shows the key only in the
// trainer's view. So every key field is optional here, and what is shown depends on `Reveal`.
import type { QuizStrings } from '../../quiz/client.ts';
import type { QuestionResponse } from '../../quiz/scoring.ts';

/** An answer option; `correct` and `feedback` are absent when the key stays on the service. */
export interface ShownOption {
  id: string;
  text: string;
  correct?: boolean | undefined;
  feedback?: string | undefined;
}

/** A matching item; `target` is its right target, absent without the key. */
export interface ShownItem {
  id: string;
  text: string;
  target?: string | undefined;
  feedback?: string | undefined;
}

/** Fields every shown question has. */
interface ShownBase {
  id: string;
  prompt: string;
  /** Why the right answer is right; shown with the feedback of a knowledge check. */
  explanation?: string | undefined;
}

/** A question as the renderer shows it, with or without its answer key. */
export type ShownQuestion = ShownBase &
  (
    | { type: 'single-choice' | 'multiple-response'; options: readonly ShownOption[] }
    | {
        type: 'true-false';
        answer?: boolean | undefined;
        feedbackTrue?: string | undefined;
        feedbackFalse?: string | undefined;
      }
    | {
        type: 'matching';
        targets: readonly { id: string; text: string }[];
        items: readonly ShownItem[];
      }
    | { type: 'ordering'; steps: readonly { id: string; text: string }[] }
    | {
        type: 'scenario';
        scenario: string;
        options: readonly ShownOption[];
        followUp?: ShownQuestion | undefined;
      }
  );

/** The strings every question needs; the quiz and the assessment files both have them. */
export type QuestionStrings = Pick<
  QuizStrings,
  | 'chooseOne'
  | 'chooseAll'
  | 'matchHint'
  | 'orderHint'
  | 'selectPlaceholder'
  | 'true'
  | 'false'
  | 'case'
  | 'followUp'
  | 'moveUp'
  | 'moveDown'
  | 'keepOrder'
  | 'orderKept'
  | 'moveUpLabel'
  | 'moveDownLabel'
  | 'moved'
  | 'stepOf'
> & {
  /** The hint of a true/false question, where it differs from chooseOne. */
  trueFalse?: string;
};

/** The strings that show answers: verdicts, the key and the explanation. */
export type KeyStrings = Pick<
  QuizStrings,
  | 'correct'
  | 'incorrect'
  | 'partlyCorrect'
  | 'yourAnswer'
  | 'correctAnswer'
  | 'correctTarget'
  | 'correctOrder'
  | 'explanation'
>;

/**
 * What a question shows of its answers. Absent: nothing (an unchecked knowledge check, the graded
 * assessment, the learner's no-JavaScript page). With `score`, the browser scores the response and
 * shows verdicts, feedback per option and the explanation (a checked knowledge check). Without
 * it, only the right answers are marked (the trainer's printed key).
 */
export interface Reveal {
  strings: KeyStrings;
  score?: (question: ShownQuestion, response: QuestionResponse | undefined) => number;
}
