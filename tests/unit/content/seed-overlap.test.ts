import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/**
 * The course is written from UN source texts (the seeds in ../shared/seeds). Facts carry over;
 * sentences do not. This test fails on any run of MIN_RUN or more consecutive words that a content
 * file shares with a seed, after both are normalised.
 */

/** The shortest shared run of words that counts as copied text. */
const MIN_RUN = 12;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const contentDir = path.join(repoRoot, 'content');
const seedsDir = path.resolve(repoRoot, '../shared/seeds');

/**
 * Names of bodies and titles of instruments that the course must quote exactly. Each one counts
 * as a single word when runs are measured, so quoting a long title is not copying, but a title
 * inside a copied sentence does not hide the rest of the sentence. Titles are listed in the short
 * form that also appears inside longer ones ("involvement of children in armed conflict" covers
 * the optional protocol of that name). Keep this list short.
 */
const ALLOWED_NAMES = [
  // Bodies and offices.
  'Special Representative of the Secretary-General for Children and Armed Conflict',
  'Special Representative of the Secretary-General on Violence against Children',
  'Special Representative of the Secretary-General for Sexual Violence in Conflict',
  'Office of the United Nations High Commissioner for Human Rights',
  'Office of the United Nations High Commissioner for Refugees',
  'Inter-Agency Working Group on Violence against Children',
  'Task Force on Children and Armed Conflict',
  'Monitoring and Reporting Mechanism Technical Reference Group',
  'Committee on the Rights of the Child',
  // Instruments and documents.
  'Convention on the Rights of the Child',
  'involvement of children in armed conflict',
  'sale of children, child prostitution and child pornography',
  'minimum age for admission to employment or work',
  'worst forms of child labour',
  'decent work for domestic workers',
  'Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and Children',
  'Paris Principles and Paris Commitments',
  'Minimum Standards for Child Protection in Humanitarian Action',
  'Collaboration within the United Nations system on child protection',
];

/** Lower-cases text and reduces it to words: no markup, no punctuation. */
export function normalise(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/[\u2018\u2019\u02bc`]/g, "'")
      // HTML footnote markers in the seeds, such as <sup>3</sup>, are not words of the sentence.
      .replace(/<sup>[^<]*<\/sup>/g, ' ')
      // Markdown links and images keep their text, not their address.
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/https?:\/\/\S+/g, ' ')
      // MDX and HTML tags (<Term id="cpa">, </Case>) go; the text between them stays.
      .replace(/<\/?[a-z][^>]*>/gi, ' ')
      // Possessives and contractions: "children's" becomes "childrens", on both sides.
      .replace(/(\p{L})'(\p{L})/gu, '$1$2')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .split(' ')
      .filter((word) => word.length > 0)
  );
}

// Longest first, so that a name inside a longer one never wins over the longer one.
const allowedNames = ALLOWED_NAMES.map((name, index) => ({
  words: normalise(name),
  token: `allowedname${index}`,
})).sort((a, b) => b.words.length - a.words.length);

/** Replaces each allowed name by one token, so that it counts as a single word. */
export function maskAllowedNames(words: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    const name = allowedNames.find((candidate) =>
      candidate.words.every((word, offset) => words[i + offset] === word),
    );
    if (name === undefined) {
      out.push(words[i] ?? '');
      i += 1;
    } else {
      out.push(name.token);
      i += name.words.length;
    }
  }
  return out;
}

/** Turns a masked token back into readable text for error messages. */
function unmask(word: string): string {
  const name = allowedNames.find((candidate) => candidate.token === word);
  return name === undefined ? word : name.words.join(' ');
}

/** The set of every run of MIN_RUN words in the seeds, each joined by single spaces. */
export interface SeedIndex {
  readonly grams: ReadonlySet<string>;
  readonly minRun: number;
}

/** Builds the index of runs from the seed texts. */
export function indexSeeds(seedTexts: readonly string[], minRun = MIN_RUN): SeedIndex {
  const grams = new Set<string>();
  for (const text of seedTexts) {
    const words = maskAllowedNames(normalise(text));
    for (let i = 0; i + minRun <= words.length; i += 1) {
      grams.add(words.slice(i, i + minRun).join(' '));
    }
  }
  return { grams, minRun };
}

/**
 * Finds every maximal run of at least index.minRun words that a piece of text shares with a seed.
 * Each run is returned as readable text.
 */
export function findSharedRuns(text: string, index: SeedIndex): string[] {
  const words = maskAllowedNames(normalise(text));
  const { grams, minRun } = index;
  const runs: string[] = [];
  let i = 0;
  while (i + minRun <= words.length) {
    if (!grams.has(words.slice(i, i + minRun).join(' '))) {
      i += 1;
      continue;
    }
    // Extend the run while each next window of minRun words is also in a seed.
    let end = i + minRun;
    while (end < words.length && grams.has(words.slice(end - minRun + 1, end + 1).join(' '))) {
      end += 1;
    }
    runs.push(words.slice(i, end).map(unmask).join(' '));
    i = end;
  }
  return runs;
}

/** Collects every string in a parsed YAML value, so that keys and syntax are never compared. */
function yamlStrings(value: unknown, out: string[]): string[] {
  if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) yamlStrings(item, out);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) yamlStrings(item, out);
  }
  return out;
}

/** Strings of every document in a YAML text. */
function stringsOfYaml(source: string): string[] {
  const out: string[] = [];
  for (const doc of parseAllDocuments(source)) {
    if ('toJS' in doc) yamlStrings(doc.toJS(), out);
  }
  return out;
}

/**
 * Splits a content file into the separate pieces of text a reader sees: each YAML string, each
 * Markdown block and each table cell. A run is only counted inside one piece.
 */
export function contentSegments(fileName: string, source: string): string[] {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return stringsOfYaml(source);
  let body = source;
  const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(source);
  const segments: string[] = [];
  if (frontmatter) {
    segments.push(...stringsOfYaml(frontmatter[1] ?? ''));
    body = source.slice(frontmatter[0].length);
  }
  // MDX attributes such as title="..." are text the learner reads: keep them as their own piece.
  for (const match of body.matchAll(/\b[a-z]+="([^"]*)"/gi)) segments.push(match[1] ?? '');
  for (const block of body.split(/\r?\n\s*\r?\n/)) {
    segments.push(...block.replace(/<[^>]*>/g, ' ').split('|'));
  }
  return segments.filter((segment) => segment.trim().length > 0);
}

/** The failure message for one file: its path and each copied run, quoted. */
export function overlapMessage(name: string, runs: readonly string[]): string {
  const quoted = runs.map((run) => `  "${run}"`).join('\n');
  return `${name} shares ${runs.length} run(s) of ${MIN_RUN} or more words with a seed text; rewrite them in your own words:\n${quoted}`;
}

/** Every file under a directory, recursively, sorted. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? listFiles(full) : [full];
    });
}

describe('seed overlap detection', () => {
  const seedSentence =
    'UNICEF, the Department of Peacekeeping Operations and the United Nations Department of ' +
    'Political Affairs play a key role in coordinating and co-chairing the Task Force.';
  const index = indexSeeds([`Some text before. ${seedSentence} Some text after.`]);

  it('finds a sentence copied from a seed, whatever the markup and case', () => {
    const copied =
      'Note that **unicef**, the <Term id="dpo">Department of Peacekeeping Operations</Term> and ' +
      'the United Nations Department of Political Affairs play a key role in coordinating things.';
    const runs = findSharedRuns(copied, index);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toContain('department of peacekeeping operations');
  });

  it('finds a copied sentence inside a YAML quiz option', () => {
    const yamlText = `questions:\n  - id: q1\n    options:\n      - id: a\n        text: "${seedSentence}"\n`;
    const runs = contentSegments('quiz.yaml', yamlText).flatMap((segment) =>
      findSharedRuns(segment, index),
    );
    expect(runs).toHaveLength(1);
  });

  it('accepts a paraphrase of the same facts', () => {
    const paraphrase =
      'The task force is coordinated and co-chaired by UNICEF together with the peacekeeping and ' +
      'political affairs departments of the UN.';
    expect(findSharedRuns(paraphrase, index)).toEqual([]);
  });

  it('accepts a run of eleven shared words', () => {
    const eleven = 'the department of peacekeeping operations and the united nations department of';
    expect(normalise(eleven)).toHaveLength(11);
    expect(findSharedRuns(`${eleven} something else`, index)).toEqual([]);
  });

  it('counts an allowed name as one word, but not the words around it', () => {
    const name = 'Special Representative of the Secretary-General for Children and Armed Conflict';
    const sentence = `In 2012 the ${name} started a dialogue with regional organizations on cooperation.`;
    const seedIndex = indexSeeds([sentence]);
    // Eleven words of the name plus a few around it: a quotation of the name, not a copy.
    expect(findSharedRuns(`Since then the ${name} started a dialogue with them.`, seedIndex)).toEqual(
      [],
    );
    // The whole sentence is still a copy, and the run quotes the name in full.
    const runs = findSharedRuns(sentence, seedIndex);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toContain('special representative of the secretary general for children');
  });

  it('finds a copy in MDX frontmatter and in a Case title', () => {
    const mdx = [
      '---',
      'keyMessages:',
      `  - ${seedSentence}`,
      '---',
      '',
      `<Case title="${seedSentence}">`,
      'A paragraph of our own words.',
      '</Case>',
    ].join('\n');
    const runs = contentSegments('module.mdx', mdx).flatMap((segment) =>
      findSharedRuns(segment, index),
    );
    expect(runs).toHaveLength(2);
  });

  it('names the file and quotes the run in its failure message', () => {
    const message = overlapMessage('content/modules/en/example.mdx', ['a copied run of words']);
    expect(message).toContain('content/modules/en/example.mdx');
    expect(message).toContain('"a copied run of words"');
  });
});

describe('content shares no run of words with the seeds', () => {
  const seedFiles = listFiles(seedsDir);

  it('finds the seed texts', () => {
    expect(seedFiles.length, `no seed texts in ${seedsDir}`).toBeGreaterThan(0);
  });

  const index = indexSeeds(seedFiles.map((file) => readFileSync(file, 'utf8')));
  const contentFiles = listFiles(contentDir);

  it('finds content files', () => {
    expect(contentFiles.length, `no files in ${contentDir}`).toBeGreaterThan(0);
  });

  for (const file of contentFiles) {
    const name = path.relative(repoRoot, file);
    it(name, () => {
      const runs = contentSegments(file, readFileSync(file, 'utf8')).flatMap((segment) =>
        findSharedRuns(segment, index),
      );
      expect(runs, overlapMessage(name, runs)).toEqual([]);
    });
  }
});
