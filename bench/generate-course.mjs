// Generates a course of N modules for the build bench: the real modules in rotation, both
// languages, each with what a real module has (its quiz, trainer notes and trainer kit), ids made
// unique. Used by bench/build.mjs; run alone with
// `node bench/generate-course.mjs <project-copy> <N>` to look at or time a generated course.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');

/** The languages the course is generated in. */
export const LANGS = ['en', 'fr'];

/** The content folders that hold one file per module, and their files' extension. */
const PER_MODULE = {
  modules: 'mdx',
  quizzes: 'yaml',
  'trainer-notes': 'mdx',
  'trainer-kits': 'yaml',
};

/** A module's file in one of the per-module folders, or undefined if it has none there. */
function readOptional(folder, lang, id) {
  const file = join(repo, 'content', folder, lang, `${id}.${PER_MODULE[folder]}`);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/**
 * The real modules of one language: id, text, and the text of its quiz, trainer notes and trainer
 * kit (undefined for what a module lacks).
 */
export function realModules(lang) {
  const dir = join(repo, 'content/modules', lang);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx'))
    .sort()
    .map((name) => {
      const id = name.replace(/\.mdx$/, '');
      return {
        id,
        text: readFileSync(join(dir, name), 'utf8'),
        quiz: readOptional('quizzes', lang, id),
        notes: readOptional('trainer-notes', lang, id),
        kit: readOptional('trainer-kits', lang, id),
      };
    });
}

/** A one-line YAML scalar's text: quotes taken off (a JSON string is YAML too). */
function unquote(scalar) {
  if (scalar.startsWith("'")) return scalar.slice(1, -1).replaceAll("''", "'");
  if (scalar.startsWith('"')) return JSON.parse(scalar);
  return scalar;
}

/**
 * The i-th generated module of a language: the real module i mod n (n real modules), its id (and
 * the ids in its quiz, trainer notes and kit) made unique past the first n, its order moved to
 * i + 1. The first n keep their ids, so tracks and prerequisites still name existing modules.
 */
export function generated(real, i) {
  const source = real[i % real.length];
  const id = i < real.length ? source.id : `${source.id}-${i}`;
  const module = source.text
    .replace(/^id: .*$/m, `id: ${id}`)
    .replace(/^order: .*$/m, `order: ${i + 1}`)
    .replace(/^title: (.*)$/m, (line, title) =>
      i < real.length ? line : `title: ${JSON.stringify(`${unquote(title)} (${i + 1})`)}`,
    );
  const quiz = source.quiz
    ?.replace(/^id: .*$/m, `id: ${id}-check`)
    .replace(/^module: .*$/m, `module: ${id}`);
  const notes = source.notes?.replace(/^module: .*$/m, `module: ${id}`);
  const kit = source.kit?.replace(/^module: .*$/m, `module: ${id}`);
  return { id, module, quiz, notes, kit, source };
}

/**
 * Writes N generated modules per language, with their quizzes, trainer notes and trainer kits, into
 * a project copy's content folder, in place of the real ones.
 */
export function generateCourse(root, size) {
  for (const lang of LANGS) {
    const real = realModules(lang);
    for (const folder of Object.keys(PER_MODULE)) {
      const dir = join(root, 'content', folder, lang);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
    }
    for (let i = 0; i < size; i += 1) {
      const { id, module, quiz, notes, kit } = generated(real, i);
      const files = { modules: module, quizzes: quiz, 'trainer-notes': notes, 'trainer-kits': kit };
      for (const [folder, text] of Object.entries(files)) {
        if (text !== undefined)
          writeFileSync(join(root, 'content', folder, lang, `${id}.${PER_MODULE[folder]}`), text);
      }
    }
  }
}

if (process.argv[1] === import.meta.filename) {
  const [root, size] = process.argv.slice(2);
  if (root === undefined || size === undefined) {
    console.error('usage: node bench/generate-course.mjs <project-copy> <N>');
    process.exit(1);
  }
  generateCourse(resolve(root), Number(size));
}
