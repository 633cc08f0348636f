import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  CODE_LENGTH,
  formatCode,
  newCode,
  normaliseCode,
} from '../../src/server/platform/sign-in/codes.ts';

describe('sign-in codes', () => {
  it('use only characters that cannot be mistaken for each other', () => {
    for (const ambiguous of ['I', 'L', 'O', '0', '1'])
      expect(CODE_ALPHABET).not.toContain(ambiguous);
    expect(new Set(CODE_ALPHABET).size).toBe(CODE_ALPHABET.length);
  });

  it('are 10 characters, drawn from the whole alphabet, and differ each time', () => {
    const codes = Array.from({ length: 2000 }, () => newCode());
    for (const code of codes) {
      expect(code).toHaveLength(CODE_LENGTH);
      for (const char of code) expect(CODE_ALPHABET).toContain(char);
    }
    expect(new Set(codes).size).toBe(codes.length);
    // 20,000 characters: every one of the 31 appears, each near 1/31 of the time.
    const counts = new Map<string, number>();
    for (const char of codes.join('')) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(CODE_ALPHABET.length);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(450);
      expect(n).toBeLessThan(850);
    }
  });

  it('are shown in two groups and read back however they were typed', () => {
    expect(formatCode('ABCDE23456')).toBe('ABCDE-23456');
    expect(normaliseCode('abcde-23456')).toBe('ABCDE23456');
    expect(normaliseCode(' ABCDE 23456 ')).toBe('ABCDE23456');
    expect(normaliseCode('ab cde-234 56')).toBe('ABCDE23456');
    expect(normaliseCode('ABCDE-2345')).toBeNull();
    expect(normaliseCode('ABCDE-234567')).toBeNull();
    expect(normaliseCode('ABCDE-2345O')).toBeNull();
    expect(normaliseCode('ABCDE_23456')).toBeNull();
  });
});
