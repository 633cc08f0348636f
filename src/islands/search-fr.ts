import { mountSearch } from './search-mount.ts';

// The French search page: Lunr's French stemmer and stop words load with the index, on the
// first search.
mountSearch(async () => {
  const [support, fr] = await Promise.all([
    import('lunr-languages/lunr.stemmer.support.js'),
    import('lunr-languages/lunr.fr.js'),
  ]);
  return (lunr) => {
    support.default(lunr);
    fr.default(lunr);
  };
});
