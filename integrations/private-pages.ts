import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { languages } from '../src/i18n/index.ts';
import { precompressDir, STAFF_LEVELS } from './precompress.ts';

/**
 * The folders of the built site that are for staff only: each language's trainer pages (trainer
 * notes with the knowledge check's answer key, session kits, slides, answer points, the
 * disclosure guidance) and the trainer view's search index. Paths relative to dist/.
 */
export const PRIVATE_FOLDERS: readonly string[] = languages.map((lang) => `${lang}/trainer`);

/** Where the private pages of a build go: beside dist/, never under it (dist-private/). */
export function privateDirOf(distDir: string): string {
  return `${distDir.replace(/[\\/]+$/, '')}-private`;
}

/** Every file under a folder, relative to it, with forward slashes. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** Whether a built file's path is inside one of the private folders (any letter case). */
export function isPrivatePath(file: string, folders: readonly string[] = PRIVATE_FOLDERS): boolean {
  const lower = file.toLowerCase().replace(/^\/+/, '');
  return folders.some((folder) => lower === folder || lower.startsWith(`${folder}/`));
}

/**
 * Moves the private folders out of the public build into privateDir (emptied first, so a page
 * removed from the course does not linger), then checks that no private file is left in the
 * public build. Returns how many files were moved.
 */
export async function movePrivatePages(
  distDir: string,
  privateDir: string,
  folders: readonly string[] = PRIVATE_FOLDERS,
): Promise<number> {
  await rm(privateDir, { recursive: true, force: true });
  let moved = 0;
  for (const folder of folders) {
    const from = join(distDir, folder);
    if (!existsSync(from)) continue;
    moved += (await filesUnder(from)).length;
    const to = join(privateDir, folder);
    await mkdir(dirname(to), { recursive: true });
    // dist/ and dist-private/ are siblings: one rename on the same file system.
    await rename(from, to);
  }
  const left = (await filesUnder(distDir)).filter((file) => isPrivatePath(file, folders));
  if (left.length > 0) {
    throw new Error(`staff-only files are still in the public build: ${left.join(', ')}`);
  }
  return moved;
}

/**
 * Takes the trainer pages out of the public site after the build: a static host serving dist/
 * serves no trainer content, and the service worker (the next integration) does not list it. The
 * service (src/server/http/private-site.ts) serves dist-private/ to signed-in staff only. Runs
 * after the search indexes are written and before the service worker lists the built files; it
 * writes the Brotli copies of the private files itself (at the staff levels, see STAFF_LEVELS:
 * no gzip copy), since the precompress step covers dist/ only.
 */
export default function privatePages(): AstroIntegration {
  return {
    name: 'cp-private-pages',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const distDir = fileURLToPath(dir);
        const privateDir = privateDirOf(distDir);
        const moved = await movePrivatePages(distDir, privateDir);
        const compressed = await precompressDir(privateDir, STAFF_LEVELS);
        logger.info(
          `moved ${moved} staff-only files to ${privateDir} (Brotli copies of ${compressed})`,
        );
      },
    },
  };
}
