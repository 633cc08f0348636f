import { z } from 'astro/zod';
import { languageSchema } from './module.ts';

/** One glossary term: content/glossary/<lang>/<term-id>.yaml, the file name being the term id. */
export const glossarySchema = z.object({
  /** The term or acronym as written in the course, such as CPA. Required. */
  term: z.string().min(1),
  /** What an acronym stands for. Optional for plain terms. */
  expansion: z.string().min(2).optional(),
  /** A plain-language definition of one to three sentences. Required. */
  definition: z.string().min(10),
  /** Language of this file. Required. */
  lang: languageSchema,
});

/** A parsed glossary term. */
export type GlossaryTerm = z.infer<typeof glossarySchema>;
