import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildServer, type ServerOptions } from '../../src/server/app.ts';
import { newCredential, type Scope } from '../../src/server/lrs/auth/credentials.ts';
import { openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import { indexStatement, statementFingerprint } from '../../src/server/lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';

/** A store kind the suite runs against: the embedded one always, PostgreSQL with DATABASE_URL. */
export interface StoreKind {
  name: 'pglite' | 'postgres';
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>;
}

/** The stores to test: PGlite always, PostgreSQL too when DATABASE_URL is set. */
export function storeKinds(): StoreKind[] {
  const kinds: StoreKind[] = [
    {
      name: 'pglite',
      async open() {
        const dir = await mkdtemp(path.join(tmpdir(), 'lrs-test-'));
        const store = await openStore({ dataDir: dir });
        return {
          store,
          async cleanup() {
            await store.close();
            await rm(dir, { recursive: true, force: true });
          },
        };
      },
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    kinds.push({
      name: 'postgres',
      async open() {
        // A schema per test file keeps parallel files apart on one database.
        const schema = `lrs_test_${randomBytes(6).toString('hex')}`;
        const store = await openStore({ databaseUrl: url, schema });
        return {
          store,
          async cleanup() {
            await store.close();
            const client = new pg.Client({ connectionString: url });
            await client.connect();
            await client.query(`DROP SCHEMA ${schema} CASCADE`);
            await client.end();
          },
        };
      },
    });
  }
  return kinds;
}

/** A running service and ways to talk to it. */
export interface TestServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

/** Starts the real service on a free loopback port. */
export async function startServer(
  store: Store,
  options: Omit<ServerOptions, 'store'> = {},
): Promise<TestServer> {
  const app = await buildServer({ store, logger: false, ...options });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, store, close: () => app.close() };
}

/** A credential created for a test. */
export interface TestCredential {
  key: string;
  secret: string;
  authorization: string;
}

/** Creates a credential directly in the store. */
export async function createCredential(
  store: Store,
  scopes: Scope[],
  agent: JsonObject | null = null,
): Promise<TestCredential> {
  const { record, secret } = await newCredential({
    name: `test-${scopes.join('+')}`,
    scopes,
    agent,
  });
  await store.createCredential(record);
  return {
    key: record.key,
    secret,
    authorization: `Basic ${Buffer.from(`${record.key}:${secret}`).toString('base64')}`,
  };
}

/** Options of an xAPI request. */
export interface XapiRequest {
  method?: string;
  body?: unknown;
  /** Sent as is instead of JSON-encoding body. */
  raw?: string | Buffer;
  headers?: Record<string, string | undefined>;
  credential?: TestCredential | null;
}

/** Sends a request with the version header, JSON body and credential unless told otherwise. */
export async function xapi(
  server: TestServer,
  credential: TestCredential | null,
  pathAndQuery: string,
  req: XapiRequest = {},
): Promise<{ status: number; headers: Headers; text: string; json: unknown }> {
  const headers: Record<string, string> = {
    'X-Experience-API-Version': '1.0.3',
  };
  if (credential !== null) headers.Authorization = credential.authorization;
  let body: string | Buffer | undefined;
  if (req.raw !== undefined) body = req.raw;
  else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    headers['Content-Type'] = 'application/json';
  }
  const removed = new Set<string>();
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (v === undefined) removed.add(k);
    else headers[k] = v;
  }
  const sent = Object.fromEntries(Object.entries(headers).filter(([k]) => !removed.has(k)));
  const res = await fetch(`${server.url}${pathAndQuery}`, {
    method: req.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: sent,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : new Uint8Array(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: parseOrUndefined(text) };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A statement built for a test; its id is always a string. */
export type TestStatement = JsonObject & { id: string };

/** Builds a valid statement with unique ids, overridable per field. */
export function statement(overrides: JsonObject = {}): TestStatement {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', name: 'Learner', mbox: `mailto:${randomUUID()}@example.org` },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
    object: {
      id: `https://peacekeeping.example.org/modules/${randomUUID()}`,
      definition: { name: { 'en-US': 'Module', fr: 'Module' } },
    },
    ...overrides,
  };
}

/** A copy of a statement without its id. */
export function withoutId(s: JsonObject): JsonObject {
  const copy = { ...s };
  delete copy.id;
  return copy;
}

/** URL-encodes an agent for a query string. */
export function q(value: unknown): string {
  return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
}

export { randomUUID };

/**
 * A statement ready for Store.insertStatements, as the statements route prepares one, for tests
 * that drive the store directly.
 */
export function newStoreStatement(actor: JsonObject, objectId: string) {
  const s = {
    id: randomUUID(),
    actor: { objectType: 'Agent', ...actor },
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: objectId },
  };
  const stored = new Date().toISOString();
  const statement = {
    ...s,
    stored,
    timestamp: stored,
    version: '1.0.0',
    authority: { objectType: 'Agent', account: { homePage: 'https://example.org', name: 'k' } },
  };
  return {
    id: s.id,
    statement,
    fingerprint: statementFingerprint(s),
    stored,
    index: indexStatement(statement),
    credentialKey: 'k',
  };
}
