import lunr from 'lunr';
import frenchPlugin from 'lunr-languages/lunr.fr.js';
import stemmerSupport from 'lunr-languages/lunr.stemmer.support.js';
import type { SearchDoc } from './documents.ts';
import { undoubleEnglish, WORD_SEPARATOR } from './tokens.ts';

stemmerSupport(lunr);
frenchPlugin(lunr);

/** Field boosts: a match in a title or heading ranks above one in the body. */
export const FIELD_BOOSTS = { title: 8, heading: 5, body: 1 } as const;
/** The indexed fields, in the order the builder declares them. */
const FIELDS = Object.keys(FIELD_BOOSTS) as (keyof typeof FIELD_BOOSTS)[];

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
  builder.ref('id');
  for (const field of FIELDS) builder.field(field, { boost: FIELD_BOOSTS[field] });
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
 * Builds two bundles of a language in one pass, when the second holds the first's documents and
 * more, and returns them as JSON text: `first` is indexed once and the first bundle written out,
 * then `more` is added and the second is written. The second bundle's documents are `second` (the
 * first's in the same order, with their own links: only the indexed fields, title, heading and
 * body, must be the same) followed by `more`. The field lengths and vectors are worked out afresh
 * for each, so each index is the one a Lunr builder of its documents alone would make. The
 * trainer view's index is the learner's plus the trainer notes: at 100 generated modules,
 * building it alone took about as long again as the learner's. Written by IndexWriter, the JSON
 * Lunr's builder would give: at 100 generated modules the four bundles took 0.74 s of CPU in one
 * process instead of 1.29 s with Lunr's builder (reading the files included).
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
  const writer = new IndexWriter(languageBuilder(lang));
  writer.add(first, 0);
  const firstJson = `{"lang":${JSON.stringify(lang)},"index":${writer.json()},"docs":${JSON.stringify(first)}}`;
  writer.add(more, first.length);
  const secondJson = `{"lang":${JSON.stringify(lang)},"index":${writer.json()},"docs":${JSON.stringify([...second, ...more])}}`;
  return [firstJson, secondJson];
}

/** Lunr's BM25 parameters (Builder's k1 and b, left at their defaults). */
const K1 = 1.2;
const B = 0.75;

/** One field of one document: its length in terms and how often each term is in it. */
interface FieldEntry {
  field: number;
  ref: number;
  length: number;
  frequencies: Map<string, number>;
}

/**
 * Writes the JSON of the index a Lunr builder would build (Builder.add, then build() and
 * Index.toJSON()) straight from counts: the same term numbers, field vectors (BM25, in the same
 * order of operations, rounded as Lunr rounds them) and postings, byte for byte, without the
 * object Lunr makes for every term, field and document (with an empty metadata object in each),
 * nor the index objects the JSON is then written from. A test compares it with Lunr's own index.
 * Documents can be added after an index is written: the next index holds them all, as a Lunr
 * builder given more documents would.
 */
class IndexWriter {
  /** Each term's number (in order of first appearance) and, per field, the documents it is in. */
  private readonly terms = new Map<string, { index: number; refs: number[][] }>();
  private readonly entries: FieldEntry[] = [];
  private documentCount = 0;
  private readonly builder: lunr.Builder;

  constructor(builder: lunr.Builder) {
    this.builder = builder;
  }

  add(docs: readonly SearchDoc[], firstPosition: number): void {
    const { pipeline, tokenizer } = this.builder;
    docs.forEach((doc, offset) => {
      const ref = firstPosition + offset;
      this.documentCount += 1;
      FIELDS.forEach((name, field) => {
        // The builder's own tokenizer and pipeline (indexPlainWords): plain words in, terms out.
        const stems = pipeline.run(tokenizer(doc[name])) as unknown as string[];
        const frequencies = new Map<string, number>();
        for (const stem of stems) {
          frequencies.set(stem, (frequencies.get(stem) ?? 0) + 1);
          let term = this.terms.get(stem);
          if (term === undefined) {
            term = { index: this.terms.size, refs: FIELDS.map(() => []) };
            this.terms.set(stem, term);
          }
          const refs = term.refs[field] ?? [];
          if (refs[refs.length - 1] !== ref) refs.push(ref);
        }
        this.entries.push({ field, ref, length: stems.length, frequencies });
      });
    });
  }

  /** The index of every document added so far, as Index.toJSON() would give it, as JSON text. */
  json(): string {
    const sums = FIELDS.map(() => 0);
    const counts = FIELDS.map(() => 0);
    for (const entry of this.entries) {
      sums[entry.field] = (sums[entry.field] ?? 0) + entry.length;
      counts[entry.field] = (counts[entry.field] ?? 0) + 1;
    }
    const averages = sums.map((sum, field) => sum / (counts[field] ?? 0));
    const idfs = new Map<string, number>();
    const vectors = this.entries.map((entry) => {
      const pairs: [number, number][] = [];
      const boost = FIELD_BOOSTS[FIELDS[entry.field] ?? 'body'];
      const average = averages[entry.field] ?? 0;
      for (const [stem, tf] of entry.frequencies) {
        const term = this.terms.get(stem);
        if (term === undefined) continue;
        let idf = idfs.get(stem);
        if (idf === undefined) {
          // lunr.idf: the documents with the term, counted once in each field they have it in.
          const withTerm = term.refs.reduce((sum, refs) => sum + refs.length, 0);
          const x = (this.documentCount - withTerm + 0.5) / (withTerm + 0.5);
          idf = Math.log(1 + Math.abs(x));
          idfs.set(stem, idf);
        }
        // As Builder.createFieldVectors computes it (the document boost is 1).
        let score = (idf * ((K1 + 1) * tf)) / (K1 * (1 - B + B * (entry.length / average)) + tf);
        score *= boost;
        pairs.push([term.index, Math.round(score * 1000) / 1000]);
      }
      pairs.sort((x, y) => x[0] - y[0]);
      const fieldRef = JSON.stringify(`${FIELDS[entry.field] ?? ''}/${entry.ref}`);
      return `[${fieldRef},[${pairs.flat().join(',')}]]`;
    });
    // Index.toJSON sorts the terms; a posting's documents are numbers, which JSON writes in order.
    const postings = [...this.terms.keys()].sort().map((stem) => {
      const term = this.terms.get(stem);
      const fields = FIELDS.map(
        (name, field) =>
          `"${name}":{${(term?.refs[field] ?? []).map((ref) => `"${ref}":{}`).join(',')}}`,
      );
      return `[${JSON.stringify(stem)},{"_index":${term?.index ?? 0},${fields.join(',')}}]`;
    });
    return `{"version":${JSON.stringify(lunr.version)},"fields":${JSON.stringify(FIELDS)},"fieldVectors":[${vectors.join(',')}],"invertedIndex":[${postings.join(',')}],"pipeline":${JSON.stringify(this.builder.searchPipeline.toJSON())}}`;
  }
}
