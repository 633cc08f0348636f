import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { courseSearchBundles, readSearchFiles } from '../../../src/search/collect.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const files = readSearchFiles(root);
const source = {
  lang: 'en' as const,
  glossaryTitle: 'Glossary',
  paths: {
    modules: '/en/modules/',
    trainerModules: '/en/trainer/modules/',
    glossary: '/en/glossary/',
  },
};

describe('the search bundles made from the course files', () => {
  const { learner, trainer } = courseSearchBundles(files, source);

  it('keeps trainer notes out of the learner bundle and puts them in the trainer one', () => {
    expect(learner.docs.some((doc) => doc.kind === 'trainer-notes')).toBe(false);
    expect(trainer.docs.filter((doc) => doc.kind === 'trainer-notes').length).toBeGreaterThan(0);
  });

  it('links learner results to the module pages and trainer results to the trainer view', () => {
    const modules = (docs: typeof learner.docs) =>
      docs.filter((doc) => doc.kind !== 'glossary').map((doc) => doc.url);
    expect(modules(learner.docs).every((url) => url.startsWith('/en/modules/'))).toBe(true);
    expect(modules(trainer.docs).every((url) => url.startsWith('/en/trainer/modules/'))).toBe(true);
  });

  it('lists the modules in course order, then the glossary sorted by term', () => {
    const firstOfEach = learner.docs.filter((doc) => !doc.url.includes('#'));
    const orders = firstOfEach.map((doc) => {
      const id = /\/modules\/([^/]+)\//.exec(doc.url)?.[1];
      const file = files.modules.find((entry) => entry.file === `content/modules/en/${id}.mdx`);
      return (file?.data as { order: number }).order;
    });
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    const expected = files.glossary
      .filter((file) => file.file.startsWith('content/glossary/en/'))
      .map((file) => ({
        id: file.name.replace(/\.yaml$/, ''),
        term: (file.data as { term: string }).term,
      }))
      .sort((a, b) => a.term.localeCompare(b.term, 'en'))
      .map((entry) => `/en/glossary/#${entry.id}`);
    const glossary = learner.docs.filter((doc) => doc.kind === 'glossary').map((doc) => doc.url);
    expect(glossary).toEqual(expected);
  });

  it('holds only English modules', () => {
    const english = files.modules.filter((file) => file.file.startsWith('content/modules/en/'));
    expect(learner.docs.filter((doc) => !doc.url.includes('#')).length).toBe(english.length);
  });
});
