import { describe, expect, it } from 'vitest';
import { moduleSchema } from '../../../src/schemas/module.ts';

const valid = {
  id: 'cp-basics',
  title: 'Child protection basics',
  summary: 'What every peacekeeper needs to know.',
  audience: 'all',
  minutes: 30,
  outcomes: [{ id: 'name-violations', text: 'Name the six grave violations against children.' }],
  version: '1.0.0',
  lang: 'en',
  sources: [{ title: 'Report of the Secretary-General', symbol: 'A/68/257' }],
  order: 1,
  keyMessages: ['Children are protected by law.'],
};

/** The paths and messages of the schema's issues, joined for readable assertions. */
function issues(data: unknown): string[] {
  const result = moduleSchema.safeParse(data);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('module frontmatter schema', () => {
  it('accepts a complete module and fills defaults', () => {
    const parsed = moduleSchema.parse(valid);
    expect(parsed.prerequisites).toEqual([]);
  });

  it('names the field of a missing title', () => {
    const rest: Partial<typeof valid> = { ...valid };
    delete rest.title;
    expect(issues(rest)).toEqual([expect.stringMatching(/^title: /)]);
  });

  it('rejects an id that would not be stable in a URL or activity id', () => {
    expect(issues({ ...valid, id: 'CP Basics' })).toEqual([
      expect.stringContaining('id: must be lower-case'),
    ]);
  });

  it('rejects an unknown audience and language', () => {
    const found = issues({ ...valid, audience: 'navy', lang: 'de' });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^audience/);
    expect(found[1]).toMatch(/^lang/);
  });

  it('rejects duplicate outcome ids, naming the outcome', () => {
    const outcome = valid.outcomes[0];
    expect(issues({ ...valid, outcomes: [outcome, outcome] })).toEqual([
      'outcomes.1.id: duplicate outcome id "name-violations"',
    ]);
  });

  it('requires a symbol or a url on every source', () => {
    expect(issues({ ...valid, sources: [{ title: 'A page with no address' }] })).toEqual([
      'sources.0: a source needs a UN document symbol or a url',
    ]);
  });

  it('rejects a module that requires itself and a malformed version', () => {
    const found = issues({ ...valid, prerequisites: ['cp-basics'], version: 'v1' });
    expect(found).toContain('version: must look like 1.0.0');
    expect(found).toContain('prerequisites: a module cannot be its own prerequisite');
  });
});
