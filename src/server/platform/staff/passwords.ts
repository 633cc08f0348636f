import { randomBytes } from 'node:crypto';
import { hashWithScrypt, verifyScryptHash } from '../../lrs/auth/scrypt-hash.ts';

/**
 * scrypt cost for staff passwords: N=2^15, r=8, p=1 (32 MiB and about 0.1 s per check here),
 * a 16-byte salt per user and a 32-byte key. Stronger than the LRS's credential secrets, which are
 * random and long; passwords are chosen by people.
 */
export const PASSWORD_KDF = { N: 32768, r: 8, p: 1, keylen: 32, saltBytes: 16 } as const;

/** Hashes a password with scrypt and a fresh salt, in a self-describing string. */
export function hashPassword(password: string): Promise<string> {
  return hashWithScrypt(password, PASSWORD_KDF);
}

/** Checks a password against hashPassword's output in constant time. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return verifyScryptHash(password, hash);
}

/** A random password for a new account: 18 bytes, base64url (24 characters). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
