// Sign-in codes carry a learner to another device: short, single use, valid 15 minutes, kept
// only as a SHA-256 in the platform's sign_in_codes table.
import { createHash, randomBytes } from 'node:crypto';
import type { CredentialRecord } from '../../lrs/store/types.ts';
import type { SignInCodes } from '../store/sign-in-codes.ts';

/** Letters and digits that cannot be mistaken for each other: no I, L, O, 0 or 1. */
export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Characters in a code: 31^10 ≈ 8 × 10^14 possibilities. */
export const CODE_LENGTH = 10;

/** How long a code can be used. */
export const CODE_TTL_MS = 15 * 60 * 1000;

/** A new random code, uniform over the alphabet (rejection sampling, no modulo bias). */
export function newCode(): string {
  const limit = 256 - (256 % CODE_ALPHABET.length);
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH * 2)) {
      if (byte >= limit || code.length === CODE_LENGTH) continue;
      code += CODE_ALPHABET.charAt(byte % CODE_ALPHABET.length);
    }
  }
  return code;
}

/** A code as shown: two groups of five ("ABCDE-FGHJK"). */
export function formatCode(code: string): string {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/**
 * A code as typed, normalised: case, spaces and hyphens do not matter. Null when it cannot be a
 * code (wrong length, or a character outside the alphabet).
 */
export function normaliseCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]+/g, '');
  if (code.length !== CODE_LENGTH) return null;
  for (const char of code) if (!CODE_ALPHABET.includes(char)) return null;
  return code;
}

const hashCode = (code: string): string => createHash('sha256').update(code).digest('hex');

/**
 * Issues a code for a learner. The learner's earlier unused codes stop working (only the latest
 * one counts), and codes expired for more than a day are deleted.
 */
export async function issueCode(
  codes: SignInCodes,
  learnerId: string,
  /** "learner:<credential key>" or "staff:<user id>", for the record. */
  createdBy: string,
  now = new Date(),
): Promise<{ code: string; expiresAt: string }> {
  const code = newCode();
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS).toISOString();
  await codes.issue({
    hash: hashCode(code),
    learnerId,
    createdBy,
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { code, expiresAt };
}

/** Why a code could not be used. */
export type RedeemFailure = 'unknown' | 'expired' | 'used';

/**
 * Uses a code: claims it for a new credential of its learner, then stores the credential
 * (giving the code back if that fails), so two devices racing with one code cannot both win and
 * a code is spent only on a credential that exists (a crash in between spends it without one:
 * the learner asks for another). `credentialFor` makes the credential (before any write);
 * `storeCredential` stores it in the LRS.
 */
export async function redeemCode(
  codes: SignInCodes,
  code: string,
  credentialFor: (learnerId: string) => Promise<CredentialRecord>,
  storeCredential: (record: CredentialRecord) => Promise<void>,
  now = new Date(),
): Promise<{ learnerId: string; credentialKey: string } | RedeemFailure> {
  const hash = hashCode(code);
  const found = await codes.find(hash);
  if (found === null) return 'unknown';
  if (found.usedAt !== null) return 'used';
  if (new Date(found.expiresAt).getTime() <= now.getTime()) return 'expired';
  const credential = await credentialFor(found.learnerId);
  const learnerId = await codes.claim(hash, now.toISOString(), credential.key);
  // Another device used it (or it expired) between the check and now.
  if (learnerId === null) return 'used';
  try {
    await storeCredential(credential);
  } catch (error) {
    await codes.release(hash, credential.key);
    throw error;
  }
  return { learnerId, credentialKey: credential.key };
}
