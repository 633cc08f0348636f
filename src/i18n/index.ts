import enAccounts from './en/accounts.json';
import enAssessment from './en/assessment.json';
import enCertification from './en/certification.json';
import enDashboard from './en/dashboard.json';
import enQuiz from './en/quiz.json';
import enSearch from './en/search.json';
import enTracking from './en/tracking.json';
import enUi from './en/ui.json';
import frAccounts from './fr/accounts.json';
import frAssessment from './fr/assessment.json';
import frCertification from './fr/certification.json';
import frDashboard from './fr/dashboard.json';
import frQuiz from './fr/quiz.json';
import frSearch from './fr/search.json';
import frTracking from './fr/tracking.json';
import frUi from './fr/ui.json';
import { format, type FormatParams } from './format.ts';

/** Languages the site is published in, each under its own prefix (/en/, /fr/). */
export const languages = ['en', 'fr'] as const;

/** A language code the UI is translated into. */
export type Lang = 'en' | 'fr';

/** The default language, used at the site root. */
export const defaultLang: Lang = 'en';

/** A key of the UI translation file. */
export type UiKey = keyof typeof enUi;

const ui: Record<Lang, Record<UiKey, string>> = { en: enUi, fr: frUi };

/** The paths of a page that exists once per language (getStaticPaths of src/pages/[lang]/...). */
export function languagePaths(): { params: { lang: Lang } }[] {
  return languages.map((lang) => ({ params: { lang } }));
}

/** Whether a string is a published language code. */
export function isLang(value: string | undefined): value is Lang {
  return (languages as readonly string[]).includes(value ?? '');
}

/**
 * The same page in another language: every page exists in every published language under the
 * same path after the prefix, because content ids are shared across languages.
 */
export function translatePath(pathname: string, to: Lang): string {
  const [, first, ...rest] = pathname.split('/');
  if (!isLang(first)) return localePath(to);
  return ['', to, ...rest].join('/');
}

/**
 * Returns the translator for a language: t(key, params) looks the key up and fills `{name}`
 * placeholders. A missing placeholder value is left visible rather than silently dropped.
 */
export function useTranslations(lang: Lang) {
  const strings = ui[lang];
  return function t(key: UiKey, params: FormatParams = {}): string {
    return format(strings[key], params);
  };
}

/** A translator function returned by useTranslations. */
export type Translate = ReturnType<typeof useTranslations>;

/** Builds a site path for a language, such as /en/modules/x/. */
export function localePath(lang: Lang, path = ''): string {
  const clean = path.replace(/^\/+|\/+$/g, '');
  return clean ? `/${lang}/${clean}/` : `/${lang}/`;
}

/** The strings an island needs, by namespace: islands get them as props, never import them all. */
const islandStrings = {
  accounts: { en: enAccounts, fr: frAccounts },
  assessment: { en: enAssessment, fr: frAssessment },
  certification: { en: enCertification, fr: frCertification },
  dashboard: { en: enDashboard, fr: frDashboard },
  quiz: { en: enQuiz, fr: frQuiz },
  search: { en: enSearch, fr: frSearch },
  tracking: { en: enTracking, fr: frTracking },
} as const;

/** The UI strings of one island namespace (src/i18n/<lang>/<namespace>.json) in a language. */
export function islandStringsFor<N extends keyof typeof islandStrings>(
  namespace: N,
  lang: Lang,
): (typeof islandStrings)[N]['en'] {
  return islandStrings[namespace][lang];
}
