import { createHash, randomBytes } from 'node:crypto';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { hashPassword, verifyPassword } from './passwords.ts';

/** The staff roles: DPO reporting and trainers. */
export const STAFF_ROLES = ['dpo', 'trainer'] as const;

/** A staff role. */
export type StaffRole = (typeof STAFF_ROLES)[number];

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

/** How long a session lasts without signing in again: 8 hours, one working day. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

// Compared against when the name is unknown, so a wrong name costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** Creates a staff account; throws if the name is taken. */
export async function createStaffUser(
  db: SqlDatabase,
  name: string,
  role: StaffRole,
  password: string,
): Promise<StaffUser> {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 80) throw new Error('name: 1 to 80 characters');
  if (!STAFF_ROLES.includes(role)) throw new Error(`role: one of ${STAFF_ROLES.join(', ')}`);
  if (password.length < 12) throw new Error('password: at least 12 characters');
  const id = `s-${randomBytes(9).toString('base64url')}`;
  const existing = await db.query('SELECT 1 FROM staff_users WHERE name = $1', [trimmed]);
  if (existing.length > 0) throw new Error(`a staff account named "${trimmed}" already exists`);
  await db.query(
    `INSERT INTO staff_users (id, name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, now())`,
    [id, trimmed, role, await hashPassword(password)],
  );
  return { id, name: trimmed, role };
}

/** Lists staff accounts (never their hashes). */
export async function listStaffUsers(
  db: SqlDatabase,
): Promise<(StaffUser & { disabled: boolean })[]> {
  const rows = await db.query<{ id: string; name: string; role: StaffRole; disabled: boolean }>(
    'SELECT id, name, role, disabled_at IS NOT NULL AS disabled FROM staff_users ORDER BY name',
  );
  return rows;
}

/** Disables an account and ends its sessions; false if no such active account. */
export async function disableStaffUser(db: SqlDatabase, name: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: string }>(
      'UPDATE staff_users SET disabled_at = now() WHERE name = $1 AND disabled_at IS NULL RETURNING id',
      [name],
    );
    if (rows[0] === undefined) return false;
    await tx.query('DELETE FROM staff_sessions WHERE user_id = $1', [rows[0].id]);
    return true;
  });
}

/** Checks a name and password; the user when they match an active account, else null. */
export async function checkPassword(
  db: SqlDatabase,
  name: string,
  password: string,
): Promise<StaffUser | null> {
  const rows = await db.query<{ id: string; name: string; role: StaffRole; password_hash: string }>(
    'SELECT id, name, role, password_hash FROM staff_users WHERE name = $1 AND disabled_at IS NULL',
    [name],
  );
  const row = rows[0];
  if (row === undefined) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return null;
  }
  if (!(await verifyPassword(password, row.password_hash))) return null;
  return { id: row.id, name: row.name, role: row.role };
}

/** Opens a session; returns the cookie token (only its hash is stored) and the CSRF token. */
export async function openSession(
  db: SqlDatabase,
  user: StaffUser,
  ttlMs: number = SESSION_TTL_MS,
): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs).toISOString();
  await db.query('DELETE FROM staff_sessions WHERE expires_at <= now()');
  await db.query(
    `INSERT INTO staff_sessions (token_hash, user_id, csrf_token, created_at, expires_at)
     VALUES ($1, $2, $3, now(), $4)`,
    [tokenHash(token), user.id, csrfToken, expiresAt],
  );
  return { token, csrfToken, expiresAt };
}

/** The live session of a cookie token, or null (unknown, expired or account disabled). */
export async function findSession(db: SqlDatabase, token: string): Promise<StaffSession | null> {
  if (token.length < 20 || token.length > 100) return null;
  const rows = await db.query<{
    id: string;
    name: string;
    role: StaffRole;
    csrf_token: string;
    expires_at: Date | string;
  }>(
    `SELECT u.id, u.name, u.role, s.csrf_token, s.expires_at FROM staff_sessions s
     JOIN staff_users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND u.disabled_at IS NULL`,
    [tokenHash(token)],
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
export async function closeSession(db: SqlDatabase, token: string): Promise<void> {
  await db.query('DELETE FROM staff_sessions WHERE token_hash = $1', [tokenHash(token)]);
}
