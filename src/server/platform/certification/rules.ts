import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'astro/zod';
import { parse } from 'yaml';
import { languageSchema, stableIdSchema } from '../../../schemas/module.ts';
import { questionSchema, type Question } from '../../../schemas/quiz.ts';

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
  /** Id of the graded assessment in assessments/<lang>/. Required. */
  assessment: stableIdSchema,
  /** Share of the assessment score needed to pass, from 0 to 1. Required. */
  masteryScore: z.number().min(0).max(1),
  /** How long a certificate stays valid, in months. Required. */
  validityMonths: z.number().int().min(1).max(120),
});

/** A track's certification rule. */
export type CertificationRule = z.infer<typeof certificationRuleSchema>;

/** assessments/<lang>/<id>.yaml: a graded assessment with its answer key (never shipped). */
export const assessmentSchema = z.object({
  /** Stable id; part of the assessment's xAPI activity id. Required. */
  id: stableIdSchema,
  /** The track it certifies. Required. */
  track: stableIdSchema,
  /** Language of this file. Required. */
  lang: languageSchema,
  /** Title shown above the questions. Required. */
  title: z.string().min(3),
  /** The questions, in the quiz question format, at least ten. */
  questions: z.array(questionSchema).min(10),
});

/** A graded assessment with its answer key. */
export type Assessment = z.infer<typeof assessmentSchema>;

/** A track as the certification service knows it. */
export interface CertificationTrack {
  rule: CertificationRule;
  /** Who the track is for (content/tracks): learners of that role are counted in it. */
  audience: string;
  /** The track's title per language. */
  titles: Record<string, string>;
  /** The graded assessment per language. */
  assessments: Record<string, Assessment>;
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

function checkKeys(file: string, questions: readonly Question[]): void {
  for (const q of questions) {
    const choices = 'options' in q ? q.options.filter((o) => o.correct).length : 1;
    if (choices === 0) throw new Error(`${file}: question ${q.id} has no correct option`);
  }
}

/** Loads the certification rules, their tracks and graded assessments; throws naming a bad file. */
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
    const assessments: Record<string, Assessment> = {};
    for (const lang of languageSchema.options) {
      const assessmentFile = path.join(root, 'assessments', lang, `${rule.assessment}.yaml`);
      const exists = (await yamlFiles(path.dirname(assessmentFile))).includes(
        path.basename(assessmentFile),
      );
      if (!exists) continue;
      const assessment = await load(assessmentFile, assessmentSchema);
      checkKeys(assessmentFile, assessment.questions);
      assessments[lang] = assessment;
    }
    if (assessments.en === undefined) {
      throw new Error(`${file}: assessments/en/${rule.assessment}.yaml is missing`);
    }
    catalog.set(rule.track, { rule, audience, titles, assessments });
  }
  return catalog;
}

/** The knowledge-check quiz id of each module (content/quizzes/en), for the trainer's view. */
export async function loadQuizIds(root: string = PROJECT_ROOT): Promise<Map<string, string>> {
  const dir = path.join(root, 'content/quizzes/en');
  const ids = new Map<string, string>();
  for (const name of await yamlFiles(dir)) {
    const quiz = parse(await readFile(path.join(dir, name), 'utf8')) as {
      id?: unknown;
      module?: unknown;
    };
    if (typeof quiz.id === 'string' && typeof quiz.module === 'string') {
      ids.set(quiz.module, quiz.id);
    }
  }
  return ids;
}
