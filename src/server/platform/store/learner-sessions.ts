import type { SqlDatabase } from '../../db/sql-database.ts';

/** A live learner session: whose, and the LRS credential it acts as. */
export interface StoredLearnerSession {
  learnerId: string;
  credentialKey: string;
  expiresAt: string;
}

/**
 * Learners' browser sessions, found by a hash of the cookie token. Every check reads the row, so a
 * session ended on one service process is refused by every other process on the database at once.
 */
export class LearnerSessions {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /** Stores a new session, and deletes sessions that expired more than a day ago. */
  async open(session: StoredLearnerSession & { tokenHash: string }): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await tx.query(`DELETE FROM learner_sessions WHERE expires_at < now() - interval '1 day'`);
      await tx.query(
        `INSERT INTO learner_sessions (token_hash, learner_id, credential_key, expires_at)
         VALUES ($1, $2, $3, $4::timestamptz)`,
        [session.tokenHash, session.learnerId, session.credentialKey, session.expiresAt],
      );
    });
  }

  /** The session of a token hash while it lasts, else null (unknown, ended or expired). */
  async find(tokenHash: string): Promise<StoredLearnerSession | null> {
    const rows = await this.#db.query<{
      learner_id: string;
      credential_key: string;
      expires_at: Date | string;
    }>(
      `SELECT learner_id, credential_key, expires_at FROM learner_sessions
       WHERE token_hash = $1 AND expires_at > now()`,
      [tokenHash],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return {
      learnerId: row.learner_id,
      credentialKey: row.credential_key,
      expiresAt: new Date(row.expires_at).toISOString(),
    };
  }

  /** Ends a session; the credential it acted as, or null when there was none. */
  async close(tokenHash: string): Promise<string | null> {
    const rows = await this.#db.query<{ credential_key: string }>(
      'DELETE FROM learner_sessions WHERE token_hash = $1 RETURNING credential_key',
      [tokenHash],
    );
    return rows[0]?.credential_key ?? null;
  }
}
