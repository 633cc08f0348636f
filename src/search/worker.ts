import { parentPort, workerData } from 'node:worker_threads';
import { courseSearchJson, readSearchFiles, type SearchSource } from './collect.ts';

// Builds every language's two search bundles in a worker thread, so that the build makes them
// beside Astro's own work on the main thread (integrations/search-index.ts): the course files are
// read once, then each language is answered, as soon as it is ready, with its bundles as JSON text.
const { root, sources } = workerData as { root: string; sources: SearchSource[] };
const files = readSearchFiles(root);
for (const source of sources) {
  parentPort?.postMessage({ lang: source.lang, ...courseSearchJson(files, source) });
}
