import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { AstroIntegration } from 'astro';

/** Text files worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(html|js|css|json|svg|txt|xml)$/;

/**
 * Files smaller than this are left alone: they fit in the first TCP packets compressed or not,
 * and the server sends the original when no .br or .gz copy is there.
 */
export const MIN_BYTES = 1024;

/**
 * Brotli quality 5. On the built pages of the real course (81 files, 2.9 MB) quality 11 gave
 * 609 KB in 8.2 s, quality 9 673 KB in 0.8 s, quality 5 686 KB in 0.07 s (gzip -9: 720 KB): 13%
 * more bytes than quality 11 for a hundredth of the time, and quality 11 made a build of 100
 * modules 6.5 times slower than Starlight's. Below 5 the size climbs fast (quality 4: 734 KB).
 */
export const BROTLI_QUALITY = 5;

/**
 * gzip level 1. The .gz copy goes only to a browser without Brotli (none of the browsers the
 * course supports), so it is made for speed: on the built site of 100 generated modules (53 MB)
 * level 6 gave 11.0 MB in 737 ms, level 4 11.6 MB in 395 ms, level 1 13.2 MB in 279 ms, one
 * thread; on the trainer pages of 100 modules (55 MB) level 1 took 2.0 s against 3.5 s.
 */
export const GZIP_LEVEL = 1;

/** How hard each copy is compressed. */
export interface CompressionLevels {
  /** Brotli quality, 0 to 11. */
  brotli: number;
  /** gzip level, 1 to 9; null for no gzip copy. */
  gzip: number | null;
}

/** The public site's levels: every learner's page, on the slowest links. */
export const PUBLIC_LEVELS: CompressionLevels = { brotli: BROTLI_QUALITY, gzip: GZIP_LEVEL };

/**
 * The staff-only files' levels (dist-private/: trainer pages, kits and the trainer search index),
 * which a handful of trainers open: there are five of them for each module and language, so they
 * are three quarters of the bytes compressed in a build. Brotli quality 3 on the trainer files of
 * 100 modules (1,404 files, 55 MB, CPU time of one thread): 14.4 MB in 0.37 s, against 13.7 MB in
 * 0.62 s at quality 4 (5% more bytes, about half a kilobyte a page, for 40% less time) and 12.9 MB
 * at quality 5. No gzip copy: staff sign in over HTTPS from a current browser, which always takes
 * Brotli, so the copy was never sent; without it a build of 100 modules makes 1,404 files and
 * about 0.4 s of CPU fewer (a client that takes gzip only gets the page as it is).
 */
export const STAFF_LEVELS: CompressionLevels = { brotli: 3, gzip: null };

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Every compressible file under a folder, recursively. */
async function compressibleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && COMPRESSIBLE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The Brotli and gzip copies of a file's bytes that are worth serving (no gzip copy where the
 * levels say none): none below MIN_BYTES, and each only if it is smaller than the original. Both
 * run on libuv's thread pool.
 */
export async function compressedCopies(
  content: Buffer,
  levels: CompressionLevels = PUBLIC_LEVELS,
): Promise<{ suffix: string; bytes: Buffer }[]> {
  if (content.length < MIN_BYTES) return [];
  // One output chunk for the whole file: with zlib's 16 KB default, every chunk is a round trip
  // to the main thread, which cost it 0.7 s of a build of 100 modules.
  const chunkSize = Math.max(16 * 1024, content.length);
  const [br, gzipped] = await Promise.all([
    brotli(content, {
      chunkSize,
      params: {
        [constants.BROTLI_PARAM_QUALITY]: levels.brotli,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.length,
      },
    }),
    levels.gzip === null ? null : gz(content, { level: levels.gzip, chunkSize }),
  ]);
  return [
    { suffix: '.br', bytes: br },
    ...(gzipped === null ? [] : [{ suffix: '.gz', bytes: gzipped }]),
  ].filter((copy) => copy.bytes.length < content.length);
}

/** Writes a file and the copies of it worth serving; returns whether it wrote any copy. */
export async function writeWithCopies(file: string, content: Buffer): Promise<boolean> {
  const copies = await compressedCopies(content);
  await writeFile(file, content);
  await Promise.all(copies.map((copy) => writeFile(`${file}${copy.suffix}`, copy.bytes)));
  return copies.length > 0;
}

/** Whether an earlier step of the build already wrote the copies of a file, after the file. */
async function hasCopies(file: string, levels: CompressionLevels): Promise<boolean> {
  try {
    const original = await stat(file);
    const suffixes = levels.gzip === null ? ['.br'] : ['.br', '.gz'];
    const copies = await Promise.all(suffixes.map((suffix) => stat(`${file}${suffix}`)));
    return copies.every((copy) => copy.mtimeMs >= original.mtimeMs);
  } catch {
    return false;
  }
}

/** Writes the copies of one file (see compressedCopies), each only if smaller than the original. */
async function precompressFile(file: string, levels: CompressionLevels): Promise<number> {
  if (await hasCopies(file, levels)) return 0;
  const copies = await compressedCopies(await readFile(file), levels);
  await Promise.all(copies.map((copy) => writeFile(`${file}${copy.suffix}`, copy.bytes)));
  return copies.length > 0 ? 1 : 0;
}

/**
 * Writes a Brotli (.br) and a gzip (.gz) copy (no gzip copy at the staff levels) beside every
 * compressible built file of at least MIN_BYTES, so the server sends compressed bytes without compressing on each request. zlib's
 * asynchronous functions run on libuv's thread pool, so files are compressed on every core; a
 * fixed number in flight keeps memory flat however large the site grows. A file whose two copies
 * an earlier step wrote (the search indexes, integrations/search-index.ts) is left as it is.
 * Returns how many files got copies here.
 */
export async function precompressDir(
  dir: string,
  levels: CompressionLevels = PUBLIC_LEVELS,
): Promise<number> {
  const files = await compressibleFiles(dir);
  const inFlight = Math.max(2, availableParallelism() * 2);
  let next = 0;
  let count = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next];
      next += 1;
      if (file === undefined) continue;
      // Awaited first, then added: `count += await` would read count before the await.
      const written = await precompressFile(file, levels);
      count += written;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return count;
}

/** The Astro integration: runs last, after the service worker has been written. */
export default function precompress(): AstroIntegration {
  return {
    name: 'cp-precompress',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const started = performance.now();
        const count = await precompressDir(fileURLToPath(dir));
        // The duration goes in the log line so that bench/build.mjs can report this step alone.
        const ms = Math.round(performance.now() - started);
        logger.info(`wrote Brotli and gzip copies of ${count} files in ${ms} ms`);
      },
    },
  };
}
