import type { GetStaticPaths } from 'astro';
import { languagePaths } from '../../../i18n/index.ts';
import { searchIndexRoute } from '../../../search/collect.ts';

export const getStaticPaths = languagePaths satisfies GetStaticPaths;

/** The trainer view's search index: the learner's plus the trainer notes. */
export const GET = searchIndexRoute(true);
