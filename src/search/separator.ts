/**
 * Where words split, at build and at query time alike: white space, hyphens and apostrophes, so
 * that French elisions ("l'enfant", "d’enfants") index the noun, not the article glued to it.
 * Kept apart so the browser's query code can use it without the build-time stemmers.
 */
export const WORD_SEPARATOR = /[\s\-'’]+/;
