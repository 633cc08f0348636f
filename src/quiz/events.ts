import type { FollowUp, Question } from '../schemas/quiz.ts';
import type { QuestionResponse } from './scoring.ts';

/**
 * The one interface through which a quiz reports what happens. The island dispatches a DOM
 * CustomEvent on its root element (bubbling and composed), so the tracking layer can listen on
 * the document and turn each report into xAPI statements without the quiz knowing about xAPI.
 */
export const QUIZ_EVENT = 'cp-quiz';

/** Fields every report carries: which quiz, in which module and language, which attempt. */
interface QuizEventBase {
  /** Quiz id from the quiz data. */
  quizId: string;
  /** Id of the module the quiz belongs to. */
  moduleId: string;
  /** Language of the quiz shown. */
  lang: 'en' | 'fr';
  /** Attempt number, from 1. */
  attempt: number;
  /** When it happened, as an ISO 8601 timestamp. */
  timestamp: string;
}

/** A learner started an attempt. */
export interface AttemptStartedEvent extends QuizEventBase {
  kind: 'attempt-started';
  /** Ids of the questions drawn for this attempt, in the order shown. */
  questionIds: string[];
}

/** A learner checked an answer. */
export interface QuestionAnsweredEvent extends QuizEventBase {
  kind: 'question-answered';
  /** Id of the question (for a scenario, the follow-up's answer is inside response). */
  questionId: string;
  /** The question type, such as "matching". */
  type: Question['type'];
  /** The learner's response, in the shape scoring.ts defines for the type. */
  response: QuestionResponse | undefined;
  /** Score of this question from 0 to 1. */
  score: number;
  /** Whether the answer was entirely right (score 1). */
  correct: boolean;
  /** Learning-outcome ids the question assesses (a scenario's follow-up outcomes included). */
  outcomes: string[];
  /** The question as shown, so a listener can describe the interaction (choices, right answer). */
  question: Question | FollowUp;
}

/** A learner finished an attempt and saw the score. */
export interface AttemptFinishedEvent extends QuizEventBase {
  kind: 'attempt-finished';
  /** Weighted sum of question scores. */
  raw: number;
  /** Lowest possible raw score (0). */
  min: number;
  /** Highest possible raw score. */
  max: number;
  /** raw / max, from 0 to 1. */
  scaled: number;
  /** Whether scaled reached the mastery score. */
  success: boolean;
  /** The quiz's mastery score, from 0 to 1. */
  masteryScore: number;
  /** Milliseconds from the start of the attempt to its end. */
  durationMs: number;
  /** Attempts left after this one, or "unlimited". */
  attemptsLeft: number | 'unlimited';
}

/** Any report a quiz makes; switch on `kind`. */
export type QuizEventDetail = AttemptStartedEvent | QuestionAnsweredEvent | AttemptFinishedEvent;

/** Dispatches a report on the quiz's root element. */
export function dispatchQuizEvent(target: EventTarget, detail: QuizEventDetail): void {
  target.dispatchEvent(
    new CustomEvent<QuizEventDetail>(QUIZ_EVENT, { detail, bubbles: true, composed: true }),
  );
}

/**
 * Calls the handler for every quiz report that reaches the target (an element, or the document
 * for every quiz on the page); returns a function that stops listening.
 */
export function onQuizEvent(
  target: EventTarget,
  handler: (detail: QuizEventDetail, event: CustomEvent<QuizEventDetail>) => void,
): () => void {
  const listener = (event: Event) => {
    const custom = event as CustomEvent<QuizEventDetail>;
    handler(custom.detail, custom);
  };
  target.addEventListener(QUIZ_EVENT, listener);
  return () => {
    target.removeEventListener(QUIZ_EVENT, listener);
  };
}

/**
 * The other way round: the tracking layer offers the quiz a learner's progress brought from
 * another device (the State resource) after the island has started. The island takes it only if
 * the learner has not touched the quiz on this page yet, and says so by cancelling the event.
 */
export const QUIZ_RESTORE_EVENT = 'cp-quiz-restore';

/** What a restore offers: the quiz's storage key and its stored progress (as saved). */
export interface QuizRestoreDetail {
  key: string;
  value: unknown;
}

/** Offers progress to the quiz islands on the page; true if one took it. */
export function offerQuizProgress(target: EventTarget, detail: QuizRestoreDetail): boolean {
  const event = new CustomEvent<QuizRestoreDetail>(QUIZ_RESTORE_EVENT, {
    detail,
    cancelable: true,
  });
  target.dispatchEvent(event);
  return event.defaultPrevented;
}

/** Listens for offered progress; the handler returns true to take it. */
export function onQuizRestore(
  target: EventTarget,
  handler: (detail: QuizRestoreDetail) => boolean,
): () => void {
  const listener = (event: Event) => {
    const custom = event as CustomEvent<QuizRestoreDetail>;
    if (handler(custom.detail)) custom.preventDefault();
  };
  target.addEventListener(QUIZ_RESTORE_EVENT, listener);
  return () => {
    target.removeEventListener(QUIZ_RESTORE_EVENT, listener);
  };
}
