import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost parameters and output length. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

function derive(secret: string, salt: Buffer, n: number, r: number, p: number, keylen: number) {
  return new Promise<Buffer>((resolve, reject) => {
    // maxmem covers the cost at hand (128·N·r bytes) with room to spare.
    scrypt(secret, salt, keylen, { N: n, r, p, maxmem: 256 * n * r }, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/**
 * Hashes a secret with scrypt and a fresh 16-byte salt into a self-describing string
 * (`scrypt$N$r$p$salt$key`), so a later change of cost still verifies older hashes.
 */
export async function hashWithScrypt(secret: string, cost: ScryptCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, cost.N, cost.r, cost.p, cost.keylen);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Checks a secret against a hash made by hashWithScrypt, in constant time. */
export async function verifyScryptHash(secret: string, hash: string): Promise<boolean> {
  const [algo, n, r, p, salt, key] = hash.split('$');
  if (algo !== 'scrypt' || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64');
  const cost = [Number(n), Number(r), Number(p)] as const;
  if (!cost.every((value) => Number.isInteger(value) && value > 0)) return false;
  const actual = await derive(secret, Buffer.from(salt, 'base64'), ...cost, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
