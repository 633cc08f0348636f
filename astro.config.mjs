// @ts-check
import mdx from '@astrojs/mdx';
import preact from '@astrojs/preact';
import { defineConfig } from 'astro/config';
import contentChecks from './integrations/content-checks.ts';
import precompress from './integrations/precompress.ts';
import privatePages from './integrations/private-pages.ts';
import searchIndex from './integrations/search-index.ts';
import serviceWorker from './integrations/service-worker.ts';
import xapiWithoutAxios from './integrations/xapi-without-axios.ts';

/**
 * Islands' JSX by Vite's own transform (Oxc), not by Babel: @astrojs/preact always hands Babel a
 * config, and with one the preset runs Babel on every .tsx module just to turn JSX into calls,
 * which Oxc does too (with the same automatic runtime from Preact, set under vite.oxc below). Babel
 * took about 0.9 s of CPU in each build. The preset's other work (its config, the renderer) stays.
 */
/** @type {import('vite').Plugin} */
const preactJsxByOxc = {
  name: 'preact-jsx-by-oxc',
  configResolved(config) {
    // Resolved plugins are typed read-only; Vite builds each environment's list from this one
    // after this hook.
    const plugins = /** @type {import('vite').Plugin[]} */ (config.plugins);
    const index = plugins.findIndex((plugin) => plugin.name === 'vite:preact-jsx');
    // The preset's config hook has run by now; only its Babel transform goes.
    if (index !== -1) plugins.splice(index, 1);
  },
};

/**
 * Tells Astro, on the server, that every component an island file exports is Preact's. Without
 * the tag Astro finds a component's renderer by asking each one to render it ("check"), so each
 * Preact component rendered on the server (the question fields of every knowledge check and
 * answer key) was rendered twice. The tag is the one Astro's own MDX integration puts on its
 * components (the symbol astro:renderer).
 */
/** @type {import('vite').Plugin} */
const preactIslandsTagged = {
  name: 'preact-islands-tagged',
  transform: {
    filter: { id: /[\\/]src[\\/]islands[\\/].*\.tsx$/ },
    handler(code) {
      if (this.environment.config.consumer !== 'server') return undefined;
      const names = [...code.matchAll(/^export (?:default )?function ([A-Z]\w*)/gm)].map(
        (match) => match[1],
      );
      if (names.length === 0) return undefined;
      const tags = names
        .map((name) => `${name}[Symbol.for('astro:renderer')] = '@astrojs/preact';`)
        .join('\n');
      return { code: `${code}\n${tags}\n`, map: null };
    },
  },
};

/**
 * Drops the bundler's warning that it may not keep the "use astro:head-inject" directive of each
 * content file: Astro writes that directive into every MDX module and reads it before bundling, so
 * the warning says nothing to act on. It came once per MDX file (400 lines of a build of 100
 * modules, each with a code frame), drowning the lines that matter.
 */
/** @type {import('vite').Plugin} */
const quietHeadInject = {
  name: 'quiet-head-inject',
  onLog(_level, log) {
    if (log.code === 'MODULE_LEVEL_DIRECTIVE' && log.message.includes('astro:head-inject')) {
      return false;
    }
    return undefined;
  },
};

// The public origin of the site; used for canonical links and xAPI activity ids.
const site = process.env['SITE_URL'] ?? 'http://localhost:4321';
// The tracker sends to this service's /xapi, or to another LRS named at build time.
const lrsEndpoint = process.env['PUBLIC_LRS_ENDPOINT'];
const lrsOrigin = lrsEndpoint ? ` ${new URL(lrsEndpoint).origin}` : '';

export default defineConfig({
  site,
  trailingSlash: 'ignore',
  // contentChecks fails the build on broken links between content files before pages render;
  // searchIndex writes the search indexes before the service worker lists the built files;
  // privatePages then moves the trainer pages and the trainer search indexes out of dist/ (to
  // dist-private/, served to signed-in staff only), so the service worker does not list them;
  // precompress comes last so that it also compresses the service worker.
  integrations: [
    mdx(),
    // Babel only for the islands' JSX: run on every .ts module too, it cost a second per build.
    preact({ include: [/\.tsx$/] }),
    contentChecks(),
    searchIndex(),
    privatePages(),
    serviceWorker(),
    precompress(),
  ],
  // The course is published per language; the root (src/pages/index.astro) opens the learner's.
  // Each page carries a Content-Security-Policy <meta> element with the hashes of its scripts and
  // styles: nothing else runs. The service adds what a <meta> policy cannot say (frame-ancestors).
  security: {
    csp: {
      directives: [
        "default-src 'self'",
        "img-src 'self' data:",
        `connect-src 'self'${lrsOrigin}`,
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
      ],
    },
  },
  // The xAPI client without the copy of axios its ES build carries (the site passes a fetch adapter).
  vite: {
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    plugins: [
      preactJsxByOxc,
      preactIslandsTagged,
      quietHeadInject,
      xapiWithoutAxios(),
      {
        // No lists of chunks to preload beside each dynamic import: they weighed 80 bytes gzip on
        // a module page, and the chunks they named (the status and the sender) load after the
        // page anyway. Vite's helper stays (it also loads a dynamic chunk's CSS).
        name: 'no-preload-lists',
        configEnvironment(name) {
          if (name === 'client') return { build: { modulePreload: false } };
          return undefined;
        },
      },
    ],
    environments: {
      client: {
        build: {
          rolldownOptions: {
            output: {
              // Fewer, larger chunks: each file a page loads costs its own gzip header and its own
              // dictionary, so a module page's 17 files weighed about 3 KB more than the same code
              // in 8 (bench/page-size.mjs, against the 25 KB budget). Groups, by priority: Preact;
              // the few helpers every page script shares; the outbox and its status line; the
              // question renderer (the knowledge check and the graded assessment); the knowledge
              // check. The status's own module stays out of the groups: the layout imports it on
              // demand, and as a chunk of its own it needs no namespace object (nor the bundler's
              // runtime helpers that build one).
              codeSplitting: {
                groups: [
                  { name: 'preact', test: /node_modules[\\/]preact[\\/]/, priority: 3 },
                  {
                    name: 'site',
                    test: /src[\\/](client[\\/]learner|i18n[\\/]format|xapi[\\/]ids|offline[\\/]register)\.ts|preload-helper/,
                    priority: 3,
                  },
                  {
                    name: 'tracking',
                    test: /src[\\/](client[\\/](sync|idb-storage|outbox)|islands[\\/]TrackingStatus)\./,
                    priority: 2,
                  },
                  {
                    // With the tracker it starts beside it: module pages only, one file.
                    name: 'check',
                    test: /src[\\/](islands[\\/](Quiz\.tsx|quiz-mount)|client[\\/](tracker|state)\.ts|xapi[\\/]builders\.ts)/,
                    priority: 1,
                  },
                  {
                    name: 'questions',
                    test: /src[\\/](islands[\\/](questions|quiz)|quiz)[\\/]/,
                    priority: 2,
                  },
                ],
              },
            },
          },
        },
      },
    },
  },
  build: {
    // Small per-page stylesheets inline: one request fewer on a slow link.
    inlineStylesheets: 'auto',
  },
});
