import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';

/**
 * The course is written from UN source texts (the seeds in ../shared/seeds). Facts carry over;
 * sentences do not. This check finds every run of MIN_RUN or more consecutive words that a course
 * file shares with a seed, after both are normalised.
 *
 * The seeds are not part of the repository, so the check compares against a committed file of
 * hashes of every MIN_RUN-word run of the seeds (SEED_HASHES_FILE, written by `npm run seeds:hash`
 * when the seeds are there). A clone anywhere runs the same check without them.
 */

/** The shortest shared run of words that counts as copied text. */
export const MIN_RUN = 12;

/** The committed hashes of the seeds' runs, relative to the project root. */
export const SEED_HASHES_FILE = 'src/content/checks/seed-runs.bin';

/** Every file under a folder of seeds, recursively and sorted: the order the hashes are made in. */
export function listSeedFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const full = path.join(dir, entry);
      return statSync(full).isDirectory() ? listSeedFiles(full) : [full];
    });
}

/**
 * Names of bodies, titles of instruments and terms of art that the course must quote exactly. Each one counts
 * as a single word when runs are measured, so quoting a long title is not copying, but a title
 * inside a copied sentence does not hide the rest of the sentence. Titles are listed in the short
 * form that also appears inside longer ones ("involvement of children in armed conflict" covers
 * the optional protocol of that name). Keep this list short; changing it changes the hashes, so
 * run `npm run seeds:hash` afterwards.
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
  // The six grave violations, named as the Security Council names them (abduction is one word).
  'killing and maiming',
  'recruitment or use',
  'rape and other grave sexual violence',
  'attacks on schools and hospitals',
  'denial of humanitarian access',
];

/** Lower-cases text and reduces it to words: no markup, no punctuation. */
export function normalise(text: string): string[] {
  // Each rewrite runs only when its marker is present: a course of 1,000 modules is about 80 MB
  // of text, and most pieces hold no markup at all.
  let t = text.toLowerCase().replace(/[\u2018\u2019\u02bc`]/g, "'");
  // HTML footnote markers in the seeds, such as <sup>3</sup>, are not words of the sentence.
  if (t.includes('<sup>')) t = t.replace(/<sup>[^<]*<\/sup>/g, ' ');
  // Markdown links and images keep their text, not their address.
  if (t.includes('](')) t = t.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1');
  if (t.includes('http')) t = t.replace(/https?:\/\/\S+/g, ' ');
  // MDX and HTML tags (<Term id="cpa">, </Case>) go; the text between them stays.
  if (t.includes('<')) t = t.replace(/<\/?[a-z][^>]*>/g, ' ');
  // Possessives and contractions: "children's" becomes "childrens", on both sides.
  if (t.includes("'")) t = t.replace(/(\p{L})'(\p{L})/gu, '$1$2');
  return t.match(/[\p{L}\p{N}]+/gu) ?? [];
}

interface AllowedName {
  words: string[];
  token: string;
}

// Indexed by first word, longest first, so that a name inside a longer one never wins over it and
// most words need one map look-up only.
const namesByFirstWord = new Map<string, AllowedName[]>();
ALLOWED_NAMES.map((name, index) => ({ words: normalise(name), token: `allowedname${index}` }))
  .sort((a, b) => b.words.length - a.words.length)
  .forEach((name) => {
    const first = name.words[0] ?? '';
    namesByFirstWord.set(first, [...(namesByFirstWord.get(first) ?? []), name]);
  });
const tokens = new Map(
  [...namesByFirstWord.values()].flat().map((name) => [name.token, name.words.join(' ')]),
);

/** Replaces each allowed name by one token, so that it counts as a single word. */
export function maskAllowedNames(words: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < words.length) {
    const word = words[i] ?? '';
    const name = namesByFirstWord
      .get(word)
      ?.find((candidate) => candidate.words.every((w, offset) => words[i + offset] === w));
    if (name === undefined) {
      out.push(word);
      i += 1;
    } else {
      out.push(name.token);
      i += name.words.length;
    }
  }
  return out;
}

// Hashing. A run's hash is two 32-bit lanes mixed from its words' own hashes, so each distinct
// word is hashed once and each run costs a few multiplications: SHA-256 of every run measured
// 1.25 µs a run against 0.09 µs, and a course of 1,000 modules has about 13 million runs. Any
// change here changes every hash: run `npm run seeds:hash` and commit the file.

/** Murmur3's finaliser: spreads every input bit over the whole 32-bit result. */
function fmix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Two independent 32-bit hashes of each word (FNV-1a with two offset bases, then finalised),
 * written into wa and wb at the word's position: no pair made per word, as a course of 1,000
 * modules has about 13 million of them.
 */
function wordLanes(words: readonly string[], wa: Uint32Array, wb: Uint32Array): void {
  for (let w = 0; w < words.length; w += 1) {
    const word = words[w] ?? '';
    let a = 0x811c9dc5;
    let b = 0x050c5d1f;
    for (let i = 0; i < word.length; i += 1) {
      const code = word.charCodeAt(i);
      a = Math.imul(a ^ code, 0x01000193);
      b = Math.imul(b ^ code, 0x01000193);
      b ^= b >>> 15;
    }
    wa[w] = fmix(a);
    wb[w] = fmix(b ^ 0x9e3779b9);
  }
}

/** A run's hash as one number of 53 bits: the 32 bits of lane a and the top 21 of lane b. */
export function runKey(a: number, b: number): number {
  return (a >>> 0) * 0x200000 + ((b >>> 0) >>> 11);
}

/**
 * The hash lanes of every run of `minRun` words, in order: run i covers words i to i + minRun - 1.
 * Returns the lanes as two arrays so that callers can store them or make keys.
 */
export function runHashes(words: readonly string[], minRun = MIN_RUN): [Uint32Array, Uint32Array] {
  const count = Math.max(0, words.length - minRun + 1);
  const wa = new Uint32Array(words.length);
  const wb = new Uint32Array(words.length);
  wordLanes(words, wa, wb);
  const ra = new Uint32Array(count);
  const rb = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) {
    let a = 0x9e3779b9;
    let b = 0x7f4a7c15;
    for (let k = 0; k < minRun; k += 1) {
      a = Math.imul(a ^ (wa[i + k] ?? 0), 0xcc9e2d51);
      a = (a << 13) | (a >>> 19);
      b = Math.imul(b ^ (wb[i + k] ?? 0), 0x1b873593);
      b = (b << 17) | (b >>> 15);
    }
    ra[i] = fmix(a ^ minRun);
    rb[i] = fmix(b ^ minRun);
  }
  return [ra, rb];
}

/** The hashes of every run of MIN_RUN words in the seeds, as keys (see runKey). */
export interface SeedIndex {
  /** The run keys. */
  readonly keys: ReadonlySet<number>;
  /** The run length the keys were made with. */
  readonly minRun: number;
}

/** Builds the index of runs from the seed texts themselves. */
export function indexSeeds(seedTexts: readonly string[], minRun = MIN_RUN): SeedIndex {
  const keys = new Set<number>();
  for (const text of seedTexts) {
    const [ra, rb] = runHashes(maskAllowedNames(normalise(text)), minRun);
    ra.forEach((a, i) => keys.add(runKey(a, rb[i] ?? 0)));
  }
  return { keys, minRun };
}

/**
 * The committed form of a seed index: each run's two lanes as big-endian 32-bit words (8 bytes a
 * run), sorted and without repeats, so the file changes only when the seeds or the hashing do.
 */
export function encodeSeedIndex(seedTexts: readonly string[], minRun = MIN_RUN): Buffer {
  const pairs = new Map<number, [number, number]>();
  for (const text of seedTexts) {
    const [ra, rb] = runHashes(maskAllowedNames(normalise(text)), minRun);
    ra.forEach((a, i) => {
      const b = rb[i] ?? 0;
      // Keyed like the look-up (runKey), so two runs the check cannot tell apart are stored once.
      pairs.set(runKey(a, b), [a, b]);
    });
  }
  const sorted = [...pairs.entries()].sort((x, y) => x[0] - y[0]);
  const out = Buffer.alloc(sorted.length * 8);
  sorted.forEach(([, [a, b]], i) => {
    out.writeUInt32BE(a, i * 8);
    out.writeUInt32BE(b, i * 8 + 4);
  });
  return out;
}

/** Reads a seed index from its committed form (see encodeSeedIndex). */
export function decodeSeedIndex(bytes: Uint8Array, minRun = MIN_RUN): SeedIndex {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keys = new Set<number>();
  for (let offset = 0; offset + 8 <= bytes.byteLength; offset += 8) {
    keys.add(runKey(view.getUint32(offset), view.getUint32(offset + 4)));
  }
  return { keys, minRun };
}

/** Reads the committed seed index, or throws naming the file and how to make it. */
export function readSeedIndex(file: string): SeedIndex {
  if (!existsSync(file)) {
    throw new Error(
      `${file} is missing: run \`npm run seeds:hash\` where ../shared/seeds is present, and commit it`,
    );
  }
  return decodeSeedIndex(readFileSync(file));
}

/**
 * Finds every maximal run of at least index.minRun words that a piece of text shares with a seed.
 * Each run is returned as readable text.
 */
export function findSharedRuns(text: string, index: SeedIndex): string[] {
  const words = maskAllowedNames(normalise(text));
  const { keys, minRun } = index;
  if (words.length < minRun) return [];
  const [ra, rb] = runHashes(words, minRun);
  const shared = (i: number) => keys.has(runKey(ra[i] ?? 0, rb[i] ?? 0));
  const runs: string[] = [];
  let i = 0;
  while (i < ra.length) {
    if (!shared(i)) {
      i += 1;
      continue;
    }
    // Extend the run while each next window of minRun words is also in a seed.
    let last = i;
    while (last + 1 < ra.length && shared(last + 1)) last += 1;
    runs.push(
      words
        .slice(i, last + minRun)
        .map((word) => tokens.get(word) ?? word)
        .join(' '),
    );
    i = last + minRun;
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

/**
 * Splits a content file into the separate pieces of text a reader sees: each YAML string, each
 * Markdown block and each table cell. A run is only counted inside one piece. The file's parsed
 * YAML (or frontmatter) is passed in, so that each file is parsed once for every check.
 */
export function segmentsOf(parsed: { data: unknown; body: string }): string[] {
  const segments = yamlStrings(parsed.data, []);
  const { body } = parsed;
  // MDX attributes such as title="..." are text the learner reads: keep them as their own piece.
  for (const match of body.matchAll(/\b[a-z]+="([^"]*)"/gi)) segments.push(match[1] ?? '');
  for (const block of body.split(/\r?\n\s*\r?\n/)) {
    segments.push(...block.replace(/<[^>]*>/g, ' ').split('|'));
  }
  return segments.filter((segment) => segment.trim().length > 0);
}

/** The pieces of text of a file's source (see segmentsOf), parsing it first. */
export function contentSegments(fileName: string, source: string): string[] {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) {
    return segmentsOf({ data: load(source), body: '' });
  }
  const frontmatter = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(source);
  if (!frontmatter) return segmentsOf({ data: undefined, body: source });
  return segmentsOf({
    data: load(frontmatter[1] ?? ''),
    body: source.slice(frontmatter[0].length),
  });
}

/** The failure message for one file: its path and each copied run, quoted. */
export function overlapMessage(name: string, runs: readonly string[]): string {
  const quoted = runs.map((run) => `    "${run}"`).join('\n');
  return `${name}: shares ${runs.length} run(s) of ${MIN_RUN} or more words with a seed text; rewrite them in your own words:\n${quoted}`;
}

/** Checks one parsed file against the seed index; returns its failure message, or nothing. */
export function checkSeedOverlap(
  file: { file: string; data: unknown; body: string },
  index: SeedIndex,
): string[] {
  const runs = segmentsOf(file).flatMap((segment) => findSharedRuns(segment, index));
  return runs.length === 0 ? [] : [overlapMessage(file.file, runs)];
}
