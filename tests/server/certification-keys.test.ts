import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, PROJECT_ROOT } from '../../src/server/platform/certification/rules.ts';
import type { Question } from '../../src/schemas/quiz.ts';

// Strings that give a graded answer away: the right options (text and id), every matching
// pair's ids, step ids, and each question's prompt and explanation (the site never needs them).
function secrets(q: Question): string[] {
  const out = [q.id, q.prompt, q.explanation];
  if ('options' in q) for (const o of q.options.filter((x) => x.correct)) out.push(o.id, o.text);
  if (q.type === 'matching') for (const i of q.items) out.push(i.id, i.target);
  if (q.type === 'ordering') for (const s of q.steps) out.push(s.id);
  return out;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

describe('graded assessment keys', () => {
  it('appear nowhere in the built site', async () => {
    const dist = path.join(PROJECT_ROOT, 'dist');
    if (!existsSync(path.join(dist, 'index.html'))) {
      execFileSync('npx', ['astro', 'build'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    }
    const needles = new Set<string>();
    for (const track of (await loadCatalog()).values()) {
      for (const assessment of Object.values(track.assessments)) {
        for (const q of assessment.questions) for (const s of secrets(q)) needles.add(s);
      }
    }
    expect(needles.size).toBeGreaterThan(50);
    const found: string[] = [];
    for (const file of files(dist)) {
      if (!/\.(html|js|mjs|json|css|txt|xml|svg|webmanifest)$/.test(file)) continue;
      const text = readFileSync(file, 'utf8');
      // HTML escapes apostrophes; search both spellings.
      for (const needle of needles) {
        if (text.includes(needle) || text.includes(needle.replace(/'/g, '&#39;')))
          found.push(`${needle} in ${path.relative(dist, file)}`);
      }
    }
    expect(found).toEqual([]);
  }, 300_000);
});
