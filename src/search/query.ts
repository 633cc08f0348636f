import lunr from 'lunr';
import type { SearchBundle } from './index-builder.ts';
// Registers the shared word separator and the English pipeline step before any index loads.
import './tokens.ts';

/** Longest query taken into account; the rest is ignored so that a pasted page cannot freeze. */
export const MAX_QUERY_CHARS = 200;
/** Most words taken from one query. */
export const MAX_QUERY_TERMS = 8;
/** Most results returned. */
export const MAX_RESULTS = 20;

/** A piece of a snippet; marked pieces matched the query. */
export interface SnippetPart {
  text: string;
  mark: boolean;
}

/** One search result, ready to show. */
export interface SearchResult {
  id: string;
  kind: SearchBundle['docs'][number]['kind'];
  title: string;
  heading: string;
  url: string;
  score: number;
  snippet: SnippetPart[];
}

/** A loaded index and the function that queries it. */
export interface Searcher {
  search(input: string): SearchResult[];
}

// Characters that Lunr would read as query syntax (wildcards, fields, boosts, fuzziness, presence).
const SYNTAX = /[*:~^+\-"'`\\]/g;

/** Splits raw input into at most MAX_QUERY_TERMS lower-case words, without query syntax. */
export function queryTerms(input: string): string[] {
  const words = input
    .slice(0, MAX_QUERY_CHARS)
    .toLowerCase()
    .replace(SYNTAX, ' ')
    .split(/[\s.,;!?()[\]{}<>/|=&%$#@]+/u)
    .filter((word) => word.length > 0);
  return [...new Set(words)].slice(0, MAX_QUERY_TERMS);
}

/**
 * Builds a snippet of about `width` characters around the first place the query's words (or
 * their first letters, for stemmed matches) occur, with those words marked.
 */
export function snippet(body: string, terms: string[], width = 180): SnippetPart[] {
  const stems = terms.filter((t) => t.length > 1).map((t) => (t.length > 5 ? t.slice(0, 5) : t));
  if (stems.length === 0 || body.length === 0) return [{ text: body.slice(0, width), mark: false }];
  const escaped = stems.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const first = new RegExp(pattern.source, 'iu').exec(body);
  let start = first ? Math.max(0, first.index - Math.floor(width / 3)) : 0;
  // Start on a whole word, never in the middle of one.
  if (start > 0) start = body.indexOf(' ', start) + 1 || start;
  const end = Math.min(body.length, start + width);
  const window = body.slice(start, end);
  const parts: SnippetPart[] = [];
  if (start > 0) parts.push({ text: '… ', mark: false });
  let last = 0;
  for (const match of window.matchAll(pattern)) {
    if (match.index > last) parts.push({ text: window.slice(last, match.index), mark: false });
    parts.push({ text: match[0], mark: true });
    last = match.index + match[0].length;
  }
  if (last < window.length) parts.push({ text: window.slice(last), mark: false });
  if (end < body.length) parts.push({ text: ' …', mark: false });
  return parts;
}

/**
 * Loads a search bundle. For French, `registerFrench` must be given (the island imports the
 * French plugins only when the page is French, so English pages never download them).
 */
export function createSearcher(
  bundle: SearchBundle,
  registerFrench?: (l: typeof lunr) => void,
): Searcher {
  if (bundle.lang === 'fr' && registerFrench) registerFrench(lunr);
  const index = lunr.Index.load(bundle.index);
  // The loaded index keeps its search pipeline (the stemmer) at run time; the typings omit it.
  const pipeline = (index as unknown as { pipeline: lunr.Pipeline }).pipeline;
  return {
    search(input) {
      const terms = queryTerms(input);
      if (terms.length === 0) return [];
      const run = (fuzzy: boolean) =>
        index.query((query) => {
          for (const term of terms) {
            // The word as typed, stemmed like the index: "referral" finds "referrals".
            query.term(term, { boost: 10 });
            for (const stem of pipeline.runString(term)) {
              // Words starting with it: a half-typed word finds something, "refer" finds "referral".
              if (stem.length >= 3) {
                query.term(stem, { usePipeline: false, wildcard: lunr.Query.wildcard.TRAILING });
              }
              // One letter apart, for typing errors; costly on a large index, so only as a fallback.
              if (fuzzy && stem.length >= 5) {
                query.term(stem, { usePipeline: false, editDistance: 1 });
              }
            }
          }
        });
      let matches = run(false);
      if (matches.length === 0) matches = run(true);
      const results: SearchResult[] = [];
      for (const match of matches) {
        const doc = bundle.docs[Number(match.ref)];
        if (!doc) continue;
        results.push({
          id: doc.id,
          kind: doc.kind,
          title: doc.title,
          heading: doc.heading,
          url: doc.url,
          score: match.score,
          snippet: snippet(doc.body, terms),
        });
        if (results.length >= MAX_RESULTS) break;
      }
      return results;
    },
  };
}
