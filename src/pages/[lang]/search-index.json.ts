import type { GetStaticPaths } from 'astro';
import { languagePaths } from '../../i18n/index.ts';
import { searchIndexRoute } from '../../search/collect.ts';

export const getStaticPaths = languagePaths satisfies GetStaticPaths;

/** The learner's search index for one language, fetched by the search page on demand. */
export const GET = searchIndexRoute(false);
