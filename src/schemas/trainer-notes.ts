import { z } from 'astro/zod';
import { languageSchema, stableIdSchema } from './module.ts';

/** Frontmatter of a module's trainer notes: content/trainer-notes/<lang>/<module-id>.mdx. */
export const trainerNotesSchema = z.object({
  /** Id of the module the notes belong to. Required. */
  module: stableIdSchema,
  /** Language of this file. Required. */
  lang: languageSchema,
  /** Suggested classroom time in minutes. Required. */
  sessionMinutes: z.number().int().min(5).max(600),
});

/** Parsed trainer-notes frontmatter. */
export type TrainerNotes = z.infer<typeof trainerNotesSchema>;
