import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt cost for staff passwords: N=2^15, r=8, p=1 (32 MiB and about 0.1 s per check here),
 * a 16-byte salt per user and a 32-byte key. Stronger than the LRS's credential secrets, which are
 * random and long; passwords are chosen by people.
 */
export const PASSWORD_KDF = { N: 32768, r: 8, p: 1, keylen: 32, saltBytes: 16 } as const;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password,
      salt,
      PASSWORD_KDF.keylen,
      { N: n, r, p, maxmem: 128 * n * r * 2 },
      (err, key) => {
        if (err) reject(err);
        else resolve(key);
      },
    );
  });
}

/** Hashes a password with scrypt and a fresh salt, in a self-describing string. */
export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = PASSWORD_KDF;
  const salt = randomBytes(PASSWORD_KDF.saltBytes);
  const key = await derive(password, salt, N, r, p);
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Checks a password against hashPassword's output in constant time. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const [algo, n, r, p, salt, key] = hash.split('$');
  if (algo !== 'scrypt' || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64'),
    Number(n),
    Number(r),
    Number(p),
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A random password for a new account: 18 bytes, base64url (24 characters). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
