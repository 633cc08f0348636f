import { getCollection, type CollectionEntry } from 'astro:content';
import type { Lang } from '../i18n/index.ts';
import { checkCourseLinks } from '../content/checks/links.ts';

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

/**
 * A collection's entries of one language by module, read once per build: each module page asking
 * the whole collection for its own entry made a build of n modules resolve n² entries (at 1,000
 * modules, 8 million, and most of the build's garbage collection). `astro dev` reads the
 * collection each time, so an edited file shows at once.
 */
type PerModule = 'quizzes' | 'trainerNotes';
const byModuleCache = new Map<string, Promise<Map<string, CollectionEntry<PerModule>>>>();

async function byModule<C extends PerModule>(
  collection: C,
  lang: Lang,
): Promise<Map<string, CollectionEntry<C>>> {
  const entries = await getCollection(collection, (entry) => entry.data.lang === lang);
  const map = new Map<string, CollectionEntry<C>>();
  for (const entry of entries) {
    if (!map.has(entry.data.module)) map.set(entry.data.module, entry);
  }
  return map;
}

async function entryOfModule<C extends PerModule>(
  collection: C,
  lang: Lang,
  moduleId: string,
): Promise<CollectionEntry<C> | undefined> {
  if (import.meta.env.DEV) return (await byModule(collection, lang)).get(moduleId);
  const key = `${collection}/${lang}`;
  let entries = byModuleCache.get(key);
  if (entries === undefined) {
    entries = byModule(collection, lang);
    byModuleCache.set(key, entries);
  }
  return (await entries).get(moduleId) as CollectionEntry<C> | undefined;
}

/** The knowledge check of a module, if it has one. */
export function getQuiz(
  lang: Lang,
  moduleId: string,
): Promise<CollectionEntry<'quizzes'> | undefined> {
  return entryOfModule('quizzes', lang, moduleId);
}

/** The trainer notes of a module, if it has them. */
export function getTrainerNotes(
  lang: Lang,
  moduleId: string,
): Promise<CollectionEntry<'trainerNotes'> | undefined> {
  return entryOfModule('trainerNotes', lang, moduleId);
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
 * Checks the links between content files that no single schema can see (src/content/checks/links.ts),
 * on the collections as the pages read them, and throws one error listing every broken link with
 * its file. The build runs the same checks on the files before any page renders; this keeps a page
 * from rendering a broken course in `astro dev`, where those build checks do not run.
 */
export async function assertCourseIntegrity(lang: Lang): Promise<void> {
  const modules = await getModules(lang);
  const quizzes = await getCollection('quizzes', (entry) => entry.data.lang === lang);
  const notes = await getCollection('trainerNotes', (entry) => entry.data.lang === lang);
  const problems = checkCourseLinks({
    modules: modules.map((module) => ({ ...module.data, file: entryFile(module) })),
    quizzes: quizzes.map((quiz) => ({ ...quiz.data, file: entryFile(quiz) })),
    references: [
      ...(await getTracks(lang)).map((track) => ({
        file: entryFile(track),
        field: 'modules',
        modules: track.data.modules,
      })),
      ...notes.map((note) => ({
        file: entryFile(note),
        field: 'module',
        modules: [note.data.module],
      })),
    ],
  });
  if (problems.length > 0) {
    throw new Error(`Course content has broken links:\n  ${problems.join('\n  ')}`);
  }
}

/** The position of each module in a course-ordered list, by id. */
const positionsCache = new WeakMap<readonly ModuleEntry[], Map<string, number>>();

/**
 * The position of each module of a list by id, made once per list: every module page of a
 * language gets the same list, and searching it on each page made a build of n modules walk n²
 * entries.
 */
export function modulePositions(modules: readonly ModuleEntry[]): Map<string, number> {
  let positions = positionsCache.get(modules);
  if (positions === undefined) {
    positions = new Map(modules.map((entry, index) => [entry.data.id, index]));
    positionsCache.set(modules, positions);
  }
  return positions;
}
