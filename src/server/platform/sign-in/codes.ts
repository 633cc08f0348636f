// Sign-in codes carry a learner to another device: short, single use, valid 15 minutes, kept
// only as a SHA-256 in the sign_in_codes table (migration 8).
import { createHash, randomBytes } from 'node:crypto';
import type { SqlDatabase } from '../../db/sql-database.ts';
import type { CredentialRecord } from '../../lrs/store/types.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';
import { insertCredential } from '../../lrs/store/record-sql.ts';

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

/** Who a code signs in. */
export interface CodeSubject {
  actor: JsonObject;
  agentIfi: string;
  registration: string;
  /** "learner:<credential key>" or "staff:<user id>", for the record. */
  createdBy: string;
}

/**
 * Issues a code for a learner. The learner's earlier unused codes stop working (only the latest
 * one counts), and codes expired for more than a day are deleted.
 */
export async function issueCode(
  db: SqlDatabase,
  subject: CodeSubject,
  now = new Date(),
): Promise<{ code: string; expiresAt: string }> {
  const code = newCode();
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS).toISOString();
  await db.transaction(async (tx) => {
    await tx.query(
      `DELETE FROM sign_in_codes
       WHERE (agent_ifi = $1 AND used_at IS NULL) OR expires_at < $2::timestamptz - interval '1 day'`,
      [subject.agentIfi, now.toISOString()],
    );
    await tx.query(
      `INSERT INTO sign_in_codes
         (code_hash, actor, agent_ifi, registration, created_by, created_at, expires_at)
       VALUES ($1, $2::jsonb, $3, $4::uuid, $5, $6::timestamptz, $7::timestamptz)`,
      [
        hashCode(code),
        JSON.stringify(subject.actor),
        subject.agentIfi,
        subject.registration,
        subject.createdBy,
        now.toISOString(),
        expiresAt,
      ],
    );
  });
  return { code, expiresAt };
}

/** Why a code could not be used. */
export type RedeemFailure = 'unknown' | 'expired' | 'used';

/** What a used code gives: the learner it signs in. */
export interface Redeemed {
  actor: JsonObject;
  agentIfi: string;
  registration: string;
  /** The key of the new credential. */
  credentialKey: string;
}

/**
 * Uses a code: marks it used and stores the new credential, in one transaction, so a code is
 * spent only if its credential exists and two devices racing with one code cannot both win.
 * `credentialFor` makes the credential for the code's learner (called before any write).
 */
export async function redeemCode(
  db: SqlDatabase,
  code: string,
  credentialFor: (actor: JsonObject) => Promise<CredentialRecord>,
  now = new Date(),
): Promise<Redeemed | RedeemFailure> {
  const hash = hashCode(code);
  const rows = await db.query<{ actor: JsonObject; expires_at: Date | string; used_at: unknown }>(
    'SELECT actor, expires_at, used_at FROM sign_in_codes WHERE code_hash = $1',
    [hash],
  );
  const row = rows[0];
  if (row === undefined) return 'unknown';
  if (row.used_at !== null) return 'used';
  if (new Date(row.expires_at).getTime() <= now.getTime()) return 'expired';
  const credential = await credentialFor(row.actor);
  return db.transaction(async (tx) => {
    const claimed = await tx.query<{ actor: JsonObject; agent_ifi: string; registration: string }>(
      `UPDATE sign_in_codes SET used_at = $2::timestamptz, credential_key = $3
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2::timestamptz
       RETURNING actor, agent_ifi, registration::text AS registration`,
      [hash, now.toISOString(), credential.key],
    );
    const won = claimed[0];
    // Another device used it (or it expired) between the check and now.
    if (won === undefined) return 'used';
    await insertCredential(tx, credential);
    return {
      actor: won.actor,
      agentIfi: won.agent_ifi,
      registration: won.registration,
      credentialKey: credential.key,
    };
  });
}
