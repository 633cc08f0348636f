import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { contentCheckError, type ContentCheckReport } from '../src/content/checks/index.ts';
import { courseWork } from './course-worker.ts';

/**
 * Runs the cross-file content checks (src/content/checks/) during `astro build`: they start with
 * the build, in the build's worker thread beside Astro's own work (integrations/course-worker.ts), and the build waits for them when it
 * starts rendering pages (after Astro has validated each file against its schema). A broken course
 * fails the build with every problem listed by file and field, before any page renders.
 */
export default function contentChecks(): AstroIntegration {
  let checks: Promise<ContentCheckReport> | undefined;
  let started = 0;
  return {
    name: 'cp-content-checks',
    hooks: {
      'astro:config:setup': ({ config, command }) => {
        // Builds only: a dev server keeps serving while a writer fixes a file.
        if (command !== 'build') return;
        started = performance.now();
        checks = courseWork(fileURLToPath(config.root)).checks;
        // Handled when the build awaits it; until then a rejection is not unhandled.
        checks.catch(() => undefined);
      },
      'astro:build:start': async ({ logger }) => {
        const report = await (checks ?? Promise.reject(new Error('content checks did not start')));
        if (report.problems.length > 0) throw contentCheckError(report.problems);
        const waited = Math.round(performance.now() - started);
        const detail = Object.entries(report.timings)
          .map(([name, time]) => `${name} ${time}`)
          .join(', ');
        // The checks' own time goes in the log line so that bench/build.mjs can report it.
        const ms = Object.values(report.timings).reduce((sum, time) => sum + time, 0);
        logger.info(
          `checked ${report.files} content files in ${ms} ms (${detail}); ready ${waited} ms after the build started`,
        );
      },
    },
  };
}
