import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  checkBank,
  checkSameKey,
  loadBanks,
  parseBank,
  readModuleOutcomes,
  type Bank,
} from '../../../src/server/platform/certification/banks.ts';
import { loadCatalog } from '../../../src/server/platform/certification/rules.ts';

/** The fixture content root: three modules' banks in English and French. */
const FIXTURE_ROOT = path.resolve('tests/fixtures/certification');

const file = (lang: string, module = 'fx-alpha') =>
  path.join(FIXTURE_ROOT, 'assessments', lang, `${module}.yaml`);

async function bank(lang = 'en', module = 'fx-alpha'): Promise<Bank> {
  return parseBank(file(lang, module), await readFile(file(lang, module), 'utf8'));
}

const outcomes = async (module = 'fx-alpha') =>
  (await readModuleOutcomes(FIXTURE_ROOT, 'en', module)).outcomes;

interface Mutable {
  items: Record<string, unknown>[];
}

describe('item bank loader', () => {
  let moduleOutcomes: Awaited<ReturnType<typeof outcomes>> = [];
  beforeAll(async () => {
    moduleOutcomes = await outcomes();
  });

  it('accepts the fixture banks and draws every track from them', async () => {
    const catalog = await loadCatalog(FIXTURE_ROOT);
    const police = catalog.get('police-pre-deployment');
    expect(police?.languages).toEqual(['en', 'fr']);
    expect(police?.modules.map((m) => m.banks.en?.items.length)).toEqual([9, 6, 6]);
  });

  it('rule 1: refuses a bank with fewer than three items for an outcome, naming it', async () => {
    const b = await bank();
    const cut = { ...b, items: b.items.filter((i) => i.id !== 'fx-alpha-report-at-once-2') };
    expect(() => {
      checkBank('x.yaml', cut, moduleOutcomes);
    }).toThrow(/x\.yaml: outcome report-at-once has 2 item\(s\)/);
  });

  it('rule 1: refuses an item that assesses no outcome of the module, naming the item', async () => {
    const b = await bank();
    const moved = structuredClone(b);
    const first = moved.items[0];
    if (first) first.outcomes = ['not-an-outcome'];
    expect(() => {
      checkBank('x.yaml', moved, moduleOutcomes);
    }).toThrow(/x\.yaml: item fx-alpha-spot-a-violation-1: outcomes must be exactly one/);
  });

  it('rule 2: refuses a bank where fewer than half the items are scenarios', async () => {
    const b = await bank();
    const few = structuredClone(b);
    // Turn two scenarios into single-choice questions: 4 of 9 are scenarios.
    let turned = 0;
    few.items = few.items.map((item) => {
      if (item.type !== 'scenario' || turned >= 2) return item;
      turned += 1;
      return {
        id: item.id,
        outcomes: item.outcomes,
        prompt: item.prompt,
        explanation: item.explanation,
        weight: item.weight,
        options: item.options,
        type: 'single-choice' as const,
      };
    });
    expect(() => {
      checkBank('x.yaml', few, moduleOutcomes);
    }).toThrow(/4 of 9 items are scenarios; at least half must be/);
  });

  it('rule 3: refuses an option far longer than the others, naming item and option', async () => {
    const b = structuredClone(await bank());
    const item = b.items[0];
    if (item?.type !== 'scenario') throw new Error('fixture changed');
    const option = item.options[1];
    if (option) option.text = `${option.text} and much more text that makes it stand out`;
    expect(() => {
      checkBank('x.yaml', b, moduleOutcomes);
    }).toThrow(/item fx-alpha-spot-a-violation-1: option b is \d+ characters against a mean/);
  });

  it('rule 3: refuses a bank whose longest option is too often the right one', async () => {
    const b = structuredClone(await bank());
    // Lengthen each right option by a few characters: within 25% of the mean, but the longest.
    for (const item of b.items) {
      for (const part of item.type === 'scenario' && item.followUp
        ? [item, item.followUp]
        : [item]) {
        if (part.type !== 'scenario' && part.type !== 'single-choice') continue;
        for (const o of part.options) if (o.correct) o.text = `${o.text}!!`;
      }
    }
    expect(() => {
      checkBank('x.yaml', b, moduleOutcomes);
    }).toThrow(/choosing the longest option scores \d+ of \d+ single-answer items; at most 35%/);
  });

  it('rule 6: refuses a translation whose key differs, naming the item', async () => {
    const en = await bank('en');
    const fr = structuredClone(await bank('fr'));
    const item = fr.items[3];
    if (item?.type !== 'scenario') throw new Error('fixture changed');
    // Move the key to another option.
    const right = item.options.findIndex((o) => o.correct);
    item.options.forEach((o, i) => {
      o.correct = i === (right + 1) % item.options.length;
    });
    expect(() => {
      checkSameKey('fr.yaml', en, fr);
    }).toThrow(
      /fr\.yaml: item fx-alpha-report-at-once-1: outcomes, type, ids or correct answers differ/,
    );
  });

  it('rule 6: refuses a translation with an item missing or moved', async () => {
    const en = await bank('en');
    const fr = structuredClone(await bank('fr'));
    const missing = { ...fr, items: fr.items.slice(1) };
    expect(() => {
      checkSameKey('fr.yaml', en, missing);
    }).toThrow(/item fx-alpha-spot-a-violation-1: missing from this language/);
    const swapped = {
      ...fr,
      items: [fr.items[1], fr.items[0], ...fr.items.slice(2)] as Bank['items'],
    };
    expect(() => {
      checkSameKey('fr.yaml', en, swapped);
    }).toThrow(/not in the same place as in the English bank/);
  });

  describe('on files', () => {
    let dir = '';
    afterEach(async () => {
      if (dir !== '') await rm(dir, { recursive: true, force: true });
    });

    const copy = async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'banks-'));
      await cp(FIXTURE_ROOT, dir, { recursive: true });
      return dir;
    };
    const edit = async (lang: string, module: string, fn: (b: Mutable) => void) => {
      const target = path.join(dir, 'assessments', lang, `${module}.yaml`);
      const data = parse(await readFile(target, 'utf8')) as Mutable;
      fn(data);
      await writeFile(target, stringify(data));
    };

    it('refuses to load a schema error, naming the file and item', async () => {
      await copy();
      await edit('en', 'fx-beta', (b) => {
        const item = b.items[1];
        if (item) delete item.prompt;
      });
      await expect(loadBanks(dir, ['fx-beta'])).rejects.toThrow(
        /assessments\/en\/fx-beta\.yaml: item fx-beta-know-the-adviser-2: items\.1\.prompt/,
      );
    });

    it('refuses an item id used in two banks', async () => {
      await copy();
      for (const lang of ['en', 'fr']) {
        await edit(lang, 'fx-beta', (b) => {
          const item = b.items[0];
          if (item) item.id = 'fx-alpha-spot-a-violation-1';
        });
      }
      await expect(loadBanks(dir, ['fx-alpha', 'fx-beta'])).rejects.toThrow(
        /fx-beta\.yaml: item fx-alpha-spot-a-violation-1: id already used in .*fx-alpha\.yaml/,
      );
    });

    it('refuses a module without an English bank and a French bank with another key', async () => {
      await copy();
      await rm(path.join(dir, 'assessments/en/fx-gamma.yaml'));
      await expect(loadBanks(dir, ['fx-gamma'])).rejects.toThrow(
        /no item bank for module fx-gamma/,
      );
      await edit('fr', 'fx-beta', (b) => {
        const item = b.items[0] as { options: { id: string }[] };
        const first = item.options[0];
        if (first) first.id = 'z';
      });
      await expect(loadBanks(dir, ['fx-beta'])).rejects.toThrow(
        /fr\/fx-beta\.yaml: item fx-beta-know-the-adviser-1: outcomes, type, ids/,
      );
    });
  });
});
