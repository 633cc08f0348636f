// Backup and restore at a given size, and what a statement costs on disk: `npm run bench:backup
// [-- STATEMENTS]` (default 50000). On each store (the embedded one always, PostgreSQL too when
// DATABASE_URL is set, in a schema of its own dropped afterwards): the service is started in this
// process and sent STATEMENTS statements shaped like the course's tracker sends them (an answered
// question with its interaction definition, registration, parent/grouping, cmi5 category,
// language, session id; batches of 50 from 4 clients), then the database's size is read, a
// backup is written (db/dump.ts, the code behind `npm run backup`), and restored into a fresh
// store of the same kind. One round per store. Writes bench/backup.json.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildServer } from '../src/server/app.ts';
import { backupDatabase, restoreDatabase } from '../src/server/db/dump.ts';
import { migrate } from '../src/server/db/migrate.ts';
import { openDatabase } from '../src/server/db/open-database.ts';
import { newCredential } from '../src/server/lrs/auth/credentials.ts';
import { databaseOf, LRS_MIGRATIONS, openStore } from '../src/server/lrs/store/open-store.ts';
import {
  openPlatformStore,
  PLATFORM_MIGRATIONS,
} from '../src/server/platform/store/platform-store.ts';

const total = Number(process.argv[2] ?? 50_000);
const site = 'https://peacekeeping.example.org';
const BATCH = 50;
const CLIENTS = 4;

function statement(i) {
  const learner = `l-${i % 1000}`;
  const module = `module-${i % 8}`;
  const quiz = `${site}/xapi/activities/quiz/${module}`;
  return {
    id: randomUUID(),
    actor: { objectType: 'Agent', account: { homePage: site, name: learner } },
    verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { en: 'answered' } },
    object: {
      objectType: 'Activity',
      id: `${quiz}/question/q${i % 6}`,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        interactionType: 'choice',
        correctResponsesPattern: ['b'],
        choices: ['a', 'b', 'c', 'd'].map((id) => ({ id, description: { en: `Option ${id}` } })),
      },
    },
    result: { response: 'b', success: true, score: { raw: 1, min: 0, max: 1, scaled: 1 } },
    context: {
      registration: '6f1c3b7e-1d2a-4c5b-9e8f-0a1b2c3d4e5f',
      language: 'en',
      contextActivities: {
        parent: [{ id: quiz }],
        grouping: [
          { id: `${site}/xapi/activities/module/${module}` },
          { id: `${site}/xapi/activities/track/police-pre-deployment` },
          { id: `${site}/xapi/activities/course` },
        ],
      },
      extensions: { 'https://w3id.org/xapi/cmi5/context/extensions/sessionid': `s-${i % 97}` },
    },
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  };
}

async function newPlace(kind) {
  if (kind === 'pglite') {
    const dir = await mkdtemp(path.join(tmpdir(), 'backup-bench-'));
    return { config: { dataDir: dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  const url = process.env.DATABASE_URL;
  const schema = `backup_bench_${randomUUID().slice(0, 8)}`;
  return {
    config: { databaseUrl: url, schema },
    async cleanup() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

async function sizeOf(db) {
  const [row] = await db.query(
    `SELECT sum(pg_total_relation_size(c.oid))::float8 AS bytes FROM pg_class c
      WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'`,
  );
  return row.bytes;
}

async function measure(kind) {
  const source = await newPlace(kind);
  const target = await newPlace(kind);
  const file = path.join(tmpdir(), `backup-bench-${randomUUID()}.jsonl.gz`);
  try {
    const store = await openStore(source.config);
    const db = databaseOf(store);
    await openPlatformStore(db);
    const app = await buildServer({ store });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const { record, secret } = await newCredential({
      name: 'bench',
      scopes: ['statements/write'],
      agent: null,
    });
    await store.createCredential(record);
    const auth = `Basic ${Buffer.from(`${record.key}:${secret}`).toString('base64')}`;
    let next = 0;
    const loadStarted = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < total) {
          const from = next;
          next += BATCH;
          const body = [];
          for (let i = from; i < Math.min(total, from + BATCH); i++) body.push(statement(i));
          const res = await fetch(`${url}/xapi/statements`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-Experience-API-Version': '1.0.3',
              Authorization: auth,
            },
            body: JSON.stringify(body),
          });
          if (res.status !== 200) throw new Error(`${res.status} ${await res.text()}`);
        }
      }),
    );
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    await app.close();
    if (kind === 'postgres') await db.query('VACUUM ANALYZE');
    const databaseBytes = await sizeOf(db);
    const load = loadavg()[0];
    const backupStarted = performance.now();
    const backup = await backupDatabase(db, file);
    const backupSeconds = (performance.now() - backupStarted) / 1000;
    await store.close();

    const { db: fresh, release } = await openDatabase(target.config);
    let restoreSeconds;
    try {
      await migrate(fresh, 'lrs', LRS_MIGRATIONS);
      await migrate(fresh, 'platform', PLATFORM_MIGRATIONS);
      const restoreStarted = performance.now();
      const restored = await restoreDatabase(fresh, file);
      restoreSeconds = (performance.now() - restoreStarted) / 1000;
      if (restored.counts.statements !== backup.counts.statements) {
        throw new Error('the restore lost statements');
      }
    } finally {
      await fresh.close();
      await release();
    }
    return {
      store: kind,
      statements: backup.counts.statements,
      loadSeconds: Math.round(loadSeconds * 10) / 10,
      databaseBytes,
      bytesPerStatement: Math.round(databaseBytes / backup.counts.statements),
      backupSeconds: Math.round(backupSeconds * 10) / 10,
      backupFileBytes: (await stat(file)).size,
      restoreSeconds: Math.round(restoreSeconds * 10) / 10,
      loadAverage: Math.round(load * 10) / 10,
    };
  } finally {
    await rm(file, { force: true });
    await source.cleanup();
    await target.cleanup();
  }
}

const kinds = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const results = [];
for (const kind of kinds) {
  const r = await measure(kind);
  console.log(JSON.stringify(r));
  results.push(r);
}
await writeFile(
  new URL('./backup.json', import.meta.url),
  `${JSON.stringify({ measuredAt: new Date().toISOString(), cores: 2, results }, null, 2)}\n`,
);
