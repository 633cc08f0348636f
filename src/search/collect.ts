import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { courseFile, record, text, type CourseFile } from '../content/checks/course-files.ts';
import { glossaryDocs, moduleDocs, trainerNotesDocs, type SearchDoc } from './documents.ts';
import { buildNestedSearchJson, type SearchBundle } from './index-builder.ts';

/**
 * Gathers the searchable text of a language from the course files under content/ and builds its
 * bundles. It reads the files itself, as the content checks do, rather than the content
 * collections: the build runs it in a worker thread beside Astro's own work
 * (integrations/search-index.ts), and `astro dev` serves it from src/search/route.ts. Astro has
 * validated every file against its schema before the bundles are written, so the fields read here
 * are there.
 *
 * No import of src/i18n here (its JSON imports need Vite): the caller passes the glossary's title
 * and the language's page paths.
 */

/** Where a language's pages are, each ending in a slash: `/en/modules/`, `/en/glossary/`. */
export interface SearchPaths {
  modules: string;
  trainerModules: string;
  glossary: string;
}

/** What the bundles of a language need besides the files. */
export interface SearchSource {
  lang: 'en' | 'fr';
  /** The glossary page's title, in the language: the title of glossary results. */
  glossaryTitle: string;
  paths: SearchPaths;
}

/** The two bundles of a language: the learner's, and the trainer view's with the trainer notes. */
export interface SearchBundles {
  learner: SearchBundle;
  trainer: SearchBundle;
}

/** Every file of one content folder (every language), parsed. */
function readKind(root: string, kind: string, extension: string): CourseFile[] {
  const dir = path.join(root, 'content', kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => courseFile(root, path.join(dir, name)));
}

/** A file's frontmatter or YAML as a mapping. */
const dataOf = (file: CourseFile) => record(file.data);

/** The files whose `lang` field is the language, as getCollection filters them. */
const inLanguage = (files: CourseFile[], lang: string) =>
  files.filter((file) => dataOf(file).lang === lang);

/** The files the search indexes are made from, every language, read once. */
export interface SearchFiles {
  modules: CourseFile[];
  trainerNotes: CourseFile[];
  glossary: CourseFile[];
}

/**
 * The search files among course files read for the content checks (readCourseFiles), so that a
 * build reads and parses each file once: the same files, in the same order, as readSearchFiles.
 */
export function searchFilesOf(all: readonly CourseFile[]): SearchFiles {
  const kind = (folder: string, extension: string) =>
    all.filter(
      (file) => file.file.startsWith(`content/${folder}/`) && file.name.endsWith(extension),
    );
  return {
    modules: kind('modules', '.mdx'),
    trainerNotes: kind('trainer-notes', '.mdx'),
    glossary: kind('glossary', '.yaml'),
  };
}

/** Reads the modules, trainer notes and glossary of every language under a project root. */
export function readSearchFiles(root: string): SearchFiles {
  return {
    modules: readKind(root, 'modules', '.mdx'),
    trainerNotes: readKind(root, 'trainer-notes', '.mdx'),
    glossary: readKind(root, 'glossary', '.yaml'),
  };
}

/** The two bundles of a language as the JSON text the site serves. */
export interface SearchBundlesJson {
  learner: string;
  trainer: string;
}

/**
 * Builds the learner's and the trainer's search bundles of a language from the course files, as
 * the JSON text of /<lang>/search-index.json and /<lang>/trainer/search-index.json.
 */
export function courseSearchJson(files: SearchFiles, source: SearchSource): SearchBundlesJson {
  const { lang, paths } = source;
  // In course order, as the course page lists them (src/course/catalog.ts, getModules).
  const modules = inLanguage(files.modules, lang).sort(
    (a, b) => Number(dataOf(a).order) - Number(dataOf(b).order),
  );
  const notes = new Map(
    inLanguage(files.trainerNotes, lang).map((file) => [text(dataOf(file).module), file]),
  );
  // Sorted by term as the glossary page shows them (getGlossary); the id is the file name.
  const terms = inLanguage(files.glossary, lang)
    .map((file) => ({ id: file.name.replace(/\.yaml$/, ''), data: dataOf(file) }))
    .sort((a, b) => text(a.data.term).localeCompare(text(b.data.term), lang));
  const glossary = glossaryDocs(
    terms.map(({ id, data }) => ({
      id,
      term: text(data.term),
      expansion: typeof data.expansion === 'string' ? data.expansion : undefined,
      definition: text(data.definition),
    })),
    paths.glossary,
    source.glossaryTitle,
  );

  const learner: SearchDoc[] = [];
  const trainer: SearchDoc[] = [];
  const trainerNotes: SearchDoc[] = [];
  for (const file of modules) {
    const data = dataOf(file);
    const id = text(data.id);
    const module = {
      id,
      title: text(data.title),
      summary: text(data.summary),
      outcomes: (Array.isArray(data.outcomes) ? data.outcomes : []).map((outcome) => ({
        text: text(record(outcome).text),
      })),
      keyMessages: (Array.isArray(data.keyMessages) ? data.keyMessages : []).map(text),
      body: file.body,
    };
    const learnerPath = `${paths.modules}${id}/`;
    const trainerPath = `${paths.trainerModules}${id}/`;
    const sections = moduleDocs(module, learnerPath);
    learner.push(...sections);
    // The trainer view's sections are the same text at the trainer view's path: the module is cut
    // into sections and turned into plain text once.
    trainer.push(
      ...sections.map((doc) => ({
        ...doc,
        id: trainerPath + doc.id.slice(learnerPath.length),
        url: trainerPath + doc.url.slice(learnerPath.length),
      })),
    );
    const note = notes.get(id);
    if (note) trainerNotes.push(...trainerNotesDocs(module.title, note.body, trainerPath));
  }
  // The trainer view's index is the learner's (the same sections, linked to the trainer view)
  // with the trainer notes after the glossary: one builder makes both.
  const [learnerJson, trainerJson] = buildNestedSearchJson(
    lang,
    [...learner, ...glossary],
    [...trainer, ...glossary],
    trainerNotes,
  );
  return { learner: learnerJson, trainer: trainerJson };
}

/** The two bundles of a language as objects (see courseSearchJson). */
export function courseSearchBundles(files: SearchFiles, source: SearchSource): SearchBundles {
  const json = courseSearchJson(files, source);
  return {
    learner: JSON.parse(json.learner) as SearchBundle,
    trainer: JSON.parse(json.trainer) as SearchBundle,
  };
}
