import { localePath, useTranslations, type Lang } from '../i18n/index.ts';
import type { SearchSource } from './collect.ts';

/** What a language's search bundles need from the site: the glossary's title and the page paths. */
export function searchSource(lang: Lang): SearchSource {
  return {
    lang,
    glossaryTitle: useTranslations(lang)('glossary.title'),
    paths: {
      modules: localePath(lang, 'modules'),
      trainerModules: localePath(lang, 'trainer/modules'),
      glossary: localePath(lang, 'glossary'),
    },
  };
}
