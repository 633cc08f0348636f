import { z } from 'astro/zod';
import { audienceSchema, languageSchema, stableIdSchema } from './module.ts';

/** A learning track: content/tracks/<lang>/<track-id>.yaml, such as police pre-deployment. */
export const trackSchema = z.object({
  /** Stable track id, shared by every language; certification refers to it. Required. */
  id: stableIdSchema,
  /** Title shown on the home page. Required. */
  title: z.string().min(3),
  /** One or two sentences on who the track is for. Required. */
  summary: z.string().min(10),
  /** Who the track is for. Required. */
  audience: audienceSchema,
  /** Ids of the track's modules, in the order to take them. At least one. */
  modules: z.array(stableIdSchema).min(1),
  /** Language of this file. Required. */
  lang: languageSchema,
  /** Position on the home page, from 1. Required. */
  order: z.number().int().min(1),
});

/** A parsed track. */
export type Track = z.infer<typeof trackSchema>;
