// Shared fixtures of the LRS tests: the stores to run on, the real service on a free port, its
// credentials and learners, statements, and requests with the xAPI version header and Basic auth.
// A test file says what it checks; how a service is set up lives here, once.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer, type ServerOptions } from '../../src/server/app.ts';
import { newCredential, type Scope } from '../../src/server/lrs/auth/credentials.ts';
import { openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import { indexStatement, statementFingerprint } from '../../src/server/lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';

export { randomUUID };

// ---------------------------------------------------------------------------------------------
// Stores

/** What to run to get a PostgreSQL for the tests. */
export const POSTGRES_SETUP = 'source .ci/postgres.sh';

/** Whether this run is a CI run (`CI` set and not "false" or "0"). */
export function inCi(): boolean {
  const ci = process.env.CI ?? '';
  return ci !== '' && ci !== 'false' && ci !== '0';
}

/** The message of a CI run without PostgreSQL: half of the LRS tests cannot run. */
export const POSTGRES_MISSING_IN_CI =
  'CI is set but DATABASE_URL is not: the PostgreSQL half of the LRS tests cannot run. ' +
  `Run \`${POSTGRES_SETUP}\` before the tests (.ci/run does).`;

/** The PostgreSQL URL for the tests; in CI its absence fails the test that needs it. */
export function postgresUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') throw new Error(POSTGRES_MISSING_IN_CI);
  return url;
}

/** Whether the PostgreSQL tests run: with DATABASE_URL, and always in CI (where they then fail). */
export function postgresTestsRun(): boolean {
  const url = process.env.DATABASE_URL;
  return (url !== undefined && url !== '') || inCi();
}

/** A PostgreSQL schema name of its own, so that parallel test files stay apart on one database. */
export function newSchema(prefix = 'lrs_test'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

/** Drops a schema made by newSchema, with everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** A folder of its own under the system's temporary folder. */
export function newTempDir(prefix = 'lrs-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Removes a folder made by newTempDir. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/**
 * A fresh temporary folder for each test (`each`) or for the whole file (`all`), removed after;
 * read it with `dir()` inside a test or hook.
 */
export function useTempDir(when: 'each' | 'all', prefix = 'lrs-test-'): () => string {
  let dir = '';
  const [before, after] = when === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    dir = await newTempDir(prefix);
  });
  after(async () => {
    await removeDir(dir);
  });
  return () => {
    if (dir === '') throw new Error('useTempDir: the folder is made in a hook; read it in a test');
    return dir;
  };
}

/** A store opened for a test, with the way to close and remove it. */
export interface OpenedStore {
  store: Store;
  cleanup(): Promise<void>;
}

/** Opens the embedded store in a fresh folder. */
export async function openEmbeddedStore(): Promise<OpenedStore> {
  const dir = await newTempDir();
  const store = await openStore({ dataDir: dir });
  return {
    store,
    async cleanup() {
      await store.close();
      await removeDir(dir);
    },
  };
}

/** Environment for a `main.ts` process, on a fresh store of one kind. */
export interface ServiceEnv {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

/** A store kind the suite runs against: the embedded one always, PostgreSQL with DATABASE_URL. */
export interface StoreKind {
  name: 'pglite' | 'postgres';
  /** A fresh, empty store of this kind, opened in this process. */
  open(): Promise<OpenedStore>;
  /** Settings for a service process of its own on a fresh store of this kind. */
  serviceEnv(): Promise<ServiceEnv>;
}

const embedded: StoreKind = {
  name: 'pglite',
  open: openEmbeddedStore,
  async serviceEnv() {
    const dir = await newTempDir('lrs-service-');
    return { env: { DATA_DIR: dir, DATABASE_URL: '' }, cleanup: () => removeDir(dir) };
  },
};

function postgres(url: string): StoreKind {
  return {
    name: 'postgres',
    async open() {
      const schema = newSchema();
      const store = await openStore({ databaseUrl: url, schema });
      return {
        store,
        async cleanup() {
          await store.close();
          await dropSchema(url, schema);
        },
      };
    },
    async serviceEnv() {
      const dir = await newTempDir('lrs-service-');
      const schema = newSchema('lrs_service');
      return {
        env: { DATA_DIR: dir, DATABASE_URL: url, DATABASE_SCHEMA: schema },
        async cleanup() {
          await removeDir(dir);
          await dropSchema(url, schema);
        },
      };
    },
  };
}

// In CI without DATABASE_URL the PostgreSQL half is still listed, and every use of it fails
// with the reason, so that the run fails where it would otherwise pass on half the stores.
const missingPostgres: StoreKind = {
  name: 'postgres',
  open: () => Promise.reject(new Error(POSTGRES_MISSING_IN_CI)),
  serviceEnv: () => Promise.reject(new Error(POSTGRES_MISSING_IN_CI)),
};

/**
 * The stores to test: PGlite always; PostgreSQL too when DATABASE_URL is set. In CI without
 * DATABASE_URL the PostgreSQL kind is there and fails when opened; elsewhere it is left out (the
 * global setup, tests/server/postgres-notice.ts, says so once per run).
 */
export function storeKinds(): StoreKind[] {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') return [embedded, postgres(url)];
  return inCi() ? [embedded, missingPostgres] : [embedded];
}

// ---------------------------------------------------------------------------------------------
// The service

/** A running service and ways to talk to it. */
export interface TestServer {
  url: string;
  app: FastifyInstance;
  store: Store;
  close(): Promise<void>;
}

/** Service settings a suite may choose; the store is the suite's own. */
export type TestServerOptions = Omit<ServerOptions, 'store'>;

/** Starts the real service on a free loopback port. */
export async function startServer(
  store: Store,
  options: TestServerOptions = {},
): Promise<TestServer> {
  const app = await buildServer({ store, ...options });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, app, store, close: () => app.close() };
}

// ---------------------------------------------------------------------------------------------
// Credentials and learners

/** A credential created for a test. */
export interface TestCredential {
  key: string;
  secret: string;
  authorization: string;
}

/** A learner: an agent and a credential bound to it. */
export interface TestLearner extends TestCredential {
  agent: JsonObject;
}

/** The Authorization header value of HTTP Basic authentication. */
export function basicAuth(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

/** Creates a credential directly in the store, bound to an agent when one is given. */
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
  return { key: record.key, secret, authorization: basicAuth(record.key, secret) };
}

/** A credential whose key is real and whose secret is wrong: authentication fails. */
export function wrongSecret(credential: TestCredential): TestCredential {
  return { ...credential, authorization: basicAuth(credential.key, 'wrong') };
}

// ---------------------------------------------------------------------------------------------
// Requests

/** Options of an xAPI request. */
export interface XapiRequest {
  method?: string;
  body?: unknown;
  /** Sent as is instead of JSON-encoding body. */
  raw?: string | Buffer;
  /** Headers to add; a header set to undefined is not sent, the version header included. */
  headers?: Record<string, string | undefined>;
}

/** An answer of the service. */
export interface XapiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  /** The message of an error answer; undefined when the answer has none. */
  message: string | undefined;
}

/** Sends a request with the version header, JSON body and credential unless told otherwise. */
export async function xapi(
  server: TestServer,
  credential: TestCredential | null,
  pathAndQuery: string,
  req: XapiRequest = {},
): Promise<XapiResponse> {
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
  const json = parseOrUndefined(text);
  return { status: res.status, headers: res.headers, text, json, message: messageOf({ json }) };
}

/** The JSON a text holds, or undefined when it is not JSON. */
export function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The message of an error answer (undefined when the answer has none). */
export function messageOf(res: { json: unknown }): string | undefined {
  const json = res.json as { message?: unknown } | undefined;
  return typeof json?.message === 'string' ? json.message : undefined;
}

/** A page of the Statement resource. */
export interface StatementPage {
  statements: (JsonObject & { id: string; stored: string })[];
  more: string;
}

/** The ids of a page of statements, in order. */
export function idsOf(res: { json: unknown }): string[] {
  return (res.json as StatementPage).statements.map((s) => s.id);
}

/** URL-encodes an agent or an IRI for a query string. */
export function q(value: unknown): string {
  return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Waits a while, for stored times to differ. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------------------------
// One service on a fresh store per store kind

/** A request to a suite's service: as the suite's admin unless `as` says otherwise. */
export interface LrsRequest extends XapiRequest {
  /** The credential to send; null sends none. */
  as?: TestCredential | null;
}

/** A running service on a fresh store, with an all-scopes credential, for one suite. */
export interface Lrs {
  /** The store kind of this run. */
  readonly kind: StoreKind['name'];
  readonly server: TestServer;
  readonly store: Store;
  /** A credential with every scope. */
  readonly admin: TestCredential;
  /** A new credential with the given scopes. */
  credential(scopes: Scope[]): Promise<TestCredential>;
  /** A new learner: a fresh agent (or the one given) and a credential bound to it. */
  learner(scopes?: Scope[], agent?: JsonObject): Promise<TestLearner>;
  /** Sends a request to the service. */
  request(pathAndQuery: string, req?: LrsRequest): Promise<XapiResponse>;
  /** The status of a GET (or another method). */
  status(pathAndQuery: string, req?: LrsRequest): Promise<number>;
  /** POSTs one statement or a batch, expects 200, and returns the ids the LRS answered. */
  send(statements: unknown, as?: TestCredential): Promise<string[]>;
  /** GETs /xapi/statements with a query, expects 200, and returns the ids in order. */
  statementIds(query: string, as?: TestCredential): Promise<string[]>;
}

/**
 * Starts the real service on a fresh store of the given kind, with an all-scopes admin; close()
 * stops it and removes the store. describeEachStore does this per suite.
 */
export async function startLrs(
  kind: StoreKind,
  options: TestServerOptions = {},
): Promise<Lrs & { close(): Promise<void> }> {
  const opened = await kind.open();
  try {
    const server = await startServer(opened.store, options);
    const admin = await createCredential(opened.store, ['all']);
    return {
      ...lrsOn(kind.name, server, admin),
      async close() {
        await server.close();
        await opened.cleanup();
      },
    };
  } catch (error) {
    await opened.cleanup();
    throw error;
  }
}

function lrsOn(kind: StoreKind['name'], server: TestServer, admin: TestCredential): Lrs {
  const request = (pathAndQuery: string, req: LrsRequest = {}) => {
    const { as, ...rest } = req;
    return xapi(server, as === undefined ? admin : as, pathAndQuery, rest);
  };
  return {
    kind,
    server,
    store: server.store,
    admin,
    credential: (scopes) => createCredential(server.store, scopes),
    async learner(scopes = ['statements/write', 'statements/read/mine', 'state'], agent) {
      const who = agent ?? newAgent();
      return { ...(await createCredential(server.store, scopes, who)), agent: who };
    },
    request,
    status: async (pathAndQuery, req) => (await request(pathAndQuery, req)).status,
    async send(statements, as) {
      const res = await request('/xapi/statements', { body: statements, as: as ?? admin });
      expect(res.status, res.text).toBe(200);
      return res.json as string[];
    },
    async statementIds(query, as) {
      const res = await request(`/xapi/statements?${query}`, { as: as ?? admin });
      expect(res.status, res.text).toBe(200);
      return idsOf(res);
    },
  };
}

/**
 * Runs a suite once per configured store ("<title> on pglite", "... on postgres"), each against
 * the real service on a fresh store, started before the suite and closed after it. The suite
 * reads the service from `lrs` inside its tests and hooks.
 */
export function describeEachStore(
  title: string,
  suite: (lrs: Lrs) => void,
  options: TestServerOptions = {},
): void {
  describe.each(storeKinds())(`${title} on $name`, (kind) => {
    let live: (Lrs & { close(): Promise<void> }) | undefined;
    const current = (): Lrs => {
      if (live === undefined) throw new Error(`the service on ${kind.name} is not running`);
      return live;
    };
    beforeAll(async () => {
      live = await startLrs(kind, options);
    });
    afterAll(async () => {
      await live?.close();
    });
    suite({
      kind: kind.name,
      get server() {
        return current().server;
      },
      get store() {
        return current().store;
      },
      get admin() {
        return current().admin;
      },
      credential: (...args) => current().credential(...args),
      learner: (...args) => current().learner(...args),
      request: (...args) => current().request(...args),
      status: (...args) => current().status(...args),
      send: (...args) => current().send(...args),
      statementIds: (...args) => current().statementIds(...args),
    });
  });
}

/**
 * Runs a suite that needs PostgreSQL itself (several services on one database, say) with the
 * URL and a schema of its own, dropped after. Outside CI without DATABASE_URL it is skipped; in
 * CI it fails with the reason.
 */
export function describeOnPostgres(
  title: string,
  suite: (db: { url: string; schema: string }) => void,
): void {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    if (inCi()) {
      describe(title, () => {
        it('needs PostgreSQL', () => {
          throw new Error(POSTGRES_MISSING_IN_CI);
        });
      });
    } else {
      describe.skip(title, () => {
        suite({ url: '', schema: '' });
      });
    }
    return;
  }
  describe(title, () => {
    const schema = newSchema();
    afterAll(() => dropSchema(url, schema));
    suite({ url, schema });
  });
}

// ---------------------------------------------------------------------------------------------
// Statements

/** A statement built for a test; its id is always a string. */
export type TestStatement = JsonObject & { id: string };

/** The verb of voiding statements. */
export const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

/** A fresh agent, identified by a unique mbox; `name` shows in the address to help reading. */
export function newAgent(name = 'learner'): JsonObject & { mbox: string } {
  return { objectType: 'Agent', mbox: `mailto:${name}-${randomUUID()}@example.org` };
}

/** A fresh activity id of the course. */
export function newActivityId(kind = 'modules'): string {
  return `https://peacekeeping.example.org/${kind}/${randomUUID()}`;
}

/** A StatementRef to a statement id. */
export function ref(id: string): JsonObject {
  return { objectType: 'StatementRef', id };
}

/** Builds a valid statement with unique ids, overridable per field. */
export function statement(overrides: JsonObject = {}): TestStatement {
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', name: 'Learner', mbox: `mailto:${randomUUID()}@example.org` },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
    object: {
      id: newActivityId(),
      definition: { name: { 'en-US': 'Module', fr: 'Module' } },
    },
    ...overrides,
  };
}

/** A statement voiding the statement with the given id. */
export function voiding(targetId: string, overrides: JsonObject = {}): TestStatement {
  return statement({ verb: { id: VOIDED }, object: ref(targetId), ...overrides });
}

/** The builders in one place, for test files: `make.statement({ actor: make.agent('ben') })`. */
export const make = {
  /** A fresh agent; see newAgent. */
  agent: newAgent,
  /** A fresh activity id; see newActivityId. */
  activity: newActivityId,
  /** A valid statement; see statement. */
  statement,
  /** A voiding statement; see voiding. */
  voiding,
  /** A StatementRef; see ref. */
  ref,
  /** A random UUID. */
  uuid: randomUUID,
};

/** A copy of a statement without its id. */
export function withoutId(s: JsonObject): JsonObject {
  const copy = { ...s };
  delete copy.id;
  return copy;
}

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
