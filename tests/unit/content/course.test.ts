import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runContentChecks } from '../../../src/content/checks/index.ts';
import { readSeedIndex, SEED_HASHES_FILE } from '../../../src/content/checks/seed-overlap.ts';
import { fixtureCourse, SEED_SENTENCE } from './fixture-course.ts';

// runContentChecks, the function the build runs, on the real course and on a fixture course
// broken one way at a time: each kind of broken content fails with its file and field named.

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const seedIndex = readSeedIndex(path.join(repoRoot, SEED_HASHES_FILE));
const roots: string[] = [];

/** Writes the fixture course, changed by `edit`, into a fresh folder and checks it. */
function check(edit: (files: Record<string, string>) => void = () => undefined): string[] {
  const root = mkdtempSync(path.join(tmpdir(), 'cp-checks-'));
  roots.push(root);
  const files = fixtureCourse();
  edit(files);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return runContentChecks(root, { seedIndex }).problems;
}

/** Replaces text in one fixture file, failing the test if the text is not there. */
function replace(files: Record<string, string>, file: string, from: string, to: string): void {
  const text = files[file];
  if (text?.includes(from) !== true) throw new Error(`${file} has no "${from}"`);
  files[file] = text.replace(from, to);
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('the real course', () => {
  it('passes every content check', () => {
    const report = runContentChecks(repoRoot);
    expect(report.files).toBeGreaterThan(50);
    expect(report.problems, report.problems.join('\n')).toEqual([]);
  });
});

describe('content checks on a fixture course', () => {
  const enModule = 'content/modules/en/coordination.mdx';
  const enQuiz = 'content/quizzes/en/coordination.yaml';

  it('accept the fixture as it is', () => {
    expect(check()).toEqual([]);
  });

  it('fail a quiz question whose outcome the module does not define', () => {
    expect(check((files) => { replace(files, enQuiz, 'outcomes: [actors]', 'outcomes: [ghost]'); })).toContain(
      'content/quizzes/en/coordination.yaml: question "q2" assesses outcome "ghost", which module "coordination" does not define',
    );
  });

  it('fail a learning outcome that no question assesses', () => {
    const problems = check((files) => {
      for (const lang of ['en', 'fr']) {
        const quiz = `content/quizzes/${lang}/coordination.yaml`;
        files[quiz] = (files[quiz] ?? '').replaceAll('outcomes: [mandate]', 'outcomes: [refer]');
      }
    });
    expect(problems).toContain(
      'content/modules/en/coordination.mdx: module "coordination": outcomes: learning outcome "mandate" ("Explain why peacekeepers do not question children themselves.") is assessed by no question in content/quizzes/en/coordination.yaml',
    );
  });

  it('fail a <Term> without a glossary entry', () => {
    expect(check((files) => { replace(files, enModule, '<Term id="cpa">', '<Term id="cpx">'); })).toEqual(
      [
        'content/modules/en/coordination.mdx: <Term id="cpx"> has no glossary entry content/glossary/en/cpx.yaml',
      ],
    );
  });

  it('fail a track naming a module that does not exist', () => {
    expect(
      check((files) => { replace(files, 'content/tracks/fr/police.yaml', '[coordination]', '[coordination, gone]'); },
      ),
    ).toEqual([
      'content/tracks/fr/police.yaml: modules: unknown module "gone"',
      'content/tracks/fr/police.yaml: modules is ["coordination","gone"], but content/tracks/en/police.yaml has ["coordination"]',
    ]);
  });

  it('fail a prerequisite that names no module', () => {
    expect(
      check((files) => { replace(files, enModule, 'version: 1.0.0', 'prerequisites: [missing]\nversion: 1.0.0'); }),
    ).toEqual([
      'content/modules/en/coordination.mdx: prerequisites: unknown module "missing"',
      'content/modules/fr/coordination.mdx: prerequisites is [], but content/modules/en/coordination.mdx has ["missing"]',
    ]);
  });

  it('fail a file without its translation', () => {
    expect(
      check((files) => {
        delete files['content/glossary/fr/cpa.yaml'];
        replace(files, 'content/modules/fr/coordination.mdx', '<Term id="cpa">', '<Term id="cpa" >');
      }),
    ).toEqual([
      'content/modules/fr/coordination.mdx: <Term id="cpa"> has no glossary entry content/glossary/fr/cpa.yaml',
      'content/glossary/en/cpa.yaml has no counterpart: expected content/glossary/fr/cpa.yaml',
    ]);
  });

  it('fail a run of twelve words copied from a seed, in any kind of file', () => {
    const problems = check((files) => {
      replace(files, enModule, 'is your first call in the mission.', `is your first call. ${SEED_SENTENCE}.`);
      replace(files, 'content/quizzes/fr/coordination.yaml', 'The right answer', SEED_SENTENCE);
      files['assessments/en/final.yaml'] = `id: final\nquestions:\n  - prompt: ${SEED_SENTENCE}\n`;
    });
    const run = 'understand coordination on child protection in un peacekeeping missions including the role of the un police';
    expect(problems).toHaveLength(3);
    for (const [index, file] of [
      'content/modules/en/coordination.mdx',
      'content/quizzes/fr/coordination.yaml',
      'assessments/en/final.yaml',
    ].entries()) {
      expect(problems[index]).toContain(`${file}: shares 1 run(s) of 12 or more words with a seed text`);
      expect(problems[index]).toContain(`"${run}"`);
    }
  });
});
