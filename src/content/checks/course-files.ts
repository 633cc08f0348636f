import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
// js-yaml, the parser Astro's own loaders use: the checks see what the build sees, and it parses a
// course of 1,000 modules several times faster than the yaml package.
import { load } from 'js-yaml';

/**
 * The content checks read the course files themselves rather than the content collections, so they
 * run once before any page renders, and tests can run them on a fixture folder without Astro.
 */

/** The kinds of content that have one folder per language under content/. */
export const LANGUAGE_KINDS = [
  'modules',
  'quizzes',
  'trainer-notes',
  'trainer-kits',
  'glossary',
  'tracks',
] as const;

/** One kind of content with one folder per language. */
export type LanguageKind = (typeof LANGUAGE_KINDS)[number];

/** One course file: where it is, its text, and its parsed YAML (an MDX file's frontmatter). */
export interface CourseFile {
  /** Path relative to the project root with forward slashes, such as content/modules/en/x.mdx. */
  file: string;
  /** File name without its folder, such as x.mdx. */
  name: string;
  /** Language folder, or undefined for files outside one (certification rules). */
  lang: string | undefined;
  /** The whole text of the file. */
  text: string;
  /** The parsed YAML, or the parsed frontmatter of an MDX file; undefined when there is none. */
  data: unknown;
  /** The body of an MDX file after its frontmatter; empty for YAML. */
  body: string;
}

/** A parsed YAML mapping, read without trusting its shape. */
export type Value = Record<string, unknown>;

/** Whether a parsed YAML value is a mapping. */
export function isRecord(value: unknown): value is Value {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A parsed YAML value as a mapping; anything else reads as an empty one. */
export function record(value: unknown): Value {
  return isRecord(value) ? value : {};
}

/** A parsed YAML value as a list; anything else reads as an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A parsed YAML value as a string; anything else reads as an empty one. */
export function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** The strings of a parsed YAML list, skipping anything else. */
export function strings(value: unknown): string[] {
  return list(value).filter((item): item is string => typeof item === 'string');
}

/** Every file of the course, with a look-up by kind and language. */
export interface CourseFiles {
  /** Every file the checks read: content/** and assessments/**, sorted by path. */
  readonly all: readonly CourseFile[];
  /** The files of one kind and language, sorted by name. */
  byKind(kind: LanguageKind, lang: string): CourseFile[];
  /** The language folders found under content/modules. */
  readonly languages: readonly string[];
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/;

/** Splits an MDX text into its parsed YAML frontmatter and its body. */
export function splitFrontmatter(text: string): { data: unknown; body: string } {
  const match = FRONTMATTER.exec(text);
  if (!match) return { data: undefined, body: text };
  return { data: load(match[1] ?? ''), body: text.slice(match[0].length) };
}

/** Parses a YAML file, returning the parse error as undefined data: the schema reports it. */
function parseYaml(text: string): unknown {
  try {
    return load(text);
  } catch {
    return undefined;
  }
}

/** Reads one file into a CourseFile; an unreadable frontmatter leaves data undefined. */
export function courseFile(root: string, full: string): CourseFile {
  const text = readFileSync(full, 'utf8');
  const file = path.relative(root, full).split(path.sep).join('/');
  const parts = file.split('/');
  const lang = parts[0] === 'content' && parts.length === 4 ? parts[2] : undefined;
  const base = { file, name: path.basename(full), lang: parts[0] === 'assessments' ? parts[1] : lang, text };
  if (full.endsWith('.mdx') || full.endsWith('.md')) {
    try {
      return { ...base, ...splitFrontmatter(text) };
    } catch {
      return { ...base, data: undefined, body: text };
    }
  }
  return { ...base, data: parseYaml(text), body: '' };
}

/** Every .mdx, .md and .yaml file under a folder, recursively, sorted. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) return listFiles(full);
      return /\.(mdx|md|ya?ml)$/.test(entry) ? [full] : [];
    });
}

/**
 * Reads the course under a project root: every file of content/ (modules, quizzes, glossary,
 * tracks, trainer notes, certification rules) and of assessments/ (the graded item banks).
 */
export function readCourseFiles(root: string): CourseFiles {
  const all = [
    ...listFiles(path.join(root, 'content')),
    ...listFiles(path.join(root, 'assessments')),
  ].map((full) => courseFile(root, full));
  const index = new Map<string, CourseFile[]>();
  for (const file of all) {
    const [top, kind, lang] = file.file.split('/');
    if (top !== 'content' || file.lang === undefined) continue;
    const key = `${kind ?? ''}/${lang ?? ''}`;
    const files = index.get(key);
    if (files === undefined) index.set(key, [file]);
    else files.push(file);
  }
  const modulesDir = path.join(root, 'content', 'modules');
  const languages = existsSync(modulesDir)
    ? readdirSync(modulesDir)
        .filter((entry) => statSync(path.join(modulesDir, entry)).isDirectory())
        .sort()
    : [];
  return {
    all,
    languages,
    // listFiles sorts each folder, so each list is already in name order.
    byKind: (kind, lang) => [...(index.get(`${kind}/${lang}`) ?? [])],
  };
}
