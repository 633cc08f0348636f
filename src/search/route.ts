import type { APIRoute, GetStaticPaths } from 'astro';
import { fileURLToPath } from 'node:url';
import { languagePaths, type Lang } from '../i18n/index.ts';
import { courseSearchJson, readSearchFiles } from './collect.ts';
import { searchSource } from './source.ts';

/**
 * The search indexes in `astro dev` (/[lang]/search-index.json and /[lang]/trainer/search-index.json,
 * injected by integrations/search-index.ts): the same bundles the build writes, made from the files
 * on each request so that an edit shows at once.
 */
export const getStaticPaths = languagePaths satisfies GetStaticPaths;

const root = fileURLToPath(new URL('../../', import.meta.url));

export const GET: APIRoute = ({ params, url }) => {
  const bundles = courseSearchJson(readSearchFiles(root), searchSource(params.lang as Lang));
  const bundle = url.pathname.includes('/trainer/') ? bundles.trainer : bundles.learner;
  return new Response(bundle, {
    headers: { 'Content-Type': 'application/json' },
  });
};
