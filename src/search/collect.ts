import type { APIRoute } from 'astro';
import { getGlossary, getModules, getTrainerNotes, glossaryId } from '../course/catalog.ts';
import { localePath, useTranslations, type Lang } from '../i18n/index.ts';
import { glossaryDocs, moduleDocs, trainerNotesDocs, type SearchDoc } from './documents.ts';
import { buildSearchBundle, type SearchBundle } from './index-builder.ts';

/**
 * Gathers the searchable text of a language from the content collections and builds its bundle.
 * The learner's bundle holds modules and the glossary; the trainer's adds the trainer notes and
 * links module results to the trainer view.
 */
export async function courseSearchBundle(lang: Lang, trainer: boolean): Promise<SearchBundle> {
  const t = useTranslations(lang);
  const docs: SearchDoc[] = [];
  for (const module of await getModules(lang)) {
    const path = localePath(lang, `${trainer ? 'trainer/modules' : 'modules'}/${module.data.id}`);
    docs.push(...moduleDocs({ ...module.data, body: module.body ?? '' }, path));
    if (trainer) {
      const notes = await getTrainerNotes(lang, module.data.id);
      if (notes) docs.push(...trainerNotesDocs(module.data.title, notes.body ?? '', path));
    }
  }
  const terms = await getGlossary(lang);
  docs.push(
    ...glossaryDocs(
      terms.map((entry) => ({ id: glossaryId(entry), ...entry.data })),
      localePath(lang, 'glossary'),
      t('glossary.title'),
    ),
  );
  return buildSearchBundle(lang, docs);
}

/**
 * The GET handler of a search index page (src/pages/[lang]/search-index.json.ts and its trainer
 * twin): the bundle of the page's language as JSON, with the trainer notes when `trainer` is set.
 */
export function searchIndexRoute(trainer: boolean): APIRoute {
  return async ({ params }) =>
    new Response(JSON.stringify(await courseSearchBundle(params.lang as Lang, trainer)), {
      headers: { 'Content-Type': 'application/json' },
    });
}
