import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { precacheManifest, renderServiceWorker } from '../src/offline/precache.ts';

/**
 * Writes dist/sw.js after the build: the service worker of src/offline/sw.js with the list of
 * every built file and its content hash, so each build is a new version and unchanged files are
 * not downloaded again.
 */
export default function serviceWorker(): AstroIntegration {
  return {
    name: 'cp-service-worker',
    hooks: {
      'astro:build:done': ({ dir, logger }) => {
        const distDir = fileURLToPath(dir);
        const template = readFileSync(new URL('../src/offline/sw.js', import.meta.url), 'utf8');
        const entries = precacheManifest(distDir);
        writeFileSync(`${distDir}/sw.js`, renderServiceWorker(template, entries));
        logger.info(`sw.js precaches ${entries.length} files`);
      },
    },
  };
}
