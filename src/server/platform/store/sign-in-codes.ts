import type { SqlDatabase } from '../../db/sql-database.ts';

/** A stored sign-in code (by its hash). */
export interface StoredSignInCode {
  learnerId: string;
  expiresAt: string;
  usedAt: string | null;
}

/** Sign-in codes, kept only as hashes. */
export class SignInCodes {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /**
   * Stores a new code of a learner. Their earlier unused codes stop working (only the latest one
   * counts), and codes expired for more than a day are deleted.
   */
  async issue(code: {
    hash: string;
    learnerId: string;
    createdBy: string;
    createdAt: string;
    expiresAt: string;
  }): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM sign_in_codes
         WHERE (learner_id = $1 AND used_at IS NULL)
            OR expires_at < $2::timestamptz - interval '1 day'`,
        [code.learnerId, code.createdAt],
      );
      await tx.query(
        `INSERT INTO sign_in_codes (code_hash, learner_id, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz)`,
        [code.hash, code.learnerId, code.createdBy, code.createdAt, code.expiresAt],
      );
    });
  }

  /** A code by its hash, or null. */
  async find(hash: string): Promise<StoredSignInCode | null> {
    const rows = await this.#db.query<{
      learner_id: string;
      expires_at: Date | string;
      used_at: Date | string | null;
    }>('SELECT learner_id, expires_at, used_at FROM sign_in_codes WHERE code_hash = $1', [hash]);
    const row = rows[0];
    if (row === undefined) return null;
    return {
      learnerId: row.learner_id,
      expiresAt: new Date(row.expires_at).toISOString(),
      usedAt: row.used_at === null ? null : new Date(row.used_at).toISOString(),
    };
  }

  /**
   * Marks a code used for a credential, if it is still unused and unexpired at `now`: the
   * learner's id when this call won it, null when another did (or it expired) first.
   */
  async claim(hash: string, now: string, credentialKey: string): Promise<string | null> {
    const rows = await this.#db.query<{ learner_id: string }>(
      `UPDATE sign_in_codes SET used_at = $2::timestamptz, credential_key = $3
       WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2::timestamptz
       RETURNING learner_id`,
      [hash, now, credentialKey],
    );
    return rows[0]?.learner_id ?? null;
  }

  /** Gives a claimed code back, when its credential could not be stored. */
  async release(hash: string, credentialKey: string): Promise<void> {
    await this.#db.query(
      `UPDATE sign_in_codes SET used_at = NULL, credential_key = NULL
       WHERE code_hash = $1 AND credential_key = $2`,
      [hash, credentialKey],
    );
  }
}
