import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import type { ZodType } from 'astro/zod';
import { glossarySchema } from './schemas/glossary.ts';
import { moduleSchema } from './schemas/module.ts';
import { quizDataSchema } from './quiz/validate.ts';
import { trackSchema } from './schemas/track.ts';
import { trainerGuidanceSchema } from './schemas/trainer-guidance.ts';
import { trainerKitSchema } from './schemas/trainer-kit.ts';
import { trainerNotesSchema } from './schemas/trainer-notes.ts';

// Course content lives at the repository root (content/<folder>/<lang>/), apart from the code
// that renders it.
function fromContent<S extends ZodType>(folder: string, extension: 'mdx' | 'yaml', schema: S) {
  return defineCollection({
    loader: glob({ pattern: `*/*.${extension}`, base: `./content/${folder}` }),
    schema,
  });
}

export const collections = {
  modules: fromContent('modules', 'mdx', moduleSchema),
  quizzes: fromContent('quizzes', 'yaml', quizDataSchema),
  glossary: fromContent('glossary', 'yaml', glossarySchema),
  tracks: fromContent('tracks', 'yaml', trackSchema),
  trainerNotes: fromContent('trainer-notes', 'mdx', trainerNotesSchema),
  trainerKits: fromContent('trainer-kits', 'yaml', trainerKitSchema),
  trainerGuidance: fromContent('trainer-guidance', 'mdx', trainerGuidanceSchema),
};
