import type { APIRoute, GetStaticPaths } from 'astro';
import { languages, type Lang } from '../../../i18n/index.ts';
import { courseSearchBundle } from '../../../search/collect.ts';

export const getStaticPaths = (() =>
  languages.map((lang) => ({ params: { lang } }))) satisfies GetStaticPaths;

/** The trainer view's search index: the learner's plus the trainer notes. */
export const GET: APIRoute = async ({ params }) => {
  const bundle = await courseSearchBundle(params.lang as Lang, true);
  return new Response(JSON.stringify(bundle), {
    headers: { 'Content-Type': 'application/json' },
  });
};
