import lunr from 'lunr';
import frenchPlugin from 'lunr-languages/lunr.fr.js';
import stemmerSupport from 'lunr-languages/lunr.stemmer.support.js';
import type { SearchDoc } from './documents.ts';
import { undoubleEnglish } from './tokens.ts';

stemmerSupport(lunr);
frenchPlugin(lunr);

/** Field boosts: a match in a title or heading ranks above one in the body. */
export const FIELD_BOOSTS = { title: 8, heading: 5, body: 1 } as const;

/** What the search page downloads: the Lunr index and what it needs to show results. */
export interface SearchBundle {
  /** Language of the index; decides the stemmer and stop words at query time. */
  lang: 'en' | 'fr';
  /** The serialised Lunr index. */
  index: object;
  /** The documents, for titles, links and snippets; a result's ref is its position here. */
  docs: SearchDoc[];
}

/**
 * What the indexing pipeline (trimmer, stop words, stemmer) makes of each word, per language. The
 * pipeline looks at a word alone, so its answer for a word never changes; a course says the same
 * words again and again, and the stemmers were two thirds of the time spent building an index.
 */
const pipelineResults = { en: new Map<string, string[]>(), fr: new Map<string, string[]>() };

/**
 * Makes a builder's indexing pipeline look each distinct word up once. Only the builder's own
 * pipeline changes: the index keeps the search pipeline, which the browser runs on queries.
 */
function rememberWords(pipeline: lunr.Pipeline, results: Map<string, string[]>): void {
  const stages = pipeline.run.bind(pipeline);
  pipeline.run = (tokens) => {
    const out: lunr.Token[] = [];
    for (const token of tokens) {
      const word = token.toString();
      let words = results.get(word);
      if (words === undefined) {
        words = stages([new lunr.Token(word, {})]).map(String);
        results.set(word, words);
      }
      if (words.length === 1 && words[0] === word) out.push(token);
      else for (const stem of words) out.push(token.clone(() => stem));
    }
    return out;
  };
}

/** Builds the search bundle for one language, with that language's stemmer and stop words. */
export function buildSearchBundle(lang: 'en' | 'fr', docs: SearchDoc[]): SearchBundle {
  const index = lunr(function () {
    if (lang === 'fr') {
      // lunr.fr replaces the English pipeline with the French trimmer, stop words and stemmer.
      this.use((lunr as unknown as { fr: lunr.Builder.Plugin }).fr);
    } else {
      this.pipeline.after(lunr.stemmer, undoubleEnglish);
      this.searchPipeline.after(lunr.stemmer, undoubleEnglish);
    }
    rememberWords(this.pipeline, pipelineResults[lang]);
    this.ref('id');
    this.field('title', { boost: FIELD_BOOSTS.title });
    this.field('heading', { boost: FIELD_BOOSTS.heading });
    this.field('body', { boost: FIELD_BOOSTS.body });
    // Short numeric refs: the index repeats a ref for every term of its document.
    docs.forEach((doc, position) => {
      this.add({ ...doc, id: String(position) });
    });
  });
  return { lang, index: index.toJSON(), docs };
}
