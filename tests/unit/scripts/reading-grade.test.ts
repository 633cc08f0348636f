import { describe, expect, it } from 'vitest';
import { grade, median, proseParagraphs } from '../../../scripts/reading-grade.ts';

const MODULE = `---
title: A title with many syllables everywhere
summary: Front matter is never read.
---
import Term from '../../components/Term.astro';

## A heading is not prose

The <Term id="cpa">child protection adviser</Term> works in the mission.

| Table | cell |
| ----- | ---- |
| not   | prose |

\`\`\`
code is not prose
\`\`\`

- A list item is prose, with \`inline code\` left out.

<Case title="A case">
A case holds prose too.
</Case>
`;

describe('reading grade', () => {
  it('reads paragraphs only, with the text inside components and without code', () => {
    expect(proseParagraphs(MODULE)).toEqual([
      'The child protection adviser works in the mission.',
      'A list item is prose, with left out.',
      'A case holds prose too.',
    ]);
  });

  it('grades short plain sentences low and long polysyllabic ones high', () => {
    expect(grade('The cat sat on the mat. The dog ran.')).toBeLessThan(2);
    expect(
      grade(
        'Institutional accountability mechanisms necessitate comprehensive interdepartmental coordination regarding international humanitarian obligations.',
      ),
    ).toBeGreaterThan(20);
  });

  it('counts "e.g." inside a sentence as no sentence end', () => {
    const one = grade('Report grave violations, e.g. abductions, to the adviser at once.');
    const two = grade('Report grave violations. Abductions go to the adviser at once.');
    expect(one).toBeGreaterThan(two);
  });

  it('takes the median', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([1, 2, 3, 10])).toBe(2.5);
  });
});
