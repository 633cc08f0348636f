import { randomBytes } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so a code read aloud or typed from paper is unambiguous.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** Characters in a verification code: 16 base32 characters carry 80 random bits. */
export const CODE_LENGTH = 16;

/** A new verification code of 80 random bits, ungrouped (as stored). */
export function newCertificateCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let code = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      code += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  return code;
}

/** A code in groups of four for reading aloud: ABCD-EFGH-JKMN-PQRS. */
export function groupCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/**
 * The stored form of a code as typed: case, spaces and hyphens ignored, O read as 0 and I or L as
 * 1 (as Crockford's base32 says); null when it cannot be a code at all.
 */
export function normaliseCode(input: string): string | null {
  if (input.length > 64) return null;
  const code = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return code.length === CODE_LENGTH && /^[0-9A-HJKMNP-TV-Z]+$/.test(code) ? code : null;
}

/** A cohort code: "C" and eight base32 characters in two groups, e.g. C4KQ-7MZP. */
export function newCohortCode(): string {
  const code = newCertificateCode().slice(0, 8);
  return `C${code.slice(0, 4)}-${code.slice(4)}`;
}
