import type { SqlDatabase } from '../../db/sql-database.ts';

/** A staff role: DPO reporting, or trainer. */
export type StaffRole = 'dpo' | 'trainer';

/** A staff account, without its password hash. */
export interface StaffUser {
  id: string;
  name: string;
  role: StaffRole;
}

/** A live session: who, and the CSRF token its changes must carry. */
export interface StaffSession {
  user: StaffUser;
  csrfToken: string;
  expiresAt: string;
}

/** Staff accounts and their sessions (sessions are found by a hash of the cookie token). */
export class Staff {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /** Creates an account; false if the name is taken. */
  async createUser(user: StaffUser, passwordHash: string): Promise<boolean> {
    const rows = await this.#db.query<{ id: string }>(
      `INSERT INTO staff_users (id, name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO NOTHING RETURNING id`,
      [user.id, user.name, user.role, passwordHash],
    );
    return rows.length === 1;
  }

  /** Every account (never its hash), by name. */
  async listUsers(): Promise<(StaffUser & { disabled: boolean })[]> {
    return this.#db.query<StaffUser & { disabled: boolean }>(
      'SELECT id, name, role, disabled_at IS NOT NULL AS disabled FROM staff_users ORDER BY name',
    );
  }

  /** Disables an account and ends its sessions; false if no such active account. */
  async disableUser(name: string): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `UPDATE staff_users SET disabled_at = now() WHERE name = $1 AND disabled_at IS NULL
         RETURNING id`,
        [name],
      );
      if (rows[0] === undefined) return false;
      await tx.query('DELETE FROM staff_sessions WHERE user_id = $1', [rows[0].id]);
      return true;
    });
  }

  /** An active account by name, with its password hash, to check a sign-in; or null. */
  async activeUser(name: string): Promise<(StaffUser & { passwordHash: string }) | null> {
    const rows = await this.#db.query<StaffUser & { password_hash: string }>(
      'SELECT id, name, role, password_hash FROM staff_users WHERE name = $1 AND disabled_at IS NULL',
      [name],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : { id: row.id, name: row.name, role: row.role, passwordHash: row.password_hash };
  }

  /** Stores a session (and forgets expired ones). */
  async openSession(
    tokenHash: string,
    userId: string,
    csrfToken: string,
    expiresAt: string,
  ): Promise<void> {
    await this.#db.query('DELETE FROM staff_sessions WHERE expires_at <= now()');
    await this.#db.query(
      `INSERT INTO staff_sessions (token_hash, user_id, csrf_token, expires_at)
       VALUES ($1, $2, $3, $4::timestamptz)`,
      [tokenHash, userId, csrfToken, expiresAt],
    );
  }

  /** The live session of a token hash, or null (unknown, expired or account disabled). */
  async findSession(tokenHash: string): Promise<StaffSession | null> {
    const rows = await this.#db.query<{
      id: string;
      name: string;
      role: StaffRole;
      csrf_token: string;
      expires_at: Date | string;
    }>(
      `SELECT u.id, u.name, u.role, s.csrf_token, s.expires_at FROM staff_sessions s
       JOIN staff_users u ON u.id = s.user_id
       WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [tokenHash],
    );
    const row = rows[0];
    if (row === undefined) return null;
    return {
      user: { id: row.id, name: row.name, role: row.role },
      csrfToken: row.csrf_token,
      expiresAt: new Date(row.expires_at).toISOString(),
    };
  }

  /** Ends a session. */
  async closeSession(tokenHash: string): Promise<void> {
    await this.#db.query('DELETE FROM staff_sessions WHERE token_hash = $1', [tokenHash]);
  }
}
