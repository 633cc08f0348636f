import { parentPort, workerData } from 'node:worker_threads';
import { runContentChecks } from './index.ts';

// Runs the content checks in a worker thread so that they use the second core while Astro syncs
// the content collections and bundles the site on the first (integrations/content-checks.ts).
const root: unknown = workerData;
if (typeof root !== 'string') throw new Error('content checks worker: expected the project root');
parentPort?.postMessage(runContentChecks(root));
