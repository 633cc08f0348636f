import { z } from 'astro/zod';

/** Languages the course is published in. */
export const languageSchema = z.enum(['en', 'fr']);

/** Who a module or track is written for. */
export const audienceSchema = z.enum(['police', 'military', 'all']);

/**
 * A stable identifier: lower-case words joined by hyphens. It becomes part of an xAPI activity id,
 * so it never changes when a title does.
 */
export const stableIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens');

/** One learning outcome: what the learner can do after the module. */
export const outcomeSchema = z.object({
  /** Stable id of the outcome, unique within its module; quiz questions point at it. Required. */
  id: stableIdSchema,
  /** The outcome, as one sentence starting with a verb. Required. */
  text: z.string().min(10),
});

/** A source the module's facts come from. */
export const sourceSchema = z
  .object({
    /** Title of the document or page. Required. */
    title: z.string().min(3),
    /** UN document symbol, such as A/68/257. Either this or url is required. */
    symbol: z.string().optional(),
    /** Address of the document. Either this or symbol is required. */
    url: z.url().optional(),
    /** Year of publication, when known. */
    year: z.number().int().min(1945).max(2100).optional(),
  })
  .refine((source) => source.symbol !== undefined || source.url !== undefined, {
    message: 'a source needs a UN document symbol or a url',
  });

/** Semantic version of a module's content, such as 1.0.0. */
export const versionSchema = z.string().regex(/^\d+\.\d+\.\d+$/, 'must look like 1.0.0');

/** Frontmatter of one course module (an MDX file in content/modules/<lang>/). */
export const moduleSchema = z
  .object({
    /** Stable module id, shared by every language of the module; part of the xAPI activity id. Required. */
    id: stableIdSchema,
    /** Title shown in lists and at the top of the page. Required. */
    title: z.string().min(3),
    /** One or two sentences on what the module covers. Required. */
    summary: z.string().min(10).max(400),
    /** Who the module is for. Required. */
    audience: audienceSchema,
    /** Estimated minutes to read the module and take its check. Required. */
    minutes: z.number().int().min(1).max(600),
    /** Learning outcomes, each with its own id. At least one. */
    outcomes: z.array(outcomeSchema).min(1),
    /** Ids of modules to take first. Defaults to none. */
    prerequisites: z.array(stableIdSchema).default([]),
    /** Version of the content. Required. */
    version: versionSchema,
    /** Language of this file. Required. */
    lang: languageSchema,
    /** Where the facts come from. At least one. */
    sources: z.array(sourceSchema).min(1),
    /** Position in the course, from 1. Required. */
    order: z.number().int().min(1),
    /** Key messages: what the learner must remember, shown at the end. At least one. */
    keyMessages: z.array(z.string().min(5)).min(1),
  })
  .superRefine((module, ctx) => {
    const seen = new Set<string>();
    module.outcomes.forEach((outcome, index) => {
      if (seen.has(outcome.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['outcomes', index, 'id'],
          message: `duplicate outcome id "${outcome.id}"`,
        });
      }
      seen.add(outcome.id);
    });
    if (module.prerequisites.includes(module.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['prerequisites'],
        message: 'a module cannot be its own prerequisite',
      });
    }
  });

/** A parsed module's frontmatter. */
export type ModuleData = z.infer<typeof moduleSchema>;
