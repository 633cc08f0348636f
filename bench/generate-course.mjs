// Generates a course of N modules for the build bench: the real modules in rotation, both
// languages, each with its quiz, ids made unique. Used by bench/build.mjs; run alone with
// `node bench/generate-course.mjs <project-copy> <N>` to look at or time a generated course.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '..');

/** The languages the course is generated in. */
export const LANGS = ['en', 'fr'];

/** The real modules of one language: file name, text, and its quiz's text. */
export function realModules(lang) {
  const dir = join(repo, 'content/modules', lang);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx'))
    .sort()
    .map((name) => ({
      id: name.replace(/\.mdx$/, ''),
      text: readFileSync(join(dir, name), 'utf8'),
      quiz: readFileSync(
        join(repo, 'content/quizzes', lang, name.replace(/\.mdx$/, '.yaml')),
        'utf8',
      ),
    }));
}

/**
 * The i-th generated module of a language: the real module i mod 4, its id (and its quiz's) made
 * unique past the first four, its order moved to i + 1. The first four keep their ids, so tracks,
 * prerequisites and trainer notes still name existing modules.
 */
export function generated(real, i) {
  const source = real[i % real.length];
  const id = i < real.length ? source.id : `${source.id}-${i}`;
  const module = source.text
    .replace(/^id: .*$/m, `id: ${id}`)
    .replace(/^order: .*$/m, `order: ${i + 1}`)
    .replace(/^title: (.*)$/m, i < real.length ? '$&' : `title: $1 (${i + 1})`);
  const quiz = source.quiz
    .replace(/^id: .*$/m, `id: ${id}-check`)
    .replace(/^module: .*$/m, `module: ${id}`);
  return { id, module, quiz, source };
}

/** Writes N generated modules and quizzes per language into a project copy's content folder. */
export function generateCourse(root, size) {
  for (const lang of LANGS) {
    const real = realModules(lang);
    const modules = join(root, 'content/modules', lang);
    const quizzes = join(root, 'content/quizzes', lang);
    rmSync(modules, { recursive: true, force: true });
    rmSync(quizzes, { recursive: true, force: true });
    mkdirSync(modules, { recursive: true });
    mkdirSync(quizzes, { recursive: true });
    for (let i = 0; i < size; i += 1) {
      const { id, module, quiz } = generated(real, i);
      writeFileSync(join(modules, `${id}.mdx`), module);
      writeFileSync(join(quizzes, `${id}.yaml`), quiz);
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
