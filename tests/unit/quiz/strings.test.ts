import { describe, expect, it } from 'vitest';
import en from '../../../src/i18n/en/quiz.json';
import fr from '../../../src/i18n/fr/quiz.json';
import { format } from '../../../src/i18n/format.ts';

const placeholders = (text: string) =>
  [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('quiz strings', () => {
  it('has the same keys in French as in English', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('keeps every placeholder in the French translation', () => {
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders(fr[key as keyof typeof fr]), key).toEqual(placeholders(text));
    }
  });

  it('has no empty string', () => {
    for (const text of [...Object.values(en), ...Object.values(fr)])
      expect(text.trim()).not.toBe('');
  });
});

describe('format', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format(en.score, { score: 85 })).toBe('You scored 85%');
    expect(format(fr.score, { score: 85 })).toBe('Votre score : 85 %');
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});
