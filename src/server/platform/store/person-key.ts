import { remove as foldConfusables } from 'confusables';

// Punctuation (dots, dashes of every kind, slashes), separators (spaces of every width) and
// invisible format characters (zero-width space and joiners, soft hyphen, bidi marks).
const IGNORED = /[\p{P}\p{S}\p{Z}\p{Cf}]/gu;

/**
 * A service number as one person's key: Unicode NFKC (fullwidth digits and letters become
 * ASCII), without punctuation, dashes, spaces or format characters, with letters that look like
 * Latin ones (Cyrillic М, Greek Β) folded to them, in lower case. "UN-4471-B", "UN.4471.B",
 * "ＵＮ４４７１Ｂ", "UN4471\u200BB" and "UN4471В" (Cyrillic) are one key: un4471b.
 */
export function serviceNumberKey(serviceNumber: string): string {
  const stripped = serviceNumber.normalize('NFKC').replace(IGNORED, '');
  return foldConfusables(stripped).normalize('NFKC').replace(IGNORED, '').toLowerCase();
}

/** The key of one person: their country's ISO 3166 alpha-2 code and their service number. */
export function personKey(country: string, serviceNumber: string): string {
  return `${country.toLowerCase()}/${serviceNumberKey(serviceNumber)}`;
}
