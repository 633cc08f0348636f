// The learner's language: the one they last chose (the language links at the site root, the
// course language at enrolment or sign-in), else the browser's first that the
// course has, else English. The site root sends a visitor to it (src/pages/index.astro, with
// language-choice.ts, which only the root loads).
export const LANGUAGE_KEY = 'cp-lang';
export const published = ['en', 'fr'];

/** Remembers a language the learner chose, on this device. */
export function rememberLanguage(lang: string | undefined): void {
  try {
    if (lang && published.includes(lang)) localStorage.setItem(LANGUAGE_KEY, lang);
  } catch {
    // Storage blocked: the browser's languages decide next time.
  }
}

/** Remembers the language of any link marked data-lang-switch that the learner follows. */
export function rememberSwitches(): void {
  document.addEventListener('click', (event) => {
    const target = event.target as Element | null;
    rememberLanguage(target?.closest<HTMLElement>('[data-lang-switch]')?.dataset.langSwitch);
  });
}
