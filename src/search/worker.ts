import { parentPort, workerData } from 'node:worker_threads';
import { courseSearchBundles, type SearchSource } from './collect.ts';

// Builds one language's two search bundles in a worker thread, so that the build makes them on the
// second core while Astro syncs the content and bundles the site on the first
// (integrations/search-index.ts). Answers with the two bundles as JSON text.
const { root, source } = workerData as { root: string; source: SearchSource };
const bundles = courseSearchBundles(root, source);
parentPort?.postMessage({
  learner: JSON.stringify(bundles.learner),
  trainer: JSON.stringify(bundles.trainer),
});
