import { LANGUAGE_KEY, published } from './language.ts';

/** The language to open the course in. */
export function chosenLanguage(stored: string | null, browser: readonly string[]): string {
  return (
    [stored ?? '', ...browser]
      .map((tag) => tag.slice(0, 2).toLowerCase())
      .find((lang) => published.includes(lang)) ?? 'en'
  );
}

/** The remembered choice, if any. */
export function storedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}
