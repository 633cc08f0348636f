import { useEffect, useRef, useState } from 'preact/hooks';
import type lunr from 'lunr';
import type { SearchBundle } from '../search/index-builder.ts';
import type { SearchResult, Searcher } from '../search/query.ts';
import { useTypedField } from './typed-field.ts';
import type strings from '../i18n/en/search.json';
import { format } from '../i18n/format.ts';

/** Search UI strings, one file per language in src/i18n/<lang>/search.json. */
export type SearchStrings = typeof strings;

export interface SearchProps {
  /** Language of the page and of the index. */
  lang: 'en' | 'fr';
  /** Where the index is; includes a build version so a new course replaces the cached index. */
  indexUrl: string;
  /** The UI strings of the page's language. */
  strings: SearchStrings;
  /** Given by a language's own page script (search-fr.ts), never by a page's props. */
  plugin?: LanguagePlugin;
}

const CACHE_NAME = 'cp-search-index';

/**
 * Fetches the index once, from the Cache Storage when it is there (so search works offline after
 * one online search), otherwise from the network, then keeps it and drops older versions.
 */
async function fetchBundle(url: string): Promise<SearchBundle> {
  const absolute = new URL(url, location.href);
  if ('caches' in window) {
    try {
      const cache = await caches.open(CACHE_NAME);
      const cached = await cache.match(absolute);
      if (cached) return (await cached.json()) as SearchBundle;
      const response = await fetch(absolute);
      if (!response.ok) throw new Error(`index: HTTP ${response.status}`);
      await cache.put(absolute, response.clone());
      for (const request of await cache.keys()) {
        const old = new URL(request.url);
        if (old.pathname === absolute.pathname && old.search !== absolute.search) {
          await cache.delete(request);
        }
      }
      return (await response.json()) as SearchBundle;
    } catch (error) {
      if (!navigator.onLine) throw error;
    }
  }
  const response = await fetch(absolute);
  if (!response.ok) throw new Error(`index: HTTP ${response.status}`);
  return (await response.json()) as SearchBundle;
}

/** Loads what a language adds to Lunr before its index loads (its stemmer and stop words). */
export type LanguagePlugin = () => Promise<(l: typeof lunr) => void>;

/**
 * Loads Lunr and the index on the first search only; the page itself ships neither. A language
 * with its own stemmer (search-fr.ts) loads it then too: the other language's pages never
 * reference its code.
 */
async function loadSearcher(url: string, setup?: LanguagePlugin): Promise<Searcher> {
  const [{ createSearcher }, bundle, plugin] = await Promise.all([
    import('../search/query.ts'),
    fetchBundle(url),
    setup?.(),
  ]);
  return plugin ? createSearcher(bundle, plugin) : createSearcher(bundle);
}

/** The search form and its results, with keyboard navigation and announcements. */
export default function Search({ indexUrl, strings, plugin }: SearchProps) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResult[] | null>(null);
  const [status, setStatus] = useState('');
  const searcher = useRef<Promise<Searcher> | null>(null);
  const list = useRef<HTMLOListElement>(null);
  const run = useRef(0);
  const field = useTypedField<HTMLInputElement>(setQuery);

  async function search(text: string) {
    const ticket = ++run.current;
    if (text.trim() === '') {
      setResults(null);
      setStatus('');
      return;
    }
    searcher.current ??= loadSearcher(indexUrl, plugin);
    if (!results) setStatus(strings.loading);
    try {
      const found = (await searcher.current).search(text);
      if (ticket !== run.current) return;
      setResults(found);
      const shown = text.trim().slice(0, 60);
      setStatus(
        found.length === 0
          ? format(strings.none, { query: shown })
          : format(found.length === 1 ? strings.oneResult : strings.results, {
              count: found.length,
              query: shown,
            }),
      );
    } catch {
      searcher.current = null;
      if (ticket === run.current) {
        setResults(null);
        setStatus(strings.offline);
      }
    }
  }

  useEffect(() => {
    const initial = new URLSearchParams(location.search).get('q') ?? '';
    // Text typed before the island hydrated wins over the address's.
    if (initial && field.current?.value === field.current?.defaultValue) setQuery(initial);
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => {
      const url = new URL(location.href);
      if (query) url.searchParams.set('q', query);
      else url.searchParams.delete('q');
      history.replaceState(null, '', url);
      void search(query);
    }, 150);
    return () => {
      clearTimeout(timer);
    };
  }, [query]);

  function links(): HTMLAnchorElement[] {
    return [...(list.current?.querySelectorAll('a') ?? [])];
  }

  function onInputKey(event: KeyboardEvent) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      links()[0]?.focus();
    } else if (event.key === 'Escape') {
      setQuery('');
    }
  }

  function onListKey(event: KeyboardEvent) {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const all = links();
    const at = all.indexOf(document.activeElement as HTMLAnchorElement);
    const next = event.key === 'ArrowDown' ? at + 1 : at - 1;
    if (next < 0) document.getElementById('search-input')?.focus();
    else all[Math.min(next, all.length - 1)]?.focus();
  }

  return (
    <div class="search">
      <form
        role="search"
        action=""
        onSubmit={(event) => {
          event.preventDefault();
          void search(query);
        }}
      >
        <label for="search-input">{strings.label}</label>
        <div class="search__row">
          <input
            id="search-input"
            ref={field}
            type="search"
            name="q"
            value={query}
            placeholder={strings.placeholder}
            autocomplete="off"
            aria-describedby="search-hint"
            maxLength={500}
            onInput={(event) => {
              setQuery(event.currentTarget.value);
            }}
            onKeyDown={onInputKey}
          />
          <button type="submit">{strings.submit}</button>
        </div>
        <p id="search-hint" class="search__hint">
          {strings.hint}
        </p>
      </form>
      <p class="search__status" role="status" aria-live="polite">
        {status}
      </p>
      {results && results.length > 0 && (
        <ol class="search__results" ref={list} onKeyDown={onListKey}>
          {results.map((result) => (
            <li key={result.id} data-result-url={result.url}>
              <a href={result.url}>
                <span class="search__title">{result.title}</span>
                {result.kind === 'key-messages' && <span> · {strings.keyMessages}</span>}
                {result.kind === 'trainer-notes' && <span> · {strings.trainerNotes}</span>}
                {result.heading && result.heading !== result.title && (
                  <span> · {result.heading}</span>
                )}
              </a>
              <p class="search__snippet">
                {result.snippet.map((part, i) =>
                  part.mark ? <mark key={i}>{part.text}</mark> : part.text,
                )}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
