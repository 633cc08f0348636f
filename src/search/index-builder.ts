import lunr from 'lunr';
import frenchPlugin from 'lunr-languages/lunr.fr.js';
import stemmerSupport from 'lunr-languages/lunr.stemmer.support.js';
import type { SearchDoc } from './documents.ts';
import { undoubleEnglish, WORD_SEPARATOR } from './tokens.ts';

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
 * The words of a field, split as lunr.tokenizer splits them (lower-cased, at the separator it is
 * given in tokens.ts, empty pieces dropped), as plain strings: Lunr's own tokenizer tests the
 * separator on every character and makes a token with its own metadata for each word, which the
 * index never keeps (no metadata is whitelisted). Builder.add only uses a term as a property
 * name, which a string is already.
 */
function words(field: string | null | undefined): string[] {
  if (field === null || field === undefined) return [];
  return field
    .toLowerCase()
    .split(WORD_SEPARATOR)
    .filter((word) => word.length > 0);
}

/**
 * Makes a builder index plain words: its tokenizer gives strings (see words), and its indexing
 * pipeline looks each distinct word up once. Only the builder's own tokenizer and pipeline run
 * change: the index keeps the search pipeline, which the browser runs on queries with Lunr's own
 * tokenizer, and the terms of the index are the same as Lunr's own (tests/unit/search).
 */
function indexPlainWords(builder: lunr.Builder, results: Map<string, string[]>): void {
  const { pipeline } = builder;
  const stages = pipeline.run.bind(pipeline);
  builder.tokenizer = words as unknown as typeof lunr.tokenizer;
  pipeline.run = (tokens) => {
    const out: string[] = [];
    for (const word of tokens as unknown as string[]) {
      let stems = results.get(word);
      if (stems === undefined) {
        stems = stages([new lunr.Token(word, {})]).map(String);
        results.set(word, stems);
      }
      for (const stem of stems) out.push(stem);
    }
    return out as unknown as lunr.Token[];
  };
}

/** A Lunr builder set up for a language: its stemmer and stop words, fields and boosts. */
function languageBuilder(lang: 'en' | 'fr'): lunr.Builder {
  // As lunr() itself sets a builder up, before the language's plugin changes the pipelines.
  const builder = new lunr.Builder();
  builder.pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
  builder.searchPipeline.add(lunr.stemmer);
  if (lang === 'fr') {
    // lunr.fr replaces the English pipeline with the French trimmer, stop words and stemmer.
    builder.use((lunr as unknown as { fr: lunr.Builder.Plugin }).fr);
  } else {
    builder.pipeline.after(lunr.stemmer, undoubleEnglish);
    builder.searchPipeline.after(lunr.stemmer, undoubleEnglish);
  }
  indexPlainWords(builder, pipelineResults[lang]);
  // The word set (a trie of every term) serves searches in this process only: the serialised
  // index leaves it out and the browser makes it again when it loads the index.
  builder.createTokenSet = () => undefined;
  builder.ref('id');
  builder.field('title', { boost: FIELD_BOOSTS.title });
  builder.field('heading', { boost: FIELD_BOOSTS.heading });
  builder.field('body', { boost: FIELD_BOOSTS.body });
  return builder;
}

/** Adds documents to a builder, each with its position in the bundle as its ref. */
function addDocs(builder: lunr.Builder, docs: readonly SearchDoc[], firstPosition: number): void {
  // Short numeric refs: the index repeats a ref for every term of its document.
  // Only the ref and the indexed fields: Builder.add reads nothing else.
  docs.forEach((doc, offset) => {
    const { title, heading, body } = doc;
    builder.add({ id: String(firstPosition + offset), title, heading, body });
  });
}

/** Builds the search bundle for one language, with that language's stemmer and stop words. */
export function buildSearchBundle(lang: 'en' | 'fr', docs: SearchDoc[]): SearchBundle {
  const builder = languageBuilder(lang);
  addDocs(builder, docs, 0);
  return { lang, index: builder.build().toJSON(), docs };
}

/**
 * Builds two bundles of a language from one builder, when the second holds the first's documents
 * and more, and returns them as JSON text: `first` is indexed once and the first bundle written
 * out, then `more` is added and the second is built. The second bundle's documents are `second`
 * (the first's in the same order, with their own links: only the indexed fields, title, heading
 * and body, must be the same) followed by `more`. Lunr's build() works out the field lengths,
 * vectors and word set afresh from what was added, so each index is the one a builder of its
 * documents alone would make; the first is written out before the builder adds to the postings it
 * shares. The trainer view's index is the learner's plus the trainer notes: at 100 generated
 * modules, building it alone took about as long again as the learner's.
 */
export function buildNestedSearchJson(
  lang: 'en' | 'fr',
  first: SearchDoc[],
  second: SearchDoc[],
  more: SearchDoc[],
): [string, string] {
  if (second.length !== first.length) {
    throw new Error('the second bundle must hold the same documents as the first');
  }
  second.forEach((doc, i) => {
    const same = first[i];
    if (same?.title !== doc.title || same.heading !== doc.heading || same.body !== doc.body) {
      throw new Error(`document ${i} of the second bundle differs from the first's (${doc.id})`);
    }
  });
  const builder = languageBuilder(lang);
  addDocs(builder, first, 0);
  // Written out now: the postings are the builder's own objects, which the next documents add to.
  const firstJson = JSON.stringify({ lang, index: builder.build(), docs: first });
  addDocs(builder, more, first.length);
  const secondJson = JSON.stringify({ lang, index: builder.build(), docs: [...second, ...more] });
  return [firstJson, secondJson];
}
