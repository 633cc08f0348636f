import type { FollowUp, Question } from '../schemas/quiz.ts';

/** Ids of the chosen options (single choice, multiple response). */
export type ChoiceResponse = readonly string[];
/** The learner's "true" or "false". */
export type TrueFalseResponse = boolean;
/** For each matching item id, the id of the target the learner chose. */
export type MatchingResponse = Readonly<Record<string, string>>;
/** Step ids in the order the learner put them. */
export type OrderingResponse = readonly string[];
/** The answer to a scenario's follow-up question. */
export type FollowUpResponse = ChoiceResponse | TrueFalseResponse;
/** The chosen decision (an option id) and the follow-up answer, if the scenario has one. */
export interface ScenarioResponse {
  readonly decision?: string;
  readonly followUp?: FollowUpResponse;
}

/** The response shape of each question type. */
export interface ResponseByType {
  'single-choice': ChoiceResponse;
  'multiple-response': ChoiceResponse;
  'true-false': TrueFalseResponse;
  matching: MatchingResponse;
  ordering: OrderingResponse;
  scenario: ScenarioResponse;
}

/** A response to any question; JSON-safe, so it can be stored and sent as it is. */
export type QuestionResponse = ResponseByType[keyof ResponseByType];

/** A quiz attempt's score, in the terms of an xAPI result. */
export interface AttemptScore {
  /** Sum of each question's score times its weight. */
  raw: number;
  /** Lowest possible raw score: always 0. */
  min: number;
  /** Highest possible raw score: the sum of the weights. */
  max: number;
  /** raw / max, from 0 to 1. */
  scaled: number;
  /** Whether scaled reaches the quiz's mastery score. */
  success: boolean;
}

/** Share of the scenario score that the decision carries when there is a follow-up. */
export const SCENARIO_DECISION_SHARE = 0.5;

// Floating sums such as 0.1 + 0.7 must not fail a learner who reached mastery exactly.
const round = (value: number): number => Math.round(value * 1e6) / 1e6;

const asIds = (response: unknown): string[] =>
  Array.isArray(response) ? response.filter((id): id is string => typeof id === 'string') : [];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Single choice: all or nothing; 1 only when exactly the one correct option is chosen. */
function scoreSingle(options: readonly { id: string; correct: boolean }[], response: unknown) {
  const picks = [...new Set(asIds(response))];
  if (picks.length !== 1) return 0;
  return options.some((option) => option.id === picks[0] && option.correct) ? 1 : 0;
}

/**
 * Multiple response: (right picks - wrong picks) / number of correct options, floored at 0, so
 * ticking every box earns nothing when as many options are wrong as right. Unknown ids count as wrong.
 */
function scoreMultiple(options: readonly { id: string; correct: boolean }[], response: unknown) {
  const correct = new Set(options.filter((option) => option.correct).map((option) => option.id));
  if (correct.size === 0) return 0;
  let score = 0;
  for (const id of new Set(asIds(response))) score += correct.has(id) ? 1 : -1;
  return Math.max(0, score / correct.size);
}

/** True/false: all or nothing. */
function scoreTrueFalse(answer: boolean, response: unknown) {
  return typeof response === 'boolean' && response === answer ? 1 : 0;
}

/** Matching: the share of items matched to their right target; an unmatched item earns nothing. */
function scoreMatching(items: readonly { id: string; target: string }[], response: unknown) {
  if (!isRecord(response) || items.length === 0) return 0;
  return items.filter((item) => response[item.id] === item.target).length / items.length;
}

/**
 * Ordering: the share of adjacent pairs in the learner's sequence that stand in the right relative
 * order (the earlier step first), out of steps - 1 pairs. Swapping two neighbours costs one or two
 * pairs instead of every position after them; a fully reversed sequence earns 0; only the right
 * order earns 1. Unknown and repeated ids are dropped, so an incomplete sequence earns less.
 */
function scoreOrdering(steps: readonly { id: string }[], response: unknown) {
  const rank = new Map(steps.map((step, index) => [step.id, index]));
  if (steps.length < 2) return 0;
  const sequence = [...new Set(asIds(response))]
    .map((id) => rank.get(id))
    .filter((position): position is number => position !== undefined);
  let right = 0;
  for (let index = 1; index < sequence.length; index += 1) {
    if ((sequence[index - 1] ?? 0) < (sequence[index] ?? 0)) right += 1;
  }
  return right / (steps.length - 1);
}

/**
 * Scores one question from 0 to 1 by the rule of its type (see each rule above). A missing,
 * empty or malformed response scores 0.
 *
 * Scenario: the decision is all or nothing, as a single choice. Without a follow-up it is the
 * whole score; with one, the decision carries SCENARIO_DECISION_SHARE (half) and the follow-up,
 * scored by its own type's rule, the other half, so a sound decision with a weak follow-up still
 * earns credit.
 */
export function scoreQuestion(
  question: Question | FollowUp,
  response: QuestionResponse | undefined,
): number {
  switch (question.type) {
    case 'single-choice':
      return scoreSingle(question.options, response);
    case 'multiple-response':
      return scoreMultiple(question.options, response);
    case 'true-false':
      return scoreTrueFalse(question.answer, response);
    case 'matching':
      return scoreMatching(question.items, response);
    case 'ordering':
      return scoreOrdering(question.steps, response);
    case 'scenario': {
      if (!isRecord(response)) return 0;
      const decision =
        typeof response.decision === 'string'
          ? scoreSingle(question.options, [response.decision])
          : 0;
      if (!question.followUp) return decision;
      const followUp = scoreQuestion(
        question.followUp,
        response.followUp as FollowUpResponse | undefined,
      );
      return round(SCENARIO_DECISION_SHARE * decision + (1 - SCENARIO_DECISION_SHARE) * followUp);
    }
  }
}

/**
 * Whether the learner has given an answer worth checking: a choice, a match, a decision (and its
 * follow-up). An ordering always has one, since its steps start in some order.
 */
export function hasResponse(
  question: Question | FollowUp,
  response: QuestionResponse | undefined,
): boolean {
  switch (question.type) {
    case 'single-choice':
    case 'multiple-response':
      return asIds(response).length > 0;
    case 'true-false':
      return typeof response === 'boolean';
    case 'matching':
      return isRecord(response) && Object.values(response).some((value) => value !== '');
    case 'ordering':
      return asIds(response).length > 0;
    case 'scenario':
      return (
        isRecord(response) &&
        typeof response.decision === 'string' &&
        (!question.followUp ||
          hasResponse(question.followUp, response.followUp as QuestionResponse | undefined))
      );
  }
}

/**
 * Scores an attempt: raw is the weighted sum of question scores, scaled is raw / max, and success
 * means scaled reached the mastery score. Questions without a response score 0.
 */
export function scoreAttempt(
  questions: readonly Question[],
  responses: Readonly<Record<string, QuestionResponse | undefined>>,
  masteryScore: number,
): AttemptScore {
  let raw = 0;
  let max = 0;
  for (const question of questions) {
    raw += question.weight * scoreQuestion(question, responses[question.id]);
    max += question.weight;
  }
  raw = round(raw);
  max = round(max);
  const scaled = max > 0 ? round(raw / max) : 0;
  return { raw, min: 0, max, scaled, success: scaled >= masteryScore };
}
