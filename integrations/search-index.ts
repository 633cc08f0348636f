import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AstroIntegration } from 'astro';
import { languages } from '../src/i18n/index.ts';
import { searchSource } from '../src/search/source.ts';
import { compressedCopies } from './precompress.ts';

/** A built file's path under dist/ and its bytes, with the compressed copies worth serving. */
interface BuiltFile {
  path: string;
  content: Buffer;
  copies: { suffix: string; bytes: Buffer }[];
}

/** Builds one language's two bundles in a worker thread (src/search/worker.ts). */
function bundlesInWorker(root: string, lang: (typeof languages)[number]) {
  return new Promise<{ learner: string; trainer: string }>((resolve, reject) => {
    const worker = new Worker(join(root, 'src/search/worker.ts'), {
      workerData: { root, source: searchSource(lang) },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      reject(new Error(`the search index worker for ${lang} stopped with code ${code}`));
    });
  });
}

/** The search index files of one language, compressed as soon as the worker answers. */
async function languageFiles(root: string, lang: (typeof languages)[number]): Promise<BuiltFile[]> {
  const bundles = await bundlesInWorker(root, lang);
  return Promise.all(
    [
      { path: `${lang}/search-index.json`, json: bundles.learner },
      { path: `${lang}/trainer/search-index.json`, json: bundles.trainer },
    ].map(async ({ path, json }) => {
      const content = Buffer.from(json);
      return { path, content, copies: await compressedCopies(content) };
    }),
  );
}

/**
 * The search indexes (/<lang>/search-index.json and the trainer view's /<lang>/trainer/
 * search-index.json). In a build they are made from the course files in one worker thread per
 * language, started with the build, and compressed on the thread pool when ready, all while Astro
 * syncs the content and bundles the site; they are written, with their Brotli and gzip copies,
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
        files = Promise.all(languages.map((lang) => languageFiles(root, lang))).then((all) => {
          readyAt = performance.now();
          return all.flat();
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
