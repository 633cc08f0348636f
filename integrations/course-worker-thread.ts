import { parentPort, workerData } from 'node:worker_threads';
import { readCourseFiles } from '../src/content/checks/course-files.ts';
import { runContentChecks } from '../src/content/checks/index.ts';
import { courseSearchJson, searchFilesOf, type SearchSource } from '../src/search/collect.ts';
import type { CourseWorkerMessage } from './course-worker.ts';

// The build's worker thread (integrations/course-worker.ts): reads and parses the course files
// once, answers the content checks first (the build waits for them before the first page), then
// builds each language's search bundles and sends each as soon as it is ready.
const { root, sources } = workerData as { root: string; sources: SearchSource[] };
const post = (message: CourseWorkerMessage) => {
  parentPort?.postMessage(message);
};
const started = performance.now();
const files = readCourseFiles(root);
const read = Math.round(performance.now() - started);
const report = runContentChecks(root, { files });
post({ kind: 'checks', report: { ...report, timings: { ...report.timings, read } } });
const searchFiles = searchFilesOf(files.all);
for (const source of sources) {
  post({ kind: 'search', lang: source.lang, ...courseSearchJson(searchFiles, source) });
}
