import { z } from 'astro/zod';
import { languageSchema, stableIdSchema } from './module.ts';

/**
 * A module's session kit: content/trainer-kits/<lang>/<module-id>.yaml. The session plan's
 * narrative (before the session, activities, discussion questions) stays in the module's trainer
 * notes (content/trainer-notes/); the kit holds what is projected, printed and handed out, and the
 * points a good answer makes. Ids are the same in every language, so a trainer can switch language
 * in the middle of a session and keep their place.
 */

/** Plain text: no Markdown, no HTML; a blank line starts a new paragraph. */
const text = z.string().trim().min(2);

/** One line on a slide: short enough to read from the back of a room of 40 (8 m). */
const slideLine = z.string().trim().min(2).max(90, 'a slide line must be at most 90 characters');

/** One slide of the projector view: one idea, a title and at most four short lines. */
export const slideSchema = z.object({
  /** Stable id, the same in every language. */
  id: stableIdSchema,
  /** The idea of the slide. At most 70 characters. */
  title: z.string().trim().min(2).max(70, 'a slide title must be at most 70 characters'),
  /** Up to four lines shown under the title; none for a title or question slide. */
  points: z.array(slideLine).max(4, 'a slide holds at most four lines: split it').default([]),
  /** What the trainer says or asks: shown only in the presenter window. */
  notes: text,
});

/** A case card handed to a group: the case as learners read it, and what a good answer makes. */
export const caseCardSchema = z.object({
  id: stableIdSchema,
  title: z.string().trim().min(2).max(80),
  /** The case, as the group reads it (printed on the card). */
  situation: text,
  /** The questions printed on the card. */
  questions: z.array(text).min(1).max(4),
  /** Points a good answer makes: for the trainer only, never printed on the card. */
  answerPoints: z.array(text).min(2),
});

/** A printable A4 handout for learners to keep. */
export const handoutSchema = z.object({
  id: stableIdSchema,
  title: z.string().trim().min(2).max(80),
  sections: z
    .array(
      z.object({
        heading: z.string().trim().min(2).max(80),
        points: z.array(text).min(1),
      }),
    )
    .min(1),
});

/** One timed step of the session plan. */
export const planStepSchema = z.object({
  /** Length of the step in minutes. */
  minutes: z.number().int().min(5).max(60),
  /** What happens, in a few words ("The six grave violations"). */
  activity: z.string().trim().min(2).max(80),
  /** How the trainer runs it. */
  how: text,
  /** Slides shown during the step (ids). */
  slides: z.array(stableIdSchema).default([]),
  /** Case cards used during the step (ids). */
  cards: z.array(stableIdSchema).default([]),
});

/** A discussion question of the session and the points a good answer makes. */
export const discussionSchema = z.object({
  id: stableIdSchema,
  question: text,
  answerPoints: z.array(text).min(2),
});

export const trainerKitSchema = z
  .object({
    /** Id of the module the kit belongs to. */
    module: stableIdSchema,
    lang: languageSchema,
    /** What participants can do at the end of the session (from the module's learning outcomes). */
    objectives: z.array(text).min(2).max(8),
    /** What the trainer brings or prepares (printouts, projector, flip chart...). */
    materials: z.array(text).min(1),
    /** The session, step by step; the steps add up to three hours. */
    plan: z.array(planStepSchema).min(4),
    slides: z.array(slideSchema).min(8).max(40),
    cards: z.array(caseCardSchema).min(2),
    handouts: z.array(handoutSchema).min(1),
    discussion: z.array(discussionSchema).min(3),
  })
  .superRefine((kit, ctx) => {
    const total = kit.plan.reduce((sum, step) => sum + step.minutes, 0);
    if (total !== 180) {
      ctx.addIssue({
        code: 'custom',
        path: ['plan'],
        message: `the plan's steps add up to ${total} minutes, not 180 (a three-hour session)`,
      });
    }
    const unique = (name: 'slides' | 'cards' | 'handouts' | 'discussion') => {
      const seen = new Set<string>();
      kit[name].forEach((item, index) => {
        if (seen.has(item.id)) {
          ctx.addIssue({
            code: 'custom',
            path: [name, index, 'id'],
            message: `id "${item.id}" is used twice`,
          });
        }
        seen.add(item.id);
      });
      return seen;
    };
    const known = { slides: unique('slides'), cards: unique('cards') };
    unique('handouts');
    unique('discussion');
    kit.plan.forEach((step, index) => {
      for (const part of ['slides', 'cards'] as const) {
        for (const id of step[part].filter((id) => !known[part].has(id))) {
          ctx.addIssue({
            code: 'custom',
            path: ['plan', index, part],
            message: `no ${part === 'slides' ? 'slide' : 'card'} "${id}"`,
          });
        }
      }
    });
  });

/** A parsed session kit. */
export type TrainerKit = z.infer<typeof trainerKitSchema>;
