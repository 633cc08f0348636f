import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { parse } from 'yaml';
import {
  precacheManifest,
  renderServiceWorker,
  trackFiles,
  transferSize,
  type SavedTrackFiles,
  type TrackToSave,
} from '../src/offline/precache.ts';

/** The tracks of content/tracks/{lang}/*.yaml: what a learner can save for offline. */
function tracksOf(root: URL): TrackToSave[] {
  const dir = new URL('content/tracks/', root);
  return readdirSync(dir).flatMap((lang) =>
    readdirSync(new URL(`${lang}/`, dir))
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => {
        const data = parse(readFileSync(new URL(`${lang}/${name}`, dir), 'utf8')) as {
          id: string;
          modules: string[];
        };
        return { id: data.id, lang, modules: data.modules };
      }),
  );
}

/**
 * Writes dist/sw.js after the build: the service worker of src/offline/sw.js with the list of
 * built files and their content hashes (so each build is a new version and unchanged files are
 * not downloaded again), and for each track and language the files that saving it downloads and
 * their size over the wire. The worker downloads nothing by itself: it keeps the pages a learner
 * opens, and a whole track when the learner asks.
 */
export default function serviceWorker(): AstroIntegration {
  let root: URL;
  return {
    name: 'cp-service-worker',
    hooks: {
      'astro:config:done': ({ config }) => {
        root = config.root;
      },
      'astro:build:done': ({ dir, logger }) => {
        const distDir = fileURLToPath(dir);
        const template = readFileSync(new URL('../src/offline/sw.js', import.meta.url), 'utf8');
        const entries = precacheManifest(distDir);
        const sizes = new Map<string, number>();
        const sizeOf = (file: string): number => {
          const known = sizes.get(file) ?? transferSize(file);
          sizes.set(file, known);
          return known;
        };
        const tracks: Record<string, SavedTrackFiles> = {};
        for (const track of tracksOf(root)) {
          tracks[`${track.lang}/${track.id}`] = trackFiles(distDir, entries, track, sizeOf);
        }
        writeFileSync(`${distDir}/sw.js`, renderServiceWorker(template, entries, tracks));
        const summary = Object.entries(tracks)
          .map(([key, t]) => `${key} ${t.files.length} files ${Math.round(t.bytes / 1024)} KB`)
          .join(', ');
        logger.info(`sw.js knows ${entries.length} files; tracks to save: ${summary}`);
      },
    },
  };
}
