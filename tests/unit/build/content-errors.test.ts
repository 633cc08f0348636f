import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureCourse, SEED_SENTENCE } from '../content/fixture-course.ts';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../..');

/**
 * Builds a copy of the site whose content holds only the given files (paths from the project root),
 * and returns what the build printed and whether it failed. The copy shares src/ and node_modules/ with the repository.
 */
async function buildWith(root: string, files: Record<string, string>) {
  rmSync(join(root, 'content'), { recursive: true, force: true });
  rmSync(join(root, 'assessments'), { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(resolve(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [join(repo, 'node_modules/astro/bin/astro.mjs'), 'build'],
      {
        cwd: root,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      },
    );
    return { failed: false, output: stdout + stderr };
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    return { failed: true, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

const enModule = 'content/modules/en/coordination.mdx';

/** The fixture course with one file changed. */
function courseWith(file: string, edit: (text: string) => string): Record<string, string> {
  const files = fixtureCourse();
  files[file] = edit(files[file] ?? '');
  return files;
}

describe('the build reports bad content by file and field', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'cp-build-'));
    for (const file of ['astro.config.mjs', 'tsconfig.json', 'package.json']) {
      cpSync(join(repo, file), join(root, file));
    }
    // Copies, not links: Vite resolves links to their real path and would leave the copy's root.
    for (const folder of ['src', 'integrations']) {
      cpSync(join(repo, folder), join(root, folder), { recursive: true });
    }
    cpSync(join(repo, 'public'), join(root, 'public'), { recursive: true });
    symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('builds a valid course', async () => {
    const result = await buildWith(root, fixtureCourse());
    expect(result.output).not.toContain('[ERROR]');
    expect(result.failed).toBe(false);
    expect(result.output).toMatch(/\[cp-content-checks\] checked 8 content files/);
  });

  it('fails on a module with no title, naming the file and the field', async () => {
    const result = await buildWith(
      root,
      courseWith(enModule, (text) => text.replace(/^title: .*\n/m, '')),
    );
    expect(result.failed).toBe(true);
    expect(result.output).toContain('coordination.mdx');
    expect(result.output).toMatch(/\btitle\b/);
  });

  it('fails before any page renders on a prerequisite that names no module', async () => {
    const result = await buildWith(
      root,
      courseWith(enModule, (text) =>
        text.replace('version: 1.0.0', 'prerequisites: [missing-module]\nversion: 1.0.0'),
      ),
    );
    expect(result.failed).toBe(true);
    expect(result.output).toContain(
      'content/modules/en/coordination.mdx: prerequisites: unknown module "missing-module"',
    );
    expect(result.output).not.toContain('generating static routes');
  });

  it('fails on a sentence copied from a seed, naming the file and the words', async () => {
    const result = await buildWith(
      root,
      courseWith(enModule, (text) => `${text}\n${SEED_SENTENCE}.\n`),
    );
    expect(result.failed).toBe(true);
    expect(result.output).toContain(
      'content/modules/en/coordination.mdx: shares 1 run(s) of 12 or more words with a seed text',
    );
    expect(result.output).toContain(
      '"understand coordination on child protection in un peacekeeping missions including the role of the un police"',
    );
  });
});
