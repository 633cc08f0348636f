// The shapes of the graded assessment API (/api/assessments/...), shared by the service that
// answers and the assessment island that reads it. Types only: nothing here runs in either place.

/** A choice as the browser sees it: a random id, new per attempt, and the text; never the key. */
export interface PublicChoice {
  id: string;
  text: string;
}

/** A question of an attempt's form: random ids, shuffled choices, no key, no explanation. */
export type PublicQuestion =
  | {
      id: string;
      type: 'single-choice' | 'multiple-response';
      prompt: string;
      options: PublicChoice[];
    }
  | { id: string; type: 'true-false'; prompt: string }
  | {
      id: string;
      type: 'matching';
      prompt: string;
      targets: PublicChoice[];
      items: PublicChoice[];
    }
  | { id: string; type: 'ordering'; prompt: string; steps: PublicChoice[] }
  | {
      id: string;
      type: 'scenario';
      prompt: string;
      scenario: string;
      options: PublicChoice[];
      followUp?: PublicQuestion;
    };

/** POST /api/assessments/:track/attempts: a started (or resumed) attempt and its form. */
export interface StartedAttempt {
  attempt: string;
  track: string;
  lang: string;
  startedAt: string;
  /** After this the attempt can no longer be submitted. */
  expiresAt: string;
  masteryScore: number;
  /** The form, in the order to show it. */
  questions: PublicQuestion[];
}

/** One learning outcome in a graded attempt's result. */
export interface OutcomeFeedback {
  module: string;
  moduleTitle: string;
  outcome: string;
  /** The outcome as the module states it, in the attempt's language. */
  text: string;
  met: boolean;
  /** Where to review it: the module page's section, relative to the site root. */
  review: string;
}

/** POST /api/assessments/:track/attempts/:attempt: the result of a graded attempt. */
export interface AttemptResult {
  attempt: string;
  passed: boolean;
  /** The share of the form's points, from 0 to 1. */
  scaled: number;
  masteryScore: number;
  /** Per learning outcome, met or not: never which items were right. */
  outcomes: OutcomeFeedback[];
  /** Attempts left in the current 24 hours and when the next may start, if later than now. */
  attemptsLeft: number;
  nextAttemptAt: string | null;
}

/**
 * GET /api/certification/:track/status, its `assessment`: where the learner stands with the
 * track's graded assessment, by the policy that starting an attempt applies.
 */
export interface AssessmentState {
  /** Whether the service recorded a pass. */
  passed: boolean;
  /** An attempt started and not yet graded nor expired: the learner can go back to it. */
  open: { expiresAt: string } | null;
  /** The latest graded attempt. */
  last: { passed: boolean; submittedAt: string } | null;
  /** Attempts left in the current 24 hours, of `attemptsPerDay`. */
  attemptsLeft: number;
  attemptsPerDay: number;
  /** When the next attempt may start, when that is later than now (never after a pass). */
  nextAttemptAt: string | null;
  /** Why the learner waits: the day's attempts are used, or the cool-down after a failed one. */
  waitReason: 'attempts_per_day' | 'cool_down' | null;
}
