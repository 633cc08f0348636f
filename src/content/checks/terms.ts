/** The ids of every <Term id="..."> in an MDX text, in order of first use, without repeats. */
export function termIds(source: string): string[] {
  const ids = [...source.matchAll(/<Term\s+id\s*=\s*["']([^"']+)["']/g)].map((match) => match[1]);
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/**
 * Checks that every term an MDX file links to has a glossary entry; returns one message per
 * missing term, naming the file and the glossary file expected.
 */
export function checkTerms(
  file: string,
  source: string,
  lang: string,
  glossaryIds: ReadonlySet<string>,
): string[] {
  return termIds(source)
    .filter((id) => !glossaryIds.has(id))
    .map(
      (id) => `${file}: <Term id="${id}"> has no glossary entry content/glossary/${lang}/${id}.yaml`,
    );
}
