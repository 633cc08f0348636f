import type { APIRoute, GetStaticPaths } from 'astro';
import { languages, type Lang } from '../../i18n/index.ts';
import { courseSearchBundle } from '../../search/collect.ts';

export const getStaticPaths = (() =>
  languages.map((lang) => ({ params: { lang } }))) satisfies GetStaticPaths;

/** The learner's search index for one language, fetched by the search page on demand. */
export const GET: APIRoute = async ({ params }) => {
  const bundle = await courseSearchBundle(params.lang as Lang, false);
  return new Response(JSON.stringify(bundle), {
    headers: { 'Content-Type': 'application/json' },
  });
};
