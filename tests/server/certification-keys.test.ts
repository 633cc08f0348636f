import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog, PROJECT_ROOT } from '../../src/server/platform/certification/rules.ts';
import type { FollowUp, Question } from '../../src/schemas/quiz.ts';

// Strings of the banks the site never needs: each item's id and scenario, and its right options
// where they are long enough to be the bank's own words. A prompt ("What do you do?",
// "Which of these children are associated with an armed force or armed group?") or an
// explanation may say what the course says; a distinctive right answer on a page would give the
// item away. Option ids are one letter in the banks, too short to search for; the service
// replaces them with random ones per attempt anyway.
const OWN_WORDS = 60;

function secrets(q: Question | FollowUp): string[] {
  const out = [q.id];
  if ('options' in q) {
    for (const o of q.options) if (o.correct && o.text.length >= OWN_WORDS) out.push(o.text);
  }
  if (q.type === 'scenario') {
    out.push(q.scenario);
    if (q.followUp !== undefined) out.push(...secrets(q.followUp));
  }
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
      for (const module of track.modules) {
        for (const bank of Object.values(module.banks)) {
          for (const q of bank.items) for (const s of secrets(q)) needles.add(s);
        }
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
