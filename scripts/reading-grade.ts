// Prints the median Flesch-Kincaid grade of each English module's prose, one module a line:
//
//   npm run reading-grade              report only
//   npm run reading-grade -- --check   exits with 1 when a module's median is above MAX_GRADE
//
// Prose only: the MDX is parsed (mdast with the MDX, GFM and frontmatter extensions, as Astro's
// MDX has them) and only the text of paragraphs is read, wherever they sit (lists, quotes, <Case> blocks), with the text inside
// components such as <Term> kept. Front matter, headings, tables, code blocks, inline code, imports
// and expressions are left out. Each paragraph gets its grade; the module's figure is the median,
// so that one long list item or one short line does not move it. Sentences and words are split by
// Intl.Segmenter (ICU's rules, by which "e.g." ends no sentence), syllables counted by
// `syllable`, the grade computed by `flesch-kincaid`. Not part of the build: the modules are being
// rewritten towards the target.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fleschKincaid } from 'flesch-kincaid';
import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { mdxFromMarkdown } from 'mdast-util-mdx';
import { frontmatter } from 'micromark-extension-frontmatter';
import { gfm } from 'micromark-extension-gfm';
import { mdxjs } from 'micromark-extension-mdxjs';
import { syllable } from 'syllable';

/** The grade a module's median may reach: ninth grade, plain language for a wide readership. */
export const MAX_GRADE = 9;

/** Node types whose text is not prose. */
const SKIPPED = new Set([
  'heading',
  'table',
  'code',
  'inlineCode',
  'yaml',
  'toml',
  'mdxjsEsm',
  'mdxFlowExpression',
  'mdxTextExpression',
  'html',
  'footnoteDefinition',
]);

/** The text of a node, without the parts that are not prose. */
function proseText(node: Nodes): string {
  if (SKIPPED.has(node.type)) return '';
  if (node.type === 'text') return node.value;
  if (node.type === 'break') return ' ';
  return 'children' in node ? node.children.map((child) => proseText(child)).join('') : '';
}

/** The prose paragraphs of an MDX text, each as plain text. */
export function proseParagraphs(mdx: string): string[] {
  const tree: Root = fromMarkdown(mdx, {
    extensions: [mdxjs(), frontmatter(['yaml']), gfm()],
    mdastExtensions: [mdxFromMarkdown(), frontmatterFromMarkdown(['yaml']), gfmFromMarkdown()],
  });
  const paragraphs: string[] = [];
  const visit = (node: Nodes): void => {
    if (SKIPPED.has(node.type)) return;
    if (node.type === 'paragraph') {
      const text = proseText(node).replace(/\s+/g, ' ').trim();
      if (/\p{L}/u.test(text)) paragraphs.push(text);
      return;
    }
    if ('children' in node)
      node.children.forEach((child) => {
        visit(child);
      });
  };
  visit(tree);
  return paragraphs;
}

const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
const words = new Intl.Segmenter('en', { granularity: 'word' });

/** The Flesch-Kincaid grade of a piece of English prose. */
export function grade(text: string): number {
  const sentence = [...sentences.segment(text)].filter((s) => /\p{L}/u.test(s.segment)).length;
  const wordList = [...words.segment(text)].filter((w) => w.isWordLike).map((w) => w.segment);
  const syllables = wordList.reduce((sum, word) => sum + syllable(word), 0);
  return fleschKincaid({ sentence, word: wordList.length, syllable: syllables });
}

/** The median of a list of numbers (NaN for none). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Each English module's median grade, in file name order. */
export function moduleGrades(
  root: string,
): { module: string; median: number; paragraphs: number }[] {
  const dir = path.join(root, 'content/modules/en');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.mdx'))
    .sort()
    .map((name) => {
      const paragraphs = proseParagraphs(readFileSync(path.join(dir, name), 'utf8'));
      return {
        module: name.replace(/\.mdx$/, ''),
        median: median(paragraphs.map(grade)),
        paragraphs: paragraphs.length,
      };
    });
}

if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const grades = moduleGrades(path.resolve(import.meta.dirname, '..'));
  for (const { module, median: value, paragraphs } of grades) {
    console.log(`${module}\t${value.toFixed(1)}\t(${paragraphs} paragraphs)`);
  }
  const over = grades.filter((entry) => !(entry.median <= MAX_GRADE));
  if (values.check && over.length > 0) {
    console.error(
      `${over.length} module(s) above grade ${MAX_GRADE}: ${over.map((entry) => entry.module).join(', ')}`,
    );
    process.exitCode = 1;
  }
}
