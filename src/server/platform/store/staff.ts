import type { SqlClient, SqlDatabase } from '../../db/sql-database.ts';

/** A staff role: account administration, DPO reporting, or trainer. */
export type StaffRole = 'admin' | 'dpo' | 'trainer';

/** Who changed an account: a staff member (by id), or the operator's command line (id null). */
export interface AuditActor {
  id: string | null;
  name: string;
}

/** A change made to a staff account. */
export type AuditAction = 'create' | 'disable' | 'enable' | 'reset' | 'password';

/** One line of the audit of staff accounts: who did what to whom, and when. */
export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: AuditAction;
  target: string;
  targetRole: StaffRole;
}

/** A staff account as the administrators' list shows it (never its hash). */
export interface StaffAccount extends StaffUser {
  disabled: boolean;
  createdAt: string;
  disabledAt: string | null;
}

/** Why a change to an account was refused, or 'done'. */
export type AccountChange =
  'done' | 'missing' | 'self' | 'last-admin' | 'other-admin' | 'unchanged';

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
  /** The account's password was made by someone else: it must choose its own before anything. */
  mustChangePassword: boolean;
}

/** Staff accounts and their sessions (sessions are found by a hash of the cookie token). */
export class Staff {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /**
   * Creates an account and audits it, in one transaction; false if the name is taken. A password
   * made by someone else (`oneTime`) must be changed at the first sign-in.
   */
  async createUser(
    user: StaffUser,
    passwordHash: string,
    actor: AuditActor,
    oneTime = false,
  ): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO staff_users (id, name, role, password_hash, must_change_password)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (name) DO NOTHING RETURNING id`,
        [user.id, user.name, user.role, passwordHash, oneTime],
      );
      if (rows.length !== 1) return false;
      await audit(tx, actor, 'create', user);
      return true;
    });
  }

  /** Every account (never its hash), by name. */
  async listUsers(): Promise<StaffAccount[]> {
    const rows = await this.#db.query<{
      id: string;
      name: string;
      role: StaffRole;
      created_at: Date | string;
      disabled_at: Date | string | null;
    }>('SELECT id, name, role, created_at, disabled_at FROM staff_users ORDER BY lower(name), id');
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      role: r.role,
      disabled: r.disabled_at !== null,
      createdAt: new Date(r.created_at).toISOString(),
      disabledAt: r.disabled_at === null ? null : new Date(r.disabled_at).toISOString(),
    }));
  }

  /** An account by id or name (never its hash), or null. */
  async user(by: { id: string } | { name: string }): Promise<StaffAccount | null> {
    const users = await this.listUsers();
    return users.find((u) => ('id' in by ? u.id === by.id : u.name === by.name)) ?? null;
  }

  /**
   * Disables an account, ends its sessions and audits it, in one transaction. Refused for the
   * actor's own account ('self') and for the last active administrator ('last-admin'); the
   * active administrators' rows are locked first, so two administrators disabling each other at
   * once cannot both succeed.
   */
  async disableUser(
    by: { id: string } | { name: string },
    actor: AuditActor,
  ): Promise<AccountChange> {
    return this.#db.transaction(async (tx) => {
      const admins = await tx.query<{ id: string }>(
        `SELECT id FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL
         ORDER BY id FOR UPDATE`,
      );
      const target = await targetOf(tx, by);
      if (target === null) return 'missing';
      if (target.disabled) return 'unchanged';
      if (actor.id !== null && actor.id === target.id) return 'self';
      if (target.role === 'admin' && admins.every((a) => a.id === target.id)) return 'last-admin';
      await tx.query('UPDATE staff_users SET disabled_at = now() WHERE id = $1', [target.id]);
      await tx.query('DELETE FROM staff_sessions WHERE user_id = $1', [target.id]);
      await audit(tx, actor, 'disable', target);
      return 'done';
    });
  }

  /** Enables a disabled account (its password unchanged) and audits it. */
  async enableUser(id: string, actor: AuditActor): Promise<AccountChange> {
    return this.#db.transaction(async (tx) => {
      const target = await targetOf(tx, { id });
      if (target === null) return 'missing';
      if (!target.disabled) return 'unchanged';
      await tx.query('UPDATE staff_users SET disabled_at = NULL WHERE id = $1', [id]);
      await audit(tx, actor, 'enable', target);
      return 'done';
    });
  }

  /**
   * Sets a new password hash, ends every session of the account and audits it, in one
   * transaction. Refused for the actor's own account ('self') and, from a staff member, for
   * another administrator's ('other-admin'): the new password is shown to the one who resets, who
   * could then act in the other administrator's name. Only the operator's command resets one.
   */
  async resetPassword(id: string, passwordHash: string, actor: AuditActor): Promise<AccountChange> {
    return this.#db.transaction(async (tx) => {
      const target = await targetOf(tx, { id });
      if (target === null) return 'missing';
      if (actor.id !== null && actor.id === target.id) return 'self';
      if (actor.id !== null && target.role === 'admin') return 'other-admin';
      await tx.query(
        'UPDATE staff_users SET password_hash = $2, must_change_password = true WHERE id = $1',
        [id, passwordHash],
      );
      await tx.query('DELETE FROM staff_sessions WHERE user_id = $1', [id]);
      await audit(tx, actor, 'reset', target);
      return 'done';
    });
  }

  /** The password hash of an active account, to check its holder's current password; or null. */
  async passwordHash(id: string): Promise<string | null> {
    const rows = await this.#db.query<{ password_hash: string }>(
      'SELECT password_hash FROM staff_users WHERE id = $1 AND disabled_at IS NULL',
      [id],
    );
    return rows[0]?.password_hash ?? null;
  }

  /**
   * The holder of an account sets its own password, in one transaction: the hash changes, the
   * one-time mark goes, every other session of the account ends (one opened with the old password
   * elsewhere), and the audit says so.
   */
  async setOwnPassword(
    user: StaffUser,
    passwordHash: string,
    keepTokenHash: string,
  ): Promise<AccountChange> {
    return this.#db.transaction(async (tx) => {
      const target = await targetOf(tx, { id: user.id });
      if (target === null || target.disabled) return 'missing';
      await tx.query(
        'UPDATE staff_users SET password_hash = $2, must_change_password = false WHERE id = $1',
        [user.id, passwordHash],
      );
      await tx.query('DELETE FROM staff_sessions WHERE user_id = $1 AND token_hash <> $2', [
        user.id,
        keepTokenHash,
      ]);
      await audit(tx, { id: user.id, name: target.name }, 'password', target);
      return 'done';
    });
  }

  /** The audit of account changes, newest first: at most `limit`, before the entry `before`. */
  async auditLog(limit: number, before?: number): Promise<AuditEntry[]> {
    const rows = await this.#db.query<{
      id: string | number;
      at: Date | string;
      actor_name: string;
      action: AuditAction;
      target_name: string;
      target_role: StaffRole;
    }>(
      `SELECT id, at, actor_name, action, target_name, target_role FROM staff_audit
       WHERE ($2::bigint IS NULL OR id < $2::bigint)
       ORDER BY id DESC LIMIT $1`,
      [limit, before ?? null],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      at: new Date(r.at).toISOString(),
      actor: r.actor_name,
      action: r.action,
      target: r.target_name,
      targetRole: r.target_role,
    }));
  }

  /** An active account by name, with its password hash, to check a sign-in; or null. */
  async activeUser(
    name: string,
  ): Promise<(StaffUser & { passwordHash: string; mustChangePassword: boolean }) | null> {
    const rows = await this.#db.query<
      StaffUser & { password_hash: string; must_change_password: boolean }
    >(
      `SELECT id, name, role, password_hash, must_change_password FROM staff_users
       WHERE name = $1 AND disabled_at IS NULL`,
      [name],
    );
    const row = rows[0];
    return row === undefined
      ? null
      : {
          id: row.id,
          name: row.name,
          role: row.role,
          passwordHash: row.password_hash,
          mustChangePassword: row.must_change_password,
        };
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
      must_change_password: boolean;
    }>(
      `SELECT u.id, u.name, u.role, s.csrf_token, s.expires_at, u.must_change_password
       FROM staff_sessions s
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
      mustChangePassword: row.must_change_password,
    };
  }

  /** Ends a session. */
  async closeSession(tokenHash: string): Promise<void> {
    await this.#db.query('DELETE FROM staff_sessions WHERE token_hash = $1', [tokenHash]);
  }
}

// The account a change is about, locked for the transaction.
async function targetOf(
  tx: SqlClient,
  by: { id: string } | { name: string },
): Promise<(StaffUser & { disabled: boolean }) | null> {
  const rows = await tx.query<StaffUser & { disabled: boolean }>(
    `SELECT id, name, role, disabled_at IS NOT NULL AS disabled FROM staff_users
     WHERE ${'id' in by ? 'id' : 'name'} = $1 FOR UPDATE`,
    ['id' in by ? by.id : by.name],
  );
  return rows[0] ?? null;
}

// One line of the audit, written in the transaction of the change it records.
async function audit(
  tx: SqlClient,
  actor: AuditActor,
  action: AuditAction,
  target: StaffUser,
): Promise<void> {
  await tx.query(
    `INSERT INTO staff_audit (actor_id, actor_name, action, target_id, target_name, target_role)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [actor.id, actor.name, action, target.id, target.name, target.role],
  );
}
