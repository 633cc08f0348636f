// LRS benchmark: ingest rate and query latency for the embedded store, and for PostgreSQL when
// DATABASE_URL is set. Run with `npm run bench:lrs`; figures go to bench/lrs-results.json.
//
//   LRS_BENCH_SIZES=10000,100000,1000000   store sizes at which queries are timed
//   LRS_BENCH_STORES=pglite,postgres        which stores to run (postgres needs DATABASE_URL)
//   LRS_BENCH_ROUNDS=3                      ingest rounds per batch size (the median is kept)
//
// Ingest is timed for one sequential client in batches of 1, 10 and 100, and for 20 clients at
// once each sending batches of 1 and of 100 (a classroom syncing together); then, at each store
// size, queries and one client's ingest one statement at a time (does it slow as the store fills?). Every answer comes
// after the write is committed and on disk (fsync on, both stores); after each round the last
// statement answered is read back by id at once, and must be there.
//
// The service runs as its own process (src/server/main.ts), as in production (on the embedded
// store it has two busy threads: HTTP, and the database); this process is the client, with
// one keep-alive connection per sender (http-client.mjs) and request bodies made before the
// clock starts, so that it takes as little of the machine's two cores as it can.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Connection } from './http-client.mjs';

const root = path.resolve(import.meta.dirname, '..');
const NODE = existsSync(path.join(root, 'node_modules/.bin/node'))
  ? path.join(root, 'node_modules/.bin/node')
  : process.execPath;
const sizes = (process.env.LRS_BENCH_SIZES ?? '10000,100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0)
  .sort((a, b) => a - b);
const rounds = Number(process.env.LRS_BENCH_ROUNDS ?? 3);
const wanted = (process.env.LRS_BENCH_STORES ?? 'pglite,postgres').split(',');
const QUERY_RUNS = 60;
// [clients, statements per request, statements per round]
const INGEST_RUNS = [
  [1, 1, 1000],
  [1, 10, 3000],
  [1, 100, 10000],
  [20, 1, 2000],
  [20, 100, 20000],
];

const VERBS = [
  'launched',
  'initialized',
  'answered',
  'completed',
  'passed',
  'failed',
  'terminated',
].map((v) => `https://w3id.org/xapi/adl/verbs/${v}`);
const COURSE = 'https://peacekeeping.example.org/course/child-protection';
const MODULES = Array.from({ length: 4 }, (_, i) => `${COURSE}/module-${i + 1}`);

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function percentile(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

function learnerCount(total) {
  return Math.max(100, Math.floor(total / 100));
}

// Statements shaped like the course's cmi5 traffic: a learner, a module or question, a
// registration per learner, the course as parent context.
function makeStatement(i, learners) {
  const learner = i % learners;
  const module = MODULES[learner % MODULES.length];
  const question = `${module}/question-${i % 20}`;
  const verb = VERBS[i % VERBS.length];
  return {
    id: randomUUID(),
    actor: {
      objectType: 'Agent',
      account: { homePage: 'https://peacekeeping.example.org', name: `learner-${learner}` },
    },
    verb: { id: verb, display: { en: verb.split('/').pop() } },
    object: {
      id: verb.endsWith('answered') ? question : module,
      definition: { name: { en: 'Item', fr: 'Élément' } },
    },
    result: verb.endsWith('answered')
      ? { success: i % 3 !== 0, response: 'b', duration: 'PT12S' }
      : undefined,
    context: {
      registration: `00000000-0000-4000-8000-${String(learner).padStart(12, '0')}`,
      contextActivities: { parent: [{ id: COURSE }], grouping: [{ id: module }] },
      language: 'en',
    },
    timestamp: new Date().toISOString(),
  };
}

function startService(env) {
  const child = spawn(NODE, ['src/server/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SITE_DIR: 'does-not-exist', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d) => {
      out += d.toString();
      const m = /LRS listening on (http:\/\/\S+) /.exec(out);
      if (m) {
        const key = /key:\s+(\S+)/.exec(out)?.[1];
        const secret = /secret:\s+(\S+)/.exec(out)?.[1];
        resolve({
          child,
          url: m[1],
          auth: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`service exited (${code}):\n${out}`)));
  });
}

async function stopService(service) {
  service.child.kill('SIGTERM');
  await new Promise((r) => service.child.once('exit', r));
}

function statementHeaders(service) {
  return {
    Authorization: service.auth,
    'X-Experience-API-Version': '1.0.3',
    'Content-Type': 'application/json',
  };
}

async function post(conn, service, payload) {
  const res = await conn.request('POST', '/xapi/statements', statementHeaders(service), payload);
  if (res.status !== 200) throw new Error(`POST answered ${res.status}: ${res.text}`);
}

async function get(conn, service, query) {
  const started = performance.now();
  const res = await conn.request('GET', `/xapi/statements?${query}`, {
    Authorization: service.auth,
    'X-Experience-API-Version': '1.0.3',
  });
  if (res.status !== 200) throw new Error(`GET answered ${res.status}: ${res.text}`);
  return performance.now() - started;
}

// Request bodies are made before the clock starts, so that the time is the service's.
function payloads(requests, batch, counter, learners) {
  return Array.from({ length: requests }, () => {
    const list = Array.from({ length: batch }, () => makeStatement(counter.next++, learners));
    return JSON.stringify(batch === 1 ? list[0] : list);
  });
}

// The last statement of a body, read back by id the moment its answer has come: an answer
// means the statement is stored and queryable.
async function checkQueryable(conn, service, body) {
  const parsed = JSON.parse(body);
  const last = Array.isArray(parsed) ? parsed[parsed.length - 1] : parsed;
  const res = await conn.request('GET', `/xapi/statements?statementId=${last.id}`, {
    Authorization: service.auth,
    'X-Experience-API-Version': '1.0.3',
  });
  if (res.status !== 200)
    throw new Error(`statement ${last.id} answered but not found: ${res.status}`);
}

// `clients` senders at once (one: as one browser outbox would send), each posting `batch`
// statements a request.
async function ingest(service, clients, batch, statements, counter, learners) {
  const bodies = payloads(Math.ceil(statements / batch), batch, counter, learners);
  const conns = Array.from({ length: clients }, () => new Connection(service.url));
  try {
    const started = performance.now();
    let next = 0;
    const sender = async (conn) => {
      while (next < bodies.length) await post(conn, service, bodies[next++]);
    };
    await Promise.all(conns.map(sender));
    const rate = (bodies.length * batch) / ((performance.now() - started) / 1000);
    await checkQueryable(conns[0], service, bodies[bodies.length - 1]);
    return rate;
  } finally {
    for (const c of conns) c.close();
  }
}

async function bulkLoad(service, upTo, counter, learners) {
  const started = performance.now();
  const lanes = 2;
  const worker = async () => {
    const conn = new Connection(service.url);
    try {
      while (counter.next < upTo) {
        const n = Math.min(500, upTo - counter.next);
        const list = Array.from({ length: n }, () => makeStatement(counter.next++, learners));
        await post(conn, service, JSON.stringify(list));
      }
    } finally {
      conn.close();
    }
  };
  await Promise.all(Array.from({ length: lanes }, worker));
  return (performance.now() - started) / 1000;
}

function queries(learners) {
  const enc = (v) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v));
  const pick = (i) => `learner-${(i * 7919) % learners}`;
  const agent = (i) =>
    enc({ account: { homePage: 'https://peacekeeping.example.org', name: pick(i) } });
  return {
    agent: (i) => `agent=${agent(i)}&limit=50`,
    'agent+verb': (i) => `agent=${agent(i)}&verb=${enc(VERBS[4])}&limit=50`,
    'agent+verb+activity': (i) =>
      `agent=${agent(i)}&verb=${enc(VERBS[2])}&activity=${enc(`${MODULES[((i * 7919) % learners) % 4]}/question-${i % 20}`)}&limit=50`,
    verb: () => `verb=${enc(VERBS[4])}&limit=50`,
    activity: (i) => `activity=${enc(`${MODULES[i % 4]}/question-${i % 20}`)}&limit=50`,
    'related activity (course)': () => `activity=${enc(COURSE)}&related_activities=true&limit=50`,
    registration: (i) =>
      `registration=00000000-0000-4000-8000-${String((i * 7919) % learners).padStart(12, '0')}&limit=50`,
    since: () => `since=${enc(new Date(Date.now() - 60_000).toISOString())}&limit=50`,
  };
}

async function measureQueries(service, learners) {
  const all = [];
  const byKind = {};
  const conn = new Connection(service.url);
  for (const [name, make] of Object.entries(queries(learners))) {
    await get(conn, service, make(0)); // warm-up
    const times = [];
    for (let i = 0; i < QUERY_RUNS; i++) times.push(await get(conn, service, make(i + 1)));
    all.push(...times);
    byKind[name] = {
      p50: +percentile(times, 50).toFixed(2),
      p95: +percentile(times, 95).toFixed(2),
    };
  }
  conn.close();
  return { p50: +percentile(all, 50).toFixed(2), p95: +percentile(all, 95).toFixed(2), byKind };
}

// A store that grew to this size over weeks has had its statistics refreshed many times. After
// a bulk load of minutes, PostgreSQL's autovacuum may not have caught up yet, so the benchmark
// asks for what it would have done; the embedded store refreshes its own (AutoAnalyze) while
// statements arrive.
async function settle(name) {
  if (name !== 'postgres') return;
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  await client.query(`SET search_path TO ${currentSchema}`);
  await client.query('VACUUM ANALYZE');
  await client.end();
}
let currentSchema = 'public';

// Ingest is measured on a fresh store, then a second fresh store is loaded to each size for the
// query timings, so the sizes are exact.
async function runStore(name, makeEnv) {
  console.log(
    `\n== ${name} == (load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')})`,
  );
  const result = {
    store: name,
    date: new Date().toISOString(),
    // The machine may be shared: its load average (1, 5, 15 min) when this store's run started.
    loadAverage: os.loadavg().map((l) => +l.toFixed(1)),
    sizes,
    startupSeconds: 0,
    ingest: {},
    queries: [],
  };
  const learners = learnerCount(sizes[sizes.length - 1] ?? 10000);

  let { env, cleanup } = await makeEnv();
  const created = performance.now();
  let service = await startService(env);
  result.startupSeconds = +((performance.now() - created) / 1000).toFixed(2);
  console.log(`service ready in ${result.startupSeconds} s (creates the store)`);
  try {
    const counter = { next: 0 };
    for (const [clients, batch, statements] of INGEST_RUNS) {
      const rates = [];
      for (let r = 0; r < rounds; r++)
        rates.push(await ingest(service, clients, batch, statements, counter, learners));
      const name = clients === 1 ? `batch${batch}` : `batch${batch}x${clients}clients`;
      result.ingest[name] = {
        medianStatementsPerSecond: Math.round(median(rates)),
        rounds: rates.map(Math.round),
      };
      console.log(
        `ingest, ${clients} client(s), batches of ${batch}: median ${Math.round(median(rates))} statements/s (${rates.map(Math.round).join(', ')})`,
      );
    }
  } finally {
    await stopService(service);
    await cleanup();
  }

  ({ env, cleanup } = await makeEnv());
  service = await startService(env);
  try {
    const counter = { next: 0 };
    for (const size of sizes) {
      const seconds = await bulkLoad(service, size, counter, learners);
      await settle(name);
      const q = await measureQueries(service, learners);
      const stored = counter.next;
      // One client, one statement a request, at this size: does ingest slow as the store fills?
      const rates = [];
      for (let r = 0; r < rounds; r++)
        rates.push(await ingest(service, 1, 1, 500, counter, learners));
      result.queries.push({
        storedStatements: stored,
        loadSeconds: +seconds.toFixed(1),
        ...q,
        ingestBatch1: {
          medianStatementsPerSecond: Math.round(median(rates)),
          rounds: rates.map(Math.round),
        },
      });
      console.log(
        `${stored} stored (loaded in ${seconds.toFixed(1)} s): query p50 ${q.p50} ms, p95 ${q.p95} ms; one client, batches of 1: median ${Math.round(median(rates))} statements/s`,
      );
      for (const [kind, v] of Object.entries(q.byKind))
        console.log(`   ${kind}: p50 ${v.p50} ms, p95 ${v.p95} ms`);
    }
  } finally {
    await stopService(service);
    await cleanup();
  }
  return result;
}

const results = {
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    // The machine may be shared: its load average (1, 5, 15 min) when the run started.
    loadAverage: os.loadavg().map((l) => +l.toFixed(1)),
  },
  date: new Date().toISOString(),
  note: 'Client: bench/http-client.mjs (one keep-alive connection per sender, bodies made before timing). Ingest: one client sending sequentially over HTTP, and 20 clients at once, in batches of 1 and 100; every answer after commit and fsync, the last statement of each round read back by id at once. Queries: limit=50, 60 runs per query kind after a warm-up, latency measured by the client over HTTP.',
  stores: [],
};

if (wanted.includes('pglite')) {
  results.stores.push(
    await runStore('pglite', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'lrs-bench-'));
      return {
        env: { DATA_DIR: dir, DATABASE_URL: '' },
        cleanup: () => rm(dir, { recursive: true, force: true }),
      };
    }),
  );
}
const url = process.env.DATABASE_URL;
if (wanted.includes('postgres') && url) {
  results.stores.push(
    await runStore('postgres', async () => {
      const schema = `lrs_bench_${randomUUID().slice(0, 8)}`;
      currentSchema = schema;
      return {
        env: { DATABASE_URL: url, DATABASE_SCHEMA: schema },
        cleanup: async () => {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          await client.query(`DROP SCHEMA ${schema} CASCADE`);
          await client.end();
        },
      };
    }),
  );
} else if (wanted.includes('postgres')) {
  console.log('\n(PostgreSQL skipped: set DATABASE_URL, e.g. `source .ci/postgres.sh`)');
}

// A run of one store keeps the other store's last figures (each entry says when it was measured).
const out = path.join(root, 'bench', 'lrs-results.json');
try {
  const previous = JSON.parse(await readFile(out, 'utf8'));
  for (const entry of previous.stores ?? []) {
    if (!results.stores.some((s) => s.store === entry.store)) results.stores.push(entry);
  }
} catch {
  // No earlier figures.
}
results.stores.sort((a, b) => a.store.localeCompare(b.store));
await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwritten to ${path.relative(root, out)}`);
