import { randomBytes } from 'node:crypto';
import type { CredentialRecord } from '../store/types.ts';
import type { JsonObject } from '../xapi/types.ts';
import { agentIfi } from '../xapi/statement-index.ts';
import { validateAgent } from '../xapi/validate.ts';
import { hashWithScrypt, verifyScryptHash } from './scrypt-hash.ts';

/** The xAPI 1.0.3 OAuth scopes, used here for Basic-auth credentials too. */
export const SCOPES = [
  'statements/write',
  'statements/read',
  'statements/read/mine',
  'state',
  'define',
  'profile',
  'all/read',
  'all',
] as const;

/** One xAPI scope. */
export type Scope = (typeof SCOPES)[number];

/** Cost of hashing credential secrets: they are random and long, so a moderate cost suffices. */
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

/** Hashes a credential secret with scrypt and a random salt, in a self-describing string. */
export function hashSecret(secret: string): Promise<string> {
  return hashWithScrypt(secret, SCRYPT);
}

/** Checks a secret against a hash made by hashSecret, in constant time. */
export function verifySecret(secret: string, hash: string): Promise<boolean> {
  return verifyScryptHash(secret, hash);
}

/** Parses a comma-separated scope list, rejecting unknown scopes. */
export function parseScopes(list: string): Scope[] {
  const scopes = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (scopes.length === 0) throw new Error(`give at least one scope (${SCOPES.join(', ')})`);
  for (const s of scopes) {
    if (!(SCOPES as readonly string[]).includes(s)) {
      throw new Error(`unknown scope "${s}" (known: ${SCOPES.join(', ')})`);
    }
  }
  return scopes as Scope[];
}

/** What to create: a name, scopes, and for a learner's credential the learner's Agent. */
export interface CredentialRequest {
  name: string;
  scopes: Scope[];
  agent?: JsonObject | null;
}

/** Makes a new key and secret; the secret is returned once and only its hash is kept. */
export async function newCredential(
  request: CredentialRequest,
): Promise<{ record: CredentialRecord; secret: string }> {
  if (request.agent !== undefined && request.agent !== null) validateAgent(request.agent, 'agent');
  const key = randomBytes(12).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const agent = request.agent ?? null;
  return {
    secret,
    record: {
      key,
      secretHash: await hashSecret(secret),
      name: request.name,
      scopes: request.scopes,
      agent,
      agentIfi: agent === null ? null : agentIfi(agent),
      createdAt: new Date().toISOString(),
      revokedAt: null,
    },
  };
}
