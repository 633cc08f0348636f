import { h, hydrate } from 'preact';
import Search, { type LanguagePlugin, type SearchProps } from './Search.tsx';

/**
 * Hydrates the search form the page rendered on the server. Mounted from the page's own script,
 * not as an Astro island, as the knowledge check is (quiz-mount.ts): the page saves the island
 * loader and renderer (2.5 KB gzip), which keeps it within the page budget with Lunr. A language
 * with its own stemmer passes its plugin from its own script, so the other language's page does
 * not reference that code.
 */
export function mountSearch(plugin?: LanguagePlugin): void {
  const root = document.querySelector<HTMLElement>('[data-search]');
  if (!root?.dataset.search) return;
  const props = JSON.parse(root.dataset.search) as SearchProps;
  hydrate(h(Search, plugin ? { ...props, plugin } : props), root);
  root.dataset.hydrated = '';
}
