import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// A live question on phones carries only a module's knowledge-check questions (choice and
// true/false, from classroom mode on the trainer dashboard); a discussion question is open and
// cannot be sent to phones. So wherever a kit or the trainer notes speak of live questions, the
// same paragraph says they are the knowledge check's: a trainer told to put a discussion question
// live would look for a way that does not exist.
const CONTENT = path.resolve('content');
const LIVE = { en: /live question/i, fr: /questions? en direct/i } as const;
const CHECK = { en: /knowledge check/i, fr: /contrôle des connaissances/i } as const;

/** Every string in a parsed YAML value, with where it is. */
function strings(value: unknown, at: string): [string, string][] {
  if (typeof value === 'string') return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${at}[${String(i)}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${at}.${k}`));
  }
  return [];
}

/** Each paragraph of the kits and trainer notes of a language, with where it is. */
function paragraphs(lang: 'en' | 'fr'): [string, string][] {
  const found: [string, string][] = [];
  const kits = path.join(CONTENT, 'trainer-kits', lang);
  for (const name of readdirSync(kits).filter((n) => n.endsWith('.yaml'))) {
    found.push(...strings(parse(readFileSync(path.join(kits, name), 'utf8')), `${lang}/${name}`));
  }
  const notes = path.join(CONTENT, 'trainer-notes', lang);
  for (const name of readdirSync(notes).filter((n) => n.endsWith('.mdx'))) {
    readFileSync(path.join(notes, name), 'utf8')
      .split(/\n\s*\n/)
      .forEach((p, i) => found.push([`${lang}/${name} paragraph ${String(i + 1)}`, p]));
  }
  return found;
}

describe('live questions in the session kits and trainer notes', () => {
  for (const lang of ['en', 'fr'] as const) {
    it(`are named as the knowledge check's wherever they are mentioned (${lang})`, () => {
      const mentions = paragraphs(lang).filter(([, text]) => LIVE[lang].test(text));
      const unclear = mentions
        .filter(([, text]) => !CHECK[lang].test(text.replace(/\s+/g, ' ')))
        .map(([where, text]) => `${where}: ${text.replace(/\s+/g, ' ').trim()}`);
      expect(unclear).toEqual([]);
    });
  }
});
