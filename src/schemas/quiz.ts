import { z } from 'astro/zod';
import { languageSchema, stableIdSchema } from './module.ts';

/**
 * Quiz data: one YAML file per module and language in content/quizzes/<lang>/<module-id>.yaml.
 * This file checks the shape of one quiz and the rules that need only the quiz itself; rules that
 * need the module too (outcome ids) are checked in src/quiz/validate.ts.
 */

/** Text shown to the learner; short Markdown-free prose. */
const text = z.string().trim().min(1);

/** One answer option of a choice question. */
export const optionSchema = z.object({
  /** Stable id, unique within the question. Required. */
  id: stableIdSchema,
  /** What the learner reads. Required. */
  text,
  /** Whether choosing this option is right. Defaults to false. */
  correct: z.boolean().default(false),
  /** Feedback shown when the learner chose this option. Optional. */
  feedback: text.optional(),
});

/** Fields every question has. */
const questionBase = {
  /** Stable id, unique within the quiz; part of the xAPI interaction id. Required. */
  id: stableIdSchema,
  /** Ids of the module's learning outcomes this question assesses. At least one. */
  outcomes: z.array(stableIdSchema).min(1),
  /** The question. Required. */
  prompt: text,
  /** Why the right answer is right; shown after checking. Required. */
  explanation: text,
  /** Weight in the quiz score. Defaults to 1. */
  weight: z.number().positive().max(10).default(1),
};

/** One right answer among several options. */
export const singleChoiceSchema = z.object({
  ...questionBase,
  type: z.literal('single-choice'),
  /** The options; exactly one is correct. At least two. */
  options: z.array(optionSchema).min(2),
});

/** One or more right answers among several options. */
export const multipleResponseSchema = z.object({
  ...questionBase,
  type: z.literal('multiple-response'),
  /** The options; at least one is correct. At least two. */
  options: z.array(optionSchema).min(2),
});

/** A statement that is true or false. */
export const trueFalseSchema = z.object({
  ...questionBase,
  type: z.literal('true-false'),
  /** Whether the statement in the prompt is true. Required. */
  answer: z.boolean(),
  /** Feedback when the learner answers "true". Optional. */
  feedbackTrue: text.optional(),
  /** Feedback when the learner answers "false". Optional. */
  feedbackFalse: text.optional(),
});

/** A category that matching items are sorted into. */
export const matchTargetSchema = z.object({
  /** Stable id, unique within the question. Required. */
  id: stableIdSchema,
  /** The category's label. Required. */
  text,
});

/** An item the learner matches to one target. */
export const matchItemSchema = z.object({
  /** Stable id, unique within the question. Required. */
  id: stableIdSchema,
  /** The item's label. Required. */
  text,
  /** Id of the target this item belongs to. Required. */
  target: stableIdSchema,
  /** Feedback shown for this item after checking. Optional. */
  feedback: text.optional(),
});

/** Sort each item into one target (for example each actor to its group). */
export const matchingSchema = z.object({
  ...questionBase,
  type: z.literal('matching'),
  /** The targets. At least two. */
  targets: z.array(matchTargetSchema).min(2),
  /** The items. At least two. */
  items: z.array(matchItemSchema).min(2),
});

/** One step of an ordering question. */
export const stepSchema = z.object({
  /** Stable id, unique within the question. Required. */
  id: stableIdSchema,
  /** What the step says. Required. */
  text,
});

/** Put steps in order (for example the steps of a referral). */
export const orderingSchema = z.object({
  ...questionBase,
  type: z.literal('ordering'),
  /** The steps, written in their correct order; shown shuffled. At least two. */
  steps: z.array(stepSchema),
});

/** A question that may follow a scenario's decision. */
export const followUpSchema = z.discriminatedUnion('type', [
  singleChoiceSchema,
  multipleResponseSchema,
  trueFalseSchema,
]);

/** A short case, a decision with feedback per option, and an optional follow-up question. */
export const scenarioSchema = z.object({
  ...questionBase,
  type: z.literal('scenario'),
  /** The case the learner reasons through: who, where, what happened. Required. */
  scenario: text,
  /** The possible decisions; exactly one is the best. At least two. */
  options: z.array(optionSchema).min(2),
  /** A further question about the same case, scored with the decision. Optional. */
  followUp: followUpSchema.optional(),
});

/** Any question. */
export const questionSchema = z.discriminatedUnion('type', [
  singleChoiceSchema,
  multipleResponseSchema,
  trueFalseSchema,
  matchingSchema,
  orderingSchema,
  scenarioSchema,
]);

/** A whole quiz: settings and its pool of questions. */
export const quizSchema = z.object({
  /** Stable quiz id; part of the xAPI activity id. Required. */
  id: stableIdSchema,
  /** Id of the module the quiz belongs to. Required. */
  module: stableIdSchema,
  /** Language of this file. Required. */
  lang: languageSchema,
  /** Title shown above the quiz. Required. */
  title: text,
  /** Share of the score needed to pass, from 0 to 1. Required. */
  masteryScore: z.number(),
  /** Attempts allowed, or "unlimited". Defaults to unlimited. */
  attempts: z.union([z.number().int().min(1), z.literal('unlimited')]).default('unlimited'),
  /** Whether questions are shown in a random order. Defaults to true. */
  shuffleQuestions: z.boolean().default(true),
  /** Whether options, items and steps are shown in a random order. Defaults to true. */
  shuffleOptions: z.boolean().default(true),
  /** How many questions are drawn from the pool per attempt. Defaults to all of them. */
  draw: z.number().int().min(1).optional(),
  /** One question at a time, or all questions on one page. Defaults to one at a time. */
  display: z.enum(['one-at-a-time', 'all']).default('one-at-a-time'),
  /** The pool of questions. At least one. */
  questions: z.array(questionSchema).min(1),
});

/** A parsed quiz. */
export type Quiz = z.infer<typeof quizSchema>;
/** A parsed question of any type. */
export type Question = z.infer<typeof questionSchema>;
/** A parsed scenario follow-up question. */
export type FollowUp = z.infer<typeof followUpSchema>;
