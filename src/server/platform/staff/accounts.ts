import { createHash, randomBytes } from 'node:crypto';
import type {
  AccountChange,
  AuditActor,
  Staff,
  StaffRole,
  StaffSession,
  StaffUser,
} from '../store/staff.ts';
import { generatePassword, hashPassword, verifyPassword } from './passwords.ts';

export type {
  AccountChange,
  AuditActor,
  AuditEntry,
  StaffAccount,
  StaffRole,
  StaffSession,
  StaffUser,
} from '../store/staff.ts';

/** The staff roles: account administrators, DPO reporting and trainers. */
export const STAFF_ROLES: readonly StaffRole[] = ['admin', 'dpo', 'trainer'];

/** The actor of changes made with the operator's command (`npm run staff`). */
export const OPERATOR: AuditActor = { id: null, name: 'operator' };

/** How long a session lasts without signing in again: 8 hours, one working day. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

// Compared against when the name is unknown, so a wrong name costs as much as a wrong password.
let dummyHash: Promise<string> | undefined;

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Why a staff name cannot be used, or null. Besides control characters, invisible ones (zero-width
 * spaces and joiners, direction marks and overrides) are refused: "ada\u200b" would read as "ada"
 * in the account list and the audit, under whose name its holder would act.
 */
export function staffNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 80 || /[\p{Cc}\p{Cs}\p{Cf}]/u.test(trimmed)) {
    return 'name: 1 to 80 characters, no control or invisible characters';
  }
  return null;
}

// Names that read the same: "Ada", "ada" and "ａｄａ" (full-width) are one name.
const readAlike = (name: string): string => name.normalize('NFKC').toLowerCase();

/**
 * Creates a staff account and audits it; throws if the name is taken (or reads the same as one
 * that is, whatever its case or width) or a field is wrong. A `oneTime` password (made by someone
 * other than the account's holder) must be changed at the first sign-in.
 */
export async function createStaffUser(
  staff: Staff,
  name: string,
  role: StaffRole,
  password: string,
  actor: AuditActor = OPERATOR,
  oneTime = false,
): Promise<StaffUser> {
  const trimmed = name.trim();
  const problem = staffNameProblem(trimmed);
  if (problem !== null) throw new Error(problem);
  if (!STAFF_ROLES.includes(role)) throw new Error(`role: one of ${STAFF_ROLES.join(', ')}`);
  if (password.length < 12) throw new Error('password: at least 12 characters');
  const alike = readAlike(trimmed);
  if ((await staff.listUsers()).some((u) => readAlike(u.name) === alike)) {
    throw new Error(`a staff account named "${trimmed}" already exists`);
  }
  const user: StaffUser = { id: `s-${randomBytes(9).toString('base64url')}`, name: trimmed, role };
  if (!(await staff.createUser(user, await hashPassword(password), actor, oneTime))) {
    throw new Error(`a staff account named "${trimmed}" already exists`);
  }
  return user;
}

/**
 * Gives an account a new generated password, shown once: its sessions end in the same
 * transaction, so the old password and every session opened with it stop working at once.
 */
export async function resetStaffPassword(
  staff: Staff,
  id: string,
  actor: AuditActor,
): Promise<{ change: AccountChange; password?: string }> {
  const password = generatePassword();
  const change = await staff.resetPassword(id, await hashPassword(password), actor);
  return change === 'done' ? { change, password } : { change };
}

/** Why a password someone chose for their own account cannot be used, or null. */
export function ownPasswordProblem(password: string, name: string): string | null {
  if (password.length < 12 || password.length > 200) return 'password: 12 to 200 characters';
  // One that no keyboard types (a NUL, a line break) would lock its holder out.
  if (/\p{Cc}/u.test(password)) return 'password: no control characters';
  if (readAlike(password).includes(readAlike(name))) return 'password: must not contain your name';
  return null;
}

/**
 * The holder of a session sets their own password after proving the current one: 'done', or
 * 'wrong' when the current password does not match (the session stays as it was). Other sessions
 * of the account end; this one stays open.
 */
export async function changeOwnPassword(
  staff: Staff,
  session: StaffSession,
  token: string,
  current: string,
  next: string,
): Promise<'done' | 'wrong' | 'missing'> {
  const hash = await staff.passwordHash(session.user.id);
  if (hash === null) return 'missing';
  if (!(await verifyPassword(current, hash))) return 'wrong';
  const change = await staff.setOwnPassword(
    session.user,
    await hashPassword(next),
    tokenHash(token),
  );
  return change === 'done' ? 'done' : 'missing';
}

/** Checks a name and password; the user when they match an active account, else null. */
export async function checkPassword(
  staff: Staff,
  name: string,
  password: string,
): Promise<(StaffUser & { mustChangePassword: boolean }) | null> {
  const user = await staff.activeUser(name);
  if (user === null) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verifyPassword(password, await dummyHash);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  return {
    id: user.id,
    name: user.name,
    role: user.role,
    mustChangePassword: user.mustChangePassword,
  };
}

/** Opens a session; returns the cookie token (only its hash is stored) and the CSRF token. */
export async function openSession(
  staff: Staff,
  user: StaffUser,
  ttlMs: number = SESSION_TTL_MS,
): Promise<{ token: string; csrfToken: string; expiresAt: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs).toISOString();
  await staff.openSession(tokenHash(token), user.id, csrfToken, expiresAt);
  return { token, csrfToken, expiresAt };
}

/** The live session of a cookie token, or null (unknown, expired or account disabled). */
export async function findSession(staff: Staff, token: string): Promise<StaffSession | null> {
  if (token.length < 20 || token.length > 100) return null;
  return staff.findSession(tokenHash(token));
}

/** Ends a session. */
export async function closeSession(staff: Staff, token: string): Promise<void> {
  await staff.closeSession(tokenHash(token));
}
