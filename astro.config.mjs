// @ts-check
import mdx from '@astrojs/mdx';
import preact from '@astrojs/preact';
import { defineConfig } from 'astro/config';
import serviceWorker from './integrations/service-worker.ts';

// The public origin of the site; used for canonical links and xAPI activity ids.
const site = process.env['SITE_URL'] ?? 'http://localhost:4321';

export default defineConfig({
  site,
  trailingSlash: 'ignore',
  integrations: [mdx(), preact(), serviceWorker()],
  // The course is published per language; the root sends visitors to the default one.
  redirects: { '/': '/en/' },
  build: {
    // Small per-page stylesheets inline: one request fewer on a slow link.
    inlineStylesheets: 'auto',
  },
});
