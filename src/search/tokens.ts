import lunr from 'lunr';

/**
 * Where words split, at build and at query time alike: white space, hyphens and apostrophes, so
 * that French elisions ("l'enfant", "d’enfants") index the noun, not the article glued to it.
 * Kept apart from the index builder so the browser's query code can use it without the stemmers.
 */
export const WORD_SEPARATOR = /[\s\-'’]+/;

/**
 * Runs after the English stemmer and drops a doubled final consonant, so that "referral" (stem
 * "referr") meets "refer", "referring" and "referred" (stem "refer"); likewise "controll" and
 * "control". Registered under a name so that an index built with it loads with it.
 */
export const undoubleEnglish: lunr.PipelineFunction = (token) =>
  token.update((word) => (/([^aeiouslz])\1$/.test(word) ? word.slice(0, -1) : word));

lunr.tokenizer.separator = WORD_SEPARATOR;
lunr.Pipeline.registerFunction(undoubleEnglish, 'undouble-en');
