import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ContentCheckReport } from '../src/content/checks/index.ts';
import { languages } from '../src/i18n/index.ts';
import { searchSource } from '../src/search/source.ts';

/** The JSON of one language's two search bundles, as the worker sends it. */
export interface LanguageBundles {
  lang: string;
  learner: string;
  trainer: string;
}

/** What the worker thread sends: the checks' report first, then each language's bundles. */
export type CourseWorkerMessage =
  { kind: 'checks'; report: ContentCheckReport } | ({ kind: 'search' } & LanguageBundles);

/** What the build's worker thread answers: the content checks and each language's bundles. */
export interface CourseWork {
  checks: Promise<ContentCheckReport>;
  /** One promise per language of src/i18n, in that order. */
  search: Promise<LanguageBundles>[];
}

/** A promise with its settle functions, for an answer the worker sends later. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // Handled where the build awaits it; until then a rejection is not unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function startCourseWork(root: string): CourseWork {
  const sources = languages.map((lang) => searchSource(lang));
  const checks = deferred<ContentCheckReport>();
  const search = sources.map(() => deferred<LanguageBundles>());
  const worker = new Worker(join(root, 'integrations/course-worker-thread.ts'), {
    // V8's default young generation: the 128 MB Lunr's builder was given cost more than it saved
    // once the indexes are written from counts (at 100 modules the thread's work took 2.05 to
    // 2.12 s of CPU with it, 1.89 s without).
    workerData: { root, sources },
  });
  worker.on('message', (message: CourseWorkerMessage) => {
    if (message.kind === 'checks') {
      checks.resolve(message.report);
    } else {
      const { lang, learner, trainer } = message;
      search[sources.findIndex((source) => source.lang === lang)]?.resolve({
        lang,
        learner,
        trainer,
      });
    }
  });
  const stopped = (error: unknown) => {
    // Settling a settled promise does nothing: only what is still awaited fails.
    checks.reject(error);
    for (const language of search) language.reject(error);
  };
  worker.once('error', stopped);
  worker.once('exit', (code) => {
    stopped(new Error(`the build's worker thread stopped with code ${code} before answering`));
  });
  return { checks: checks.promise, search: search.map((language) => language.promise) };
}

let started: { root: string; work: CourseWork } | undefined;

/**
 * The build's one worker thread (integrations/course-worker-thread.ts), started by the first
 * integration that asks for it (the content checks and the search indexes both do, when the build
 * starts): it reads and parses the course files once for both, beside Astro's own work. One thread
 * instead of one each saved a thread's start-up and a second reading of the modules, trainer notes
 * and glossary.
 */
export function courseWork(root: string): CourseWork {
  if (started?.root !== root) started = { root, work: startCourseWork(root) };
  return started.work;
}
