import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = resolve(import.meta.dirname, '../../..');

/**
 * Builds a copy of the site whose content/ holds only the given files, and returns what the build
 * printed and whether it failed. The copy shares src/ and node_modules/ with the repository.
 */
async function buildWith(root: string, files: Record<string, string>) {
  rmSync(join(root, 'content'), { recursive: true, force: true });
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, 'content', path);
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

const goodModule = `---
id: sample
title: Sample module
summary: A module used to check what the build says about content.
audience: all
minutes: 5
outcomes:
  - id: do-something
    text: Do something useful with the sample.
version: 1.0.0
lang: en
sources:
  - title: Report of the Secretary-General
    symbol: A/68/257
order: 1
keyMessages:
  - Samples are for tests.
---

## A section

Text.
`;

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

  it('builds a valid module', async () => {
    const result = await buildWith(root, { 'modules/en/sample.mdx': goodModule });
    expect(result.output).not.toContain('[ERROR]');
    expect(result.failed).toBe(false);
  });

  it('fails on a module with no title, naming the file and the field', async () => {
    const result = await buildWith(root, {
      'modules/en/sample.mdx': goodModule.replace('title: Sample module\n', ''),
    });
    expect(result.failed).toBe(true);
    expect(result.output).toContain('sample.mdx');
    expect(result.output).toMatch(/\btitle\b/);
  });

  it('fails on a prerequisite that names no module, naming the file', async () => {
    const result = await buildWith(root, {
      'modules/en/sample.mdx': goodModule.replace(
        'version: 1.0.0',
        'prerequisites: [missing-module]\nversion: 1.0.0',
      ),
    });
    expect(result.failed).toBe(true);
    expect(result.output).toContain(
      'content/modules/en/sample.mdx: prerequisites: unknown module "missing-module"',
    );
  });
});
