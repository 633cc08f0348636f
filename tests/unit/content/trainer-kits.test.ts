import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTrainerKits } from '../../../src/schemas/trainer-kit-checks.ts';

const fixture = path.resolve('tests/fixtures/trainer-kits/en/cp-in-peace-operations.yaml');

/** A content folder with the fixture kit in English and a French copy changed by `edit`. */
function contentWith(edit: (yaml: string) => string, module = 'cp-in-peace-operations'): string {
  const root = mkdtempSync(path.join(tmpdir(), 'cp-kits-'));
  for (const lang of ['en', 'fr']) {
    mkdirSync(path.join(root, 'trainer-kits', lang), { recursive: true });
    mkdirSync(path.join(root, 'modules', lang), { recursive: true });
    writeFileSync(path.join(root, 'modules', lang, `${module}.mdx`), '---\n---\n');
  }
  cpSync(fixture, path.join(root, 'trainer-kits/en', `${module}.yaml`));
  const french = edit(readFileSync(fixture, 'utf8').replace('lang: en', 'lang: fr'));
  writeFileSync(path.join(root, 'trainer-kits/fr', `${module}.yaml`), french);
  return root;
}

describe('the session kits across files', () => {
  it('are consistent in the course', () => {
    expect(checkTrainerKits(path.resolve('content'))).toEqual([]);
  });

  it('accept a translation with the same ids in the same order', () => {
    const root = contentWith((yaml) => yaml);
    expect(checkTrainerKits(root)).toEqual([]);
    rmSync(root, { recursive: true });
  });

  it('name a translation whose slides are in another order or have another id', () => {
    const root = contentWith((yaml) =>
      yaml.replace('- id: one\n', '- id: uno\n').replace('slides: [one, two, three]', 'slides: [uno, two, three]'),
    );
    const problems = checkTrainerKits(root);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^trainer-kits\/fr\/cp-in-peace-operations\.yaml: slides ids \[title, aims, uno/);
    rmSync(root, { recursive: true });
  });

  it('name a kit for a module that does not exist, or in the wrong folder', () => {
    const root = contentWith((yaml) => yaml.replace('lang: fr', 'lang: en'));
    rmSync(path.join(root, 'modules/en/cp-in-peace-operations.mdx'));
    expect(checkTrainerKits(root)).toEqual([
      'trainer-kits/en/cp-in-peace-operations.yaml: there is no module content/modules/en/cp-in-peace-operations.mdx',
      'trainer-kits/fr/cp-in-peace-operations.yaml: lang is "en", not "fr"',
    ]);
    rmSync(root, { recursive: true });
  });
});
