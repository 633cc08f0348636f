import type { AttemptScore, QuestionResponse } from './scoring.ts';

/** An attempt under way: enough to rebuild it after a reload (the seed redraws its questions). */
export interface AttemptInProgress {
  /** Attempt number, from 1. */
  attempt: number;
  /** Seed of the attempt's draw and shuffles. */
  seed: number;
  /** When the attempt started, in milliseconds since the epoch. */
  startedAt: number;
  /** Position of the question shown, when one is shown at a time. */
  index: number;
  /** Responses by question id. */
  responses: Record<string, QuestionResponse>;
  /** Ids of the questions already checked. */
  checked: string[];
}

/** The last finished attempt, kept for its score and the review of answers. */
export interface FinishedAttempt {
  /** Attempt number, from 1. */
  attempt: number;
  /** Seed of the attempt's draw and shuffles. */
  seed: number;
  /** Responses by question id. */
  responses: Record<string, QuestionResponse>;
  /** The attempt's score. */
  score: AttemptScore;
}

/** What a browser keeps about one quiz, so a reload neither resets attempts nor loses answers. */
export interface QuizProgress {
  /** Attempts started so far. */
  used: number;
  /** The attempt under way, if any. */
  current?: AttemptInProgress;
  /** The last finished attempt, if any. */
  last?: FinishedAttempt;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

interface StoredAttempt extends Record<string, unknown> {
  attempt: number;
  seed: number;
  // Responses are not checked one by one: scoring treats a malformed response as no answer.
  responses: Record<string, QuestionResponse>;
}

function isAttempt(value: unknown): value is StoredAttempt {
  return (
    isRecord(value) && isCount(value.attempt) && isCount(value.seed) && isRecord(value.responses)
  );
}

function parseScore(value: unknown): AttemptScore | undefined {
  if (!isRecord(value)) return undefined;
  const { raw, min, max, scaled, success } = value;
  if (
    typeof raw !== 'number' ||
    typeof min !== 'number' ||
    typeof max !== 'number' ||
    typeof scaled !== 'number' ||
    typeof success !== 'boolean'
  ) {
    return undefined;
  }
  return { raw, min, max, scaled, success };
}

/**
 * Reads stored progress, tolerating anything: storage is shared with other scripts and older
 * versions of the site, and a damaged entry must start the learner afresh rather than break the quiz.
 */
export function parseProgress(text: string | null): QuizProgress {
  let data: unknown;
  try {
    data = text === null ? undefined : JSON.parse(text);
  } catch {
    return { used: 0 };
  }
  if (!isRecord(data) || !isCount(data.used)) return { used: 0 };
  const progress: QuizProgress = { used: data.used };
  const { current, last } = data;
  if (
    isAttempt(current) &&
    isCount(current.startedAt) &&
    isCount(current.index) &&
    Array.isArray(current.checked)
  ) {
    progress.current = {
      attempt: current.attempt,
      seed: current.seed,
      startedAt: current.startedAt,
      index: current.index,
      responses: current.responses,
      checked: current.checked.filter((id): id is string => typeof id === 'string'),
    };
  }
  const score = isAttempt(last) ? parseScore(last.score) : undefined;
  if (isAttempt(last) && score) {
    progress.last = { attempt: last.attempt, seed: last.seed, responses: last.responses, score };
  }
  return progress;
}

/** Loads a quiz's progress; storage that is missing or blocked counts as a first visit. */
export function loadProgress(storage: Storage | undefined, key: string): QuizProgress {
  try {
    return parseProgress(storage?.getItem(key) ?? null);
  } catch {
    return { used: 0 };
  }
}

/** Saves a quiz's progress; a full or blocked storage only costs the learner the resume. */
export function saveProgress(storage: Storage | undefined, key: string, progress: QuizProgress) {
  try {
    storage?.setItem(key, JSON.stringify(progress));
  } catch {
    // Nothing else to do: the quiz keeps working for this page view.
  }
}
