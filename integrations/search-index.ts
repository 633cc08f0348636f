import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { courseWork } from './course-worker.ts';
import { compressedCopies, PUBLIC_LEVELS, STAFF_LEVELS } from './precompress.ts';

/** A built file's path under dist/ and its bytes, with the compressed copies worth serving. */
interface BuiltFile {
  path: string;
  content: Buffer;
  copies: { suffix: string; bytes: Buffer }[];
}

/**
 * A built file with the compressed copies worth serving, made on the thread pool: the trainer
 * view's index at the staff levels, as the other staff-only files (integrations/private-pages.ts).
 */
async function withCopies(path: string, json: string, staff: boolean): Promise<BuiltFile> {
  const content = Buffer.from(json);
  return {
    path,
    content,
    copies: await compressedCopies(content, staff ? STAFF_LEVELS : PUBLIC_LEVELS),
  };
}

/**
 * Each language's bundles, made in the build's worker thread (integrations/course-worker.ts), with
 * each language's files compressed as soon as the worker sends them.
 */
function searchFiles(root: string): Promise<BuiltFile[]> {
  return Promise.all(
    courseWork(root).search.map(async (language) => {
      const bundles = await language;
      return Promise.all([
        withCopies(`${bundles.lang}/search-index.json`, bundles.learner, false),
        withCopies(`${bundles.lang}/trainer/search-index.json`, bundles.trainer, true),
      ]);
    }),
  ).then((files) => files.flat());
}

/**
 * The search indexes (/<lang>/search-index.json and the trainer view's /<lang>/trainer/
 * search-index.json). In a build they are made from the course files in the build's worker
 * thread (integrations/course-worker.ts), started with the build, and compressed on the thread pool as each language is ready, all while
 * Astro syncs the content and bundles the site; they are written, with their compressed copies,
 * when the pages are done (before the service worker lists the built files). Made as pages, the
 * four Lunr indexes took 2.4 s of a 5.5 s page generation at 100 modules, on the main thread.
 * In `astro dev` the same bundles are served by a route (src/search/route.ts).
 */
export default function searchIndex(): AstroIntegration {
  let files: Promise<BuiltFile[]> | undefined;
  let started = 0;
  let readyAt = 0;
  return {
    name: 'cp-search-index',
    hooks: {
      'astro:config:setup': ({ config, command, injectRoute }) => {
        if (command === 'dev') {
          for (const pattern of [
            '/[lang]/search-index.json',
            '/[lang]/trainer/search-index.json',
          ]) {
            injectRoute({
              pattern,
              entrypoint: new URL('../src/search/route.ts', import.meta.url),
              prerender: true,
            });
          }
          return;
        }
        if (command !== 'build') return;
        const root = fileURLToPath(config.root);
        started = performance.now();
        files = searchFiles(root).then((built) => {
          readyAt = performance.now();
          return built;
        });
        // Handled when the build awaits it; until then a rejection is not unhandled.
        files.catch(() => undefined);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const waitFrom = performance.now();
        const built = await (files ?? Promise.reject(new Error('search indexes did not start')));
        const waited = Math.round(performance.now() - waitFrom);
        const distDir = fileURLToPath(dir);
        for (const file of built) {
          const full = join(distDir, file.path);
          await mkdir(dirname(full), { recursive: true });
          // The copies after the file, so the precompress step sees them as up to date.
          await writeFile(full, file.content);
          for (const copy of file.copies) await writeFile(`${full}${copy.suffix}`, copy.bytes);
        }
        const sizes = built.map(
          (file) => `${file.path} ${Math.round(file.content.length / 1024)} KB`,
        );
        logger.info(
          `wrote ${built.length} search indexes (${sizes.join(', ')}); ready ${Math.round(readyAt - started)} ms after the build started, waited ${waited} ms`,
        );
      },
    },
  };
}
