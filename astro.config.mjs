// @ts-check
import mdx from '@astrojs/mdx';
import preact from '@astrojs/preact';
import { defineConfig } from 'astro/config';
import contentChecks from './integrations/content-checks.ts';
import precompress from './integrations/precompress.ts';
import serviceWorker from './integrations/service-worker.ts';

// The public origin of the site; used for canonical links and xAPI activity ids.
const site = process.env['SITE_URL'] ?? 'http://localhost:4321';

export default defineConfig({
  site,
  trailingSlash: 'ignore',
  // contentChecks fails the build on broken links between content files before pages render;
  // precompress comes last so that it also compresses the service worker.
  integrations: [mdx(), preact(), contentChecks(), serviceWorker(), precompress()],
  // The course is published per language; the root sends visitors to the default one.
  redirects: { '/': '/en/' },
  build: {
    // Small per-page stylesheets inline: one request fewer on a slow link.
    inlineStylesheets: 'auto',
  },
});
