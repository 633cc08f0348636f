import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  contentSegments,
  decodeSeedIndex,
  encodeSeedIndex,
  findSharedRuns,
  indexSeeds,
  normalise,
  overlapMessage,
  readSeedIndex,
  SEED_HASHES_FILE,
  listSeedFiles,
} from '../../../src/content/checks/seed-overlap.ts';
import { SEED_SENTENCE } from './fixture-course.ts';

// The seed-overlap rules of src/content/checks/seed-overlap.ts: each must be able to fail. The
// whole course is checked by the build and by tests/unit/content/course.test.ts.

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const seedsDir = path.resolve(repoRoot, '../shared/seeds');

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

  it('finds the same runs through the committed form of the index', () => {
    const decoded = decodeSeedIndex(encodeSeedIndex([seedSentence]));
    expect(decoded.keys).toEqual(indexSeeds([seedSentence]).keys);
    expect(findSharedRuns(`We note: ${seedSentence}`, decoded)).toHaveLength(1);
  });
});

describe(`the committed seed hashes (${SEED_HASHES_FILE})`, () => {
  const index = readSeedIndex(path.join(repoRoot, SEED_HASHES_FILE));

  it('hold thousands of runs', () => {
    expect(index.keys.size).toBeGreaterThan(5000);
  });

  it('catch a sentence of a seed with no seeds present', () => {
    expect(findSharedRuns(`As the module says: ${SEED_SENTENCE}.`, index)).toEqual([
      normalise(SEED_SENTENCE).join(' '),
    ]);
  });

  // Only where ../shared/seeds exists (not on a fresh clone): the file must match the seeds.
  it.skipIf(!existsSync(seedsDir))('match the seeds in ../shared/seeds (npm run seeds:hash)', () => {
    const expected = encodeSeedIndex(listSeedFiles(seedsDir).map((file) => readFileSync(file, 'utf8')));
    const committed = readFileSync(path.join(repoRoot, SEED_HASHES_FILE));
    expect(committed.equals(expected), `${SEED_HASHES_FILE} is stale: run npm run seeds:hash`).toBe(
      true,
    );
  });
});
