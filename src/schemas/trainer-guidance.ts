import { z } from 'astro/zod';
import { languageSchema, stableIdSchema } from './module.ts';

/**
 * Guidance for trainers that is not tied to one module, such as what to do when a participant
 * discloses abuse: content/trainer-guidance/<lang>/<id>.mdx, shown at /<lang>/trainer/<id>/
 * behind staff sign-in. The same ids in every language.
 */
export const trainerGuidanceSchema = z.object({
  /** Id of the page, the same in every language (the file name). */
  id: stableIdSchema,
  lang: languageSchema,
  /** The page's heading and title. */
  title: z.string().trim().min(2).max(100),
  /** One sentence on what the page is for. */
  summary: z.string().trim().min(2).max(300),
});

/** Parsed trainer guidance frontmatter. */
export type TrainerGuidance = z.infer<typeof trainerGuidanceSchema>;
