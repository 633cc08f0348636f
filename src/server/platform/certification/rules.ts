import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'astro/zod';
import { parse } from 'yaml';
import { languageSchema, stableIdSchema } from '../../../schemas/module.ts';
import { loadBanks, type ModuleBank } from './banks.ts';

/** The repository root, where content/ and the server-only assessments/ folder live. */
export const PROJECT_ROOT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../..',
);

/** content/certification/<track-id>.yaml: what a track's certificate requires. */
export const certificationRuleSchema = z.object({
  /** Id of the track in content/tracks/. Required. */
  track: stableIdSchema,
  /** Modules the learner must complete (their own tracker's completed statements count). */
  requiredModules: z.array(stableIdSchema).min(1),
  /** Share of the assessment score needed to pass, from 0 to 1. Required. */
  masteryScore: z.number().min(0).max(1),
  /** How long a certificate stays valid, in months. Required. */
  validityMonths: z.number().int().min(1).max(120),
  /** Attempts a learner may start on the track in any 24 hours. Defaults to 3. */
  attemptsPerDay: z.number().int().min(1).max(20).default(3),
  /** Minutes a learner waits after a failed attempt before starting another. Defaults to 60. */
  coolDownMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  /** Minutes a learner has to submit an attempt once started. Defaults to 60. */
  attemptMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
});

/** A track's certification rule. */
export type CertificationRule = z.infer<typeof certificationRuleSchema>;

/** A track as the certification service knows it. */
export interface CertificationTrack {
  rule: CertificationRule;
  /** Who the track is for (content/tracks): learners of that role are counted in it. */
  audience: string;
  /** The track's title per language. */
  titles: Record<string, string>;
  /** The item banks of the required modules, in the rule's order. */
  modules: ModuleBank[];
  /** Languages in which every required module has a bank (always "en"). */
  languages: string[];
}

/** Every certification track, by track id. */
export type CertificationCatalog = Map<string, CertificationTrack>;

async function yamlFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function load<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  const result = schema.safeParse(parse(await readFile(file, 'utf8')));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${file}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** Loads the certification rules, their tracks and item banks; throws naming a bad file. */
export async function loadCatalog(root: string = PROJECT_ROOT): Promise<CertificationCatalog> {
  const catalog: CertificationCatalog = new Map();
  const rulesDir = path.join(root, 'content/certification');
  for (const name of await yamlFiles(rulesDir)) {
    const file = path.join(rulesDir, name);
    const rule = await load(file, certificationRuleSchema);
    const titles: Record<string, string> = {};
    let audience = 'all';
    for (const lang of languageSchema.options) {
      const trackFile = path.join(root, 'content/tracks', lang, `${rule.track}.yaml`);
      const track = await load(
        trackFile,
        z.object({ title: z.string(), audience: z.string() }).loose(),
      ).catch(() => null);
      if (track !== null) {
        titles[lang] = track.title;
        audience = track.audience;
      }
    }
    if (Object.keys(titles).length === 0) throw new Error(`${file}: no track ${rule.track}`);
    let banks: Map<string, ModuleBank>;
    try {
      banks = await loadBanks(root, rule.requiredModules);
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
    }
    const modules = rule.requiredModules.flatMap((m) => banks.get(m) ?? []);
    const languages = languageSchema.options.filter((lang) =>
      modules.every((m) => m.banks[lang] !== undefined),
    );
    catalog.set(rule.track, { rule, audience, titles, modules, languages });
  }
  return catalog;
}
