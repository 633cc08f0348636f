import GithubSlugger from 'github-slugger';

/** One searchable unit: a section of a module, its key messages, a glossary term or trainer notes. */
export interface SearchDoc {
  /** Unique within the index: the page path plus the anchor. */
  id: string;
  /** What kind of text this is; trainer notes are indexed only for the trainer view. */
  kind: 'section' | 'key-messages' | 'glossary' | 'trainer-notes';
  /** Title of the module (or "Glossary"). */
  title: string;
  /** Heading of the section, or the glossary term. */
  heading: string;
  /** Plain text of the section, used for matching and snippets. */
  body: string;
  /** Link to the section: path and heading anchor. */
  url: string;
}

/** The parts of a module the index needs. */
export interface ModuleSource {
  id: string;
  title: string;
  summary: string;
  outcomes: { text: string }[];
  keyMessages: string[];
  /** The MDX body, as written. */
  body: string;
}

/**
 * Turns MDX or Markdown into plain words: drops code, JSX tags (keeping their text), link targets,
 * emphasis marks and table pipes, so that snippets read as prose and markup never matches a query.
 */
export function plainText(mdx: string): string {
  let text = mdx
    .replace(/^(import|export)\s.*$/gm, ' ')
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/<Case\s+title="([^"]*)"\s*>/g, ' $1. ')
    .replace(/<\/?[A-Za-z][^>]*>/g, ' ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
  // The next two only where their marker is: tried at every position of every line, they were a
  // third of the time spent here, and most sections have neither a footnote nor a table.
  if (text.includes('[^')) text = text.replace(/\[\^[^\]]*\]:?/g, ' ');
  if (text.includes('---')) {
    text = text.replace(/^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/gm, ' ');
  }
  return text
    .replace(/[|*_`>#]+/g, ' ')
    .replace(/^\s*(\d+\.|[-+])\s+/gm, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Splits a module's MDX body at its ## and ### headings into sections, each linked to the
 * heading's anchor. Anchors use the same slugger as Astro's heading ids, so links land on the
 * heading. Text before the first heading goes with the summary and outcomes under the title.
 */
export function moduleDocs(module: ModuleSource, basePath: string): SearchDoc[] {
  const slugger = new GithubSlugger();
  const docs: SearchDoc[] = [];
  const parts = module.body.split(/^(#{2,3})\s+(.+)$/m);
  const intro = [module.summary, ...module.outcomes.map((o) => o.text), plainText(parts[0] ?? '')];
  docs.push({
    id: basePath,
    kind: 'section',
    title: module.title,
    heading: module.title,
    body: intro.join(' ').trim(),
    url: basePath,
  });
  for (let i = 1; i + 2 < parts.length + 1; i += 3) {
    const headingSource = (parts[i + 1] ?? '').trim();
    const heading = plainText(headingSource);
    const slug = slugger.slug(heading);
    docs.push({
      id: `${basePath}#${slug}`,
      kind: 'section',
      title: module.title,
      heading,
      body: plainText(parts[i + 2] ?? ''),
      url: `${basePath}#${slug}`,
    });
  }
  docs.push({
    id: `${basePath}#key-messages-heading`,
    kind: 'key-messages',
    title: module.title,
    heading: '',
    body: module.keyMessages.join(' '),
    url: `${basePath}#key-messages-heading`,
  });
  return docs;
}

/** A glossary term as the index needs it. */
export interface GlossarySource {
  /** The term's id: its anchor on the glossary page. */
  id: string;
  term: string;
  expansion?: string | undefined;
  definition: string;
}

/** One document per glossary term, linked to its entry on the glossary page. */
export function glossaryDocs(
  terms: GlossarySource[],
  glossaryPath: string,
  glossaryTitle: string,
): SearchDoc[] {
  return terms.map((term) => ({
    id: `${glossaryPath}#${term.id}`,
    kind: 'glossary',
    title: glossaryTitle,
    heading: term.expansion ? `${term.term}: ${term.expansion}` : term.term,
    body: term.definition,
    url: `${glossaryPath}#${term.id}`,
  }));
}

/** One document for a module's trainer notes, linked to the trainer view of the module. */
export function trainerNotesDocs(
  moduleTitle: string,
  notesBody: string,
  path: string,
): SearchDoc[] {
  return [
    {
      id: `${path}#trainer-notes-heading`,
      kind: 'trainer-notes',
      title: moduleTitle,
      heading: '',
      body: plainText(notesBody),
      url: `${path}#trainer-notes-heading`,
    },
  ];
}
