import lunr from 'lunr';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModuleData } from '../../../src/schemas/module.ts';
import type { GlossaryTerm } from '../../../src/schemas/glossary.ts';
import {
  glossaryDocs,
  moduleDocs,
  plainText,
  type SearchDoc,
} from '../../../src/search/documents.ts';
import {
  buildNestedSearchJson,
  buildSearchBundle,
  FIELD_BOOSTS,
  type SearchBundle,
} from '../../../src/search/index-builder.ts';
import { undoubleEnglish } from '../../../src/search/tokens.ts';
import { createSearcher, queryTerms, snippet, type Searcher } from '../../../src/search/query.ts';
import { readMdx, readYaml } from '../../helpers/course-files.ts';

/** The English course's search documents, read from content/ as the build reads them. */
function englishDocs(): SearchDoc[] {
  const docs = readMdx<ModuleData>('modules', 'en').flatMap(({ data, body }) =>
    moduleDocs({ ...data, body }, `/en/modules/${data.id}/`),
  );
  const terms = readYaml<GlossaryTerm>('glossary', 'en').map(({ file, data }) => ({
    id: file.replace(/^.*\/|\.yaml$/g, ''),
    ...data,
  }));
  return [...docs, ...glossaryDocs(terms, '/en/glossary/', 'Glossary')];
}

/** The module a result belongs to, from its link. */
const moduleOf = (url: string) => /\/modules\/([^/]+)\//.exec(url)?.[1] ?? url;

describe('search over the English course', () => {
  let searcher: Searcher;

  beforeAll(() => {
    searcher = createSearcher(
      JSON.parse(JSON.stringify(buildSearchBundle('en', englishDocs()))) as SearchBundle,
    );
  });

  it('finds the police module first for "focal point"', () => {
    // The glossary entry of the acronym CPFP may rank above every module; among modules, the police one leads.
    const results = searcher.search('focal point').filter((r) => r.url.includes('/modules/'));
    expect(moduleOf(results[0]?.url ?? '')).toBe('police-coordination-cp-actors');
  });

  it.each(['referral', 'refer', 'referring', 'referrals'])(
    'finds the police module first for "%s": every form of "refer" meets',
    (query) => {
      const results = searcher.search(query);
      expect(moduleOf(results[0]?.url ?? '')).toBe('police-coordination-cp-actors');
    },
  );

  it.each([
    ['OHCHR', 'un-system-child-protection'],
    ['ICRC', 'police-coordination-cp-actors'],
    ['unpol', 'police-coordination-cp-actors'],
    ['action plans', 'monitoring-reporting-mechanism'],
    ['Paris Principles', 'children-in-military-operations'],
    ['Paris Commitments', 'un-system-child-protection'],
  ])('finds the right module first for "%s"', (query, module) => {
    const results = searcher.search(query);
    // The glossary entry of an acronym may rank above every module; among modules, the right one leads.
    const modules = results.filter((r) => r.url.includes('/modules/'));
    expect(moduleOf(modules[0]?.url ?? '')).toBe(module);
  });

  it("puts an acronym's glossary entry among the first results", () => {
    const results = searcher.search('MRM').slice(0, 3);
    expect(results.map((r) => r.url)).toContain('/en/glossary/#mrm');
  });

  it('ranks a heading match above a body-only match', () => {
    const results = searcher.search('key messages');
    expect(results.length).toBeGreaterThan(0);
    const sixGrave = searcher.search('six grave violations');
    const section = sixGrave.findIndex((r) => r.url.endsWith('#the-six-grave-violations'));
    const bodyOnly = sixGrave.findIndex((r) => !/grave/i.test(`${r.title} ${r.heading}`));
    expect(section).toBeGreaterThanOrEqual(0);
    expect(section).toBeLessThan(2);
    if (bodyOnly >= 0) expect(section).toBeLessThan(bodyOnly);
  });

  it('links section results to the heading anchor and marks the words in the snippet', () => {
    const [first] = searcher.search('focal point').filter((r) => r.url.includes('/modules/'));
    expect(first?.url).toMatch(/^\/en\/modules\/[a-z-]+\/(#[a-z0-9-]+)?$/);
    expect(first?.snippet.some((part) => part.mark)).toBe(true);
  });

  it.each([
    ['a star', '*'],
    ['a tilde', '~'],
    ['a lone double quote', '"'],
    ['a lone quote', "'"],
    ['field syntax', 'title:'],
    ['field syntax with a word', 'body:focal'],
    ['a boost', '^2'],
    ['a minus', '-'],
    ['a plus', '+'],
    ['an emoji', '🙂'],
    ['emoji around a word', '🙂 focal 🚓'],
    ['10,000 characters', 'x'.repeat(10_000)],
    ['2,000 repeated words', 'refer '.repeat(2_000)],
    ['nothing', ''],
    ['only spaces', '   '],
  ])('odd input (%s) gives results or an empty list, never an error', (_label, input) => {
    const results = searcher.search(input);
    expect(Array.isArray(results)).toBe(true);
  });

  it('forgives a typing error when nothing matches exactly', () => {
    const results = searcher.search('monitering');
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]?.snippet.some((part) => /^monitor/i.test(part.text) && part.mark)).toBe(true);
  });

  it('still finds "focal" when the query also holds field syntax', () => {
    expect(searcher.search('body:focal').length).toBeGreaterThan(0);
  });
});

describe('query helpers', () => {
  it('drops query syntax and caps the number of words', () => {
    expect(queryTerms('title:focal~1 point^2 "refer"')).toEqual([
      'title',
      'focal',
      '1',
      'point',
      '2',
      'refer',
    ]);
    expect(queryTerms('a b c d e f g h i j k')).toHaveLength(8);
    expect(queryTerms('y'.repeat(10_000))[0]?.length).toBe(200);
  });

  it('builds a snippet around the first match with the match marked', () => {
    const body = `${'filler '.repeat(60)}inform the focal point at once ${'more '.repeat(60)}`;
    const parts = snippet(body, ['focal']);
    expect(parts.filter((p) => p.mark).map((p) => p.text)).toEqual(['focal']);
    expect(parts[0]?.text).toBe('… ');
  });

  it('turns MDX into plain words, keeping component text and case titles', () => {
    expect(
      plainText('## Title\n\nSee <Term id="cpa">CPA</Term> and [the report](https://x).'),
    ).toBe('Title See CPA and the report.');
    expect(plainText('<Case title="At the checkpoint">\nA boy.\n</Case>')).toBe(
      'At the checkpoint. A boy.',
    );
  });
});

describe('English stemming', () => {
  it('matches every form of "refer": referral, referrals, referring, referred', () => {
    const doc = (id: string, body: string): SearchDoc => ({
      id,
      kind: 'section',
      title: 'T',
      heading: 'H',
      body,
      url: id,
    });
    const bundle = buildSearchBundle('en', [
      doc('/a/', 'Refer the child to the child protection adviser.'),
      doc('/b/', 'Fill in the referral form.'),
      doc('/c/', 'The officer referred the case on the same day.'),
      doc('/d/', 'Nothing about that here.'),
    ]);
    const searcher = createSearcher(JSON.parse(JSON.stringify(bundle)) as SearchBundle);
    for (const query of ['referral', 'refer', 'referring', 'referrals', 'referred']) {
      expect(
        searcher
          .search(query)
          .map((r) => r.url)
          .sort(),
        query,
      ).toEqual(['/a/', '/b/', '/c/']);
    }
  });
});

describe('French index', () => {
  it('stems French words: "enfants" finds a section about "enfant"', () => {
    const bundle = buildSearchBundle('fr', [
      {
        id: '/fr/a/',
        kind: 'section',
        title: 'Protection',
        heading: 'Le conseiller',
        body: "Le conseiller pour la protection de l'enfant coordonne.",
        url: '/fr/a/',
      },
      {
        id: '/fr/b/',
        kind: 'section',
        title: 'Patrouille',
        heading: 'La patrouille',
        body: 'La patrouille signale les violations graves.',
        url: '/fr/b/',
      },
    ]);
    const searcher = createSearcher(
      JSON.parse(JSON.stringify(bundle)) as SearchBundle,
      () => undefined,
    );
    expect(searcher.search('enfants').map((r) => r.url)).toEqual(['/fr/a/']);
    expect(searcher.search('violation').map((r) => r.url)).toEqual(['/fr/b/']);
    expect(searcher.search('les')).toEqual([]);
  });
});

describe('the index builder', () => {
  /** The same builder with Lunr's own tokenizer and pipeline, none of the build's shortcuts. */
  function lunrOwnIndex(lang: 'en' | 'fr', docs: SearchDoc[]): lunr.Index {
    const builder = new lunr.Builder();
    builder.pipeline.add(lunr.trimmer, lunr.stopWordFilter, lunr.stemmer);
    builder.searchPipeline.add(lunr.stemmer);
    if (lang === 'fr') builder.use((lunr as unknown as { fr: lunr.Builder.Plugin }).fr);
    else {
      builder.pipeline.after(lunr.stemmer, undoubleEnglish);
      builder.searchPipeline.after(lunr.stemmer, undoubleEnglish);
    }
    builder.ref('id');
    builder.field('title', { boost: FIELD_BOOSTS.title });
    builder.field('heading', { boost: FIELD_BOOSTS.heading });
    builder.field('body', { boost: FIELD_BOOSTS.body });
    docs.forEach((doc, i) => {
      builder.add({ ...doc, id: String(i) });
    });
    return builder.build();
  }

  const doc = (id: string, heading: string, body: string): SearchDoc => ({
    id,
    kind: 'section',
    title: 'Module',
    heading,
    body,
    url: `/m/#${id}`,
  });

  it('makes the index Lunr itself makes, word for word (English)', () => {
    const docs = [
      ...englishDocs(),
      doc(
        'x',
        'Self-referral: the  children’s case',
        "Referring, referred and the child's—report\ttwice",
      ),
      doc('y', '', '  --- leading and trailing separators -- '),
    ];
    expect(JSON.parse(JSON.stringify(buildSearchBundle('en', docs).index))).toEqual(
      JSON.parse(JSON.stringify(lunrOwnIndex('en', docs))),
    );
  });

  it('makes the index Lunr itself makes, word for word (French)', () => {
    const docs = [
      doc('a', "L'enfant et d’enfants", 'Les enfants associés aux forces armées, auto-évaluation'),
      doc('b', 'Signalement', "Qu'est-ce qu'un signalement ? Le signalement l’emporte."),
    ];
    expect(JSON.parse(JSON.stringify(buildSearchBundle('fr', docs).index))).toEqual(
      JSON.parse(JSON.stringify(lunrOwnIndex('fr', docs))),
    );
  });

  it("writes the learner's and the trainer's bundles as Lunr's own indexes, byte for byte", () => {
    const english = englishDocs();
    const first = [
      ...english,
      doc('x', 'Self-referral: 2024 and 12', "Referring, the child's report: 1, 2, 3 and 10"),
    ];
    // The trainer's copy of the same sections, at other links, then the trainer notes.
    const second = first.map((entry) => ({ ...entry, url: `/trainer${entry.url}` }));
    const more = [
      doc('n1', '', 'Trainer notes: referral pathways, the focal point and 2024 figures'),
      doc('n2', 'Notes', 'A brand-new word: zygomorphic; and referral again'),
    ];
    for (const lang of ['en', 'fr'] as const) {
      const [learner, trainer] = buildNestedSearchJson(lang, first, second, more);
      expect(learner).toBe(JSON.stringify({ lang, index: lunrOwnIndex(lang, first), docs: first }));
      expect(trainer).toBe(
        JSON.stringify({
          lang,
          index: lunrOwnIndex(lang, [...first, ...more]),
          docs: [...second, ...more],
        }),
      );
    }
  });
});
