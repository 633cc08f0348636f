import countries from 'i18n-iso-countries';

/**
 * ISO 3166-1 alpha-2 codes, from the maintained i18n-iso-countries list (the enrolment form's
 * select shows its English and French names; the service stores the code).
 */
export const COUNTRY_CODES: ReadonlySet<string> = new Set(Object.keys(countries.getAlpha2Codes()));

/** The code for an input that is an alpha-2 code (any case), or null. */
export function countryCode(input: string): string | null {
  const code = input.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) && COUNTRY_CODES.has(code) ? code : null;
}

/** A stored country's name in a language (from the runtime's ICU data); other values as stored. */
export function countryName(stored: string, lang: string): string {
  if (countryCode(stored) !== stored) return stored;
  return new Intl.DisplayNames([lang], { type: 'region' }).of(stored) ?? stored;
}
