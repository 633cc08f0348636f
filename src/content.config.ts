import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { glossarySchema } from './schemas/glossary.ts';
import { moduleSchema } from './schemas/module.ts';
import { quizDataSchema } from './quiz/validate.ts';
import { trackSchema } from './schemas/track.ts';
import { trainerNotesSchema } from './schemas/trainer-notes.ts';

// Course content lives at the repository root (content/), apart from the code that renders it.
export const collections = {
  modules: defineCollection({
    loader: glob({ pattern: '*/*.mdx', base: './content/modules' }),
    schema: moduleSchema,
  }),
  quizzes: defineCollection({
    loader: glob({ pattern: '*/*.yaml', base: './content/quizzes' }),
    schema: quizDataSchema,
  }),
  glossary: defineCollection({
    loader: glob({ pattern: '*/*.yaml', base: './content/glossary' }),
    schema: glossarySchema,
  }),
  tracks: defineCollection({
    loader: glob({ pattern: '*/*.yaml', base: './content/tracks' }),
    schema: trackSchema,
  }),
  trainerNotes: defineCollection({
    loader: glob({ pattern: '*/*.mdx', base: './content/trainer-notes' }),
    schema: trainerNotesSchema,
  }),
};
