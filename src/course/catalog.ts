import { getCollection, type CollectionEntry } from 'astro:content';
import type { Lang } from '../i18n/index.ts';
import { checkQuizAgainstModule } from '../quiz/validate.ts';

/** A module entry of the content collection. */
export type ModuleEntry = CollectionEntry<'modules'>;

/** A content file's path relative to the repository, for build error messages. */
export function entryFile(entry: { filePath?: string | undefined; id: string }): string {
  return entry.filePath ?? entry.id;
}

/** Every module in a language, in course order. */
export async function getModules(lang: Lang): Promise<ModuleEntry[]> {
  const modules = await getCollection('modules', (entry) => entry.data.lang === lang);
  return modules.sort((a, b) => a.data.order - b.data.order);
}

/** Every track in a language, in display order. */
export async function getTracks(lang: Lang): Promise<CollectionEntry<'tracks'>[]> {
  const tracks = await getCollection('tracks', (entry) => entry.data.lang === lang);
  return tracks.sort((a, b) => a.data.order - b.data.order);
}

/** The knowledge check of a module, if it has one. */
export async function getQuiz(
  lang: Lang,
  moduleId: string,
): Promise<CollectionEntry<'quizzes'> | undefined> {
  const quizzes = await getCollection(
    'quizzes',
    (entry) => entry.data.lang === lang && entry.data.module === moduleId,
  );
  return quizzes[0];
}

/** The trainer notes of a module, if it has them. */
export async function getTrainerNotes(
  lang: Lang,
  moduleId: string,
): Promise<CollectionEntry<'trainerNotes'> | undefined> {
  const notes = await getCollection(
    'trainerNotes',
    (entry) => entry.data.lang === lang && entry.data.module === moduleId,
  );
  return notes[0];
}

/** Every glossary term in a language, sorted alphabetically by term. */
export async function getGlossary(lang: Lang): Promise<CollectionEntry<'glossary'>[]> {
  const terms = await getCollection('glossary', (entry) => entry.data.lang === lang);
  return terms.sort((a, b) => a.data.term.localeCompare(b.data.term, lang));
}

/** The glossary id of a term entry: its file name without the language folder. */
export function glossaryId(entry: CollectionEntry<'glossary'>): string {
  return entry.id.split('/').pop() ?? entry.id;
}

/**
 * Checks the links between content files that no single schema can see, and throws one error
 * listing every broken link with its file: unknown prerequisites, duplicate module ids, tracks
 * naming unknown modules, quizzes or trainer notes for unknown modules, and quiz questions
 * assessing outcomes their module does not define.
 */
export async function assertCourseIntegrity(lang: Lang): Promise<void> {
  const modules = await getModules(lang);
  const ids = new Map<string, ModuleEntry>();
  const problems: string[] = [];
  for (const module of modules) {
    const clash = ids.get(module.data.id);
    if (clash) {
      problems.push(
        `${entryFile(module)}: module id "${module.data.id}" is already used by ${entryFile(clash)}`,
      );
    }
    ids.set(module.data.id, module);
  }
  for (const module of modules) {
    for (const prerequisite of module.data.prerequisites) {
      if (!ids.has(prerequisite)) {
        problems.push(`${entryFile(module)}: prerequisites: unknown module "${prerequisite}"`);
      }
    }
  }
  for (const track of await getTracks(lang)) {
    for (const moduleId of track.data.modules) {
      if (!ids.has(moduleId)) {
        problems.push(`${entryFile(track)}: modules: unknown module "${moduleId}"`);
      }
    }
  }
  const quizzes = await getCollection('quizzes', (entry) => entry.data.lang === lang);
  for (const quiz of quizzes) {
    const module = ids.get(quiz.data.module);
    if (!module) {
      problems.push(`${entryFile(quiz)}: module: unknown module "${quiz.data.module}"`);
      continue;
    }
    const outcomeIds = module.data.outcomes.map((outcome) => outcome.id);
    problems.push(...checkQuizAgainstModule(quiz.data, outcomeIds, entryFile(quiz)));
  }
  const notes = await getCollection('trainerNotes', (entry) => entry.data.lang === lang);
  for (const note of notes) {
    if (!ids.has(note.data.module)) {
      problems.push(`${entryFile(note)}: module: unknown module "${note.data.module}"`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Course content has broken links:\n  ${problems.join('\n  ')}`);
  }
}
