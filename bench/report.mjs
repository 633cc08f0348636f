// The DPO completion report and the DPO's learner list over generated learners:
// `npm run bench:report [-- SIZES [POSTGRES_SIZES]]`, each a comma-separated list of learner
// counts (default 100000 on the embedded store, 100000,1000000 on PostgreSQL). Learners (rows of
// the platform's learners table), one certificate for every tenth of them, and their completed
// statements (in the LRS's tables, whose triggers count them per learner as they go in, as for
// any write) are generated inside the database in batches (one SQL statement per batch), not
// through the HTTP API. Then the completion report runs three times
// through the platform's Reports (one query: the platform's learners joined to the LRS store's
// relation of their completions), and each learner-list query (a page of 50 as the DPO's page
// asks for it: first page, a deep page, a name search, a service-number search, a country filter,
// and country, role and status together) three times; the medians are kept. The embedded store
// always, and PostgreSQL too when DATABASE_URL is set (in a schema of its own, dropped
// afterwards). Writes bench/report.json.
//
// REPORT_BENCH_SCHEMA=NAME keeps the PostgreSQL learners in that schema instead: loaded only if it
// does not yet hold that many learners, never dropped (the LRS and platform migrations not yet
// applied to it run when it is opened), so that a change can be timed at 1,000,000 learners
// without loading them again (`DROP SCHEMA NAME CASCADE` when done). A size of 0 runs nothing on
// that store (`npm run bench:report -- 0 1000000`).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseOf, openStore } from '../src/server/lrs/store/open-store.ts';
import { loadCatalog } from '../src/server/platform/certification/rules.ts';
import { CertificationService } from '../src/server/platform/certification/service.ts';
import { Reports } from '../src/server/platform/reports/reports.ts';
import { openPlatformStore } from '../src/server/platform/store/platform-store.ts';

const sizesOf = (arg, fallback) =>
  (arg ?? fallback)
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
const keptSchema = process.env.REPORT_BENCH_SCHEMA;
const sizes = {
  pglite: sizesOf(process.argv[2], '100000'),
  postgres: sizesOf(process.argv[3], '100000,1000000'),
};
const modulesEach = 5;
const site = 'https://peacekeeping.example.org';
const catalog = await loadCatalog();
const modules = [
  'cp-in-peace-operations',
  'un-system-child-protection',
  'police-coordination-cp-actors',
  'monitoring-reporting-mechanism',
  'module-five',
];
const countries = [
  'Senegal',
  'Nepal',
  'Rwanda',
  'Bangladesh',
  'India',
  'Ghana',
  'Pakistan',
  'Egypt',
];
const missions = ['MINUSCA', 'MONUSCO', 'UNMISS', 'MINUSMA'];

// One measurement on a fresh store: generate, then run the report three times.
const RUNS = 3;
async function measure(kind, learners) {
  const url = process.env.DATABASE_URL;
  const kept = kind === 'postgres' && keptSchema !== undefined && keptSchema !== '';
  const schema = kept ? keptSchema : `report_bench_${randomBytes(4).toString('hex')}`;
  const dir = kind === 'pglite' ? await mkdtemp(path.join(tmpdir(), 'report-bench-')) : null;
  const store =
    kind === 'pglite'
      ? await openStore({ dataDir: dir })
      : await openStore({ databaseUrl: url, schema });
  const db = databaseOf(store);
  const platform = await openPlatformStore(db);
  const svc = new CertificationService(store, platform, catalog, site, `${site}/xapi`);
  const reports = new Reports(svc);
  const started = performance.now();
  const batch = 10_000;
  const [{ had }] = await db.query('SELECT count(*)::int AS had FROM learners');
  if (had !== 0 && had !== learners) {
    throw new Error(`schema ${schema} holds ${String(had)} learners, not ${String(learners)}`);
  }
  for (let from = 0; had === 0 && from < learners; from += batch) {
    const to = Math.min(learners, from + batch) - 1;
    await db.query(
      `INSERT INTO learners (learner_id, agent_ifi, actor, registration, name, service_number,
         mission, country, unit, role, track_id, language, enrolled_at)
       SELECT 'l-' || i, 'agent|account|' || $1 || '|l-' || i,
         jsonb_build_object('objectType', 'Agent',
           'account', jsonb_build_object('homePage', $1::text, 'name', 'l-' || i)),
         gen_random_uuid(), 'Learner ' || i, 'SN' || i, ($3::text[])[1 + i % 4],
         ($2::text[])[1 + i % 8], 'Unit ' || (i % 40),
         CASE WHEN i % 2 = 0 THEN 'police' ELSE 'military' END,
         CASE WHEN i % 2 = 0 THEN 'police-pre-deployment' ELSE 'military-pre-deployment' END,
         'en', '2026-01-01T00:00:00Z'
       FROM generate_series($4::int, $5::int) AS i`,
      [site, countries, missions, from, to],
    );
    // Each learner has completed all five modules: 5 statements per learner.
    await db.query(
      `INSERT INTO statements (id, statement, fingerprint, stored, verb_id, actor_ifi, credential_key)
       SELECT gen_random_uuid(),
         jsonb_build_object('actor', jsonb_build_object('account', jsonb_build_object('homePage', $1::text, 'name', 'l-' || i)),
           'verb', jsonb_build_object('id', 'http://adlnet.gov/expapi/verbs/completed'),
           'object', jsonb_build_object('id', $1 || '/xapi/activities/module/' || ($2::text[])[m])),
         'f', now(), 'http://adlnet.gov/expapi/verbs/completed', 'agent|account|' || $1 || '|l-' || i, 'bench'
       FROM generate_series($3::int, $4::int) AS i, generate_series(1, $5::int) AS m`,
      [site, modules, from, to, modulesEach],
    );
    // Every tenth learner holds a certificate for their track; every hundredth, one that expired.
    await db.query(
      `INSERT INTO certificates (code, learner_ifi, learner_name, track_id, issued_at, expires_at,
         statement_id)
       SELECT 'BENCH-' || i, 'agent|account|' || $1 || '|l-' || i, 'Learner ' || i,
         CASE WHEN i % 2 = 0 THEN 'police-pre-deployment' ELSE 'military-pre-deployment' END,
         '2026-02-01T00:00:00Z',
         CASE WHEN i % 100 = 0 THEN '2026-03-01T00:00:00Z'::timestamptz
           ELSE '2030-01-01T00:00:00Z'::timestamptz END,
         gen_random_uuid()
       FROM generate_series($2::int, $3::int) AS i WHERE i % 10 = 0`,
      [site, from, to],
    );
  }
  if (had === 0) {
    await db.query(
      `INSERT INTO statement_agents (seq, ifi, direct) SELECT seq, actor_ifi, true FROM statements`,
    );
  }
  // Every table, the empty certificates and cohorts too: without statistics the planner guesses
  // them large and sorts 100,000 learners on disk to join them.
  await db.query('VACUUM ANALYZE');
  const loadSeconds = (performance.now() - started) / 1000;
  const [{ n }] = await db.query('SELECT count(*)::int AS n FROM statements');

  const runs = [];
  const cpu = [];
  let groups = [];
  const load = loadavg()[0];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    groups = await reports.completion({}, 'country');
    const c = process.cpuUsage(c0);
    runs.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  runs.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);

  // The learner list, as the DPO's page asks for it: 50 a page.
  const probe = Math.floor(learners * 0.4242);
  const listQueries = {
    firstPage: [{}, 0],
    deepPage: [{}, Math.floor(learners / 2)],
    searchName: [{ q: `Learner ${String(probe)}` }, 0],
    searchServiceNumber: [{ q: `SN${String(probe)}` }, 0],
    country: [{ country: 'nepal' }, 0],
    countryRoleStatus: [{ country: 'Senegal', role: 'police', status: 'certified' }, 0],
  };
  const list = {};
  for (const [name, [filters, offset]] of Object.entries(listQueries)) {
    const times = [];
    let page;
    for (let i = 0; i < RUNS; i += 1) {
      const t0 = performance.now();
      page = await reports.learners(filters, 50, offset);
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    list[name] = {
      medianMs: Math.round(times[Math.floor(times.length / 2)]),
      runsMs: times.map((t) => Math.round(t)),
      total: page.total,
      shown: page.learners.length,
    };
  }
  await store.close();
  if (dir !== null) await rm(dir, { recursive: true, force: true });
  if (kind === 'postgres' && !kept) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  }
  return {
    store: kind,
    learners,
    statements: n,
    loadSeconds: Math.round(loadSeconds * 10) / 10,
    ...(had === 0 ? {} : { keptSchema: schema }),
    runsMs: runs.map((r) => Math.round(r)),
    medianMs: Math.round(runs[Math.floor(runs.length / 2)]),
    // The embedded store runs in this process, so its CPU time is the query's own, whatever else
    // the machine is doing; PostgreSQL's runs in the server, out of sight.
    ...(kind === 'pglite' ? { medianCpuMs: Math.round(cpu[Math.floor(cpu.length / 2)]) } : {}),
    // Other work on the machine slows the wall-clock figures; the 1-minute load average says how much.
    loadAverage: Math.round(load * 10) / 10,
    groups: groups.length,
    enrolled: groups.reduce((s, g) => s + g.enrolled, 0),
    learnerList: list,
  };
}

const kinds = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const results = [];
// Written after every measurement, so a long run stopped part way keeps what it measured.
const save = () =>
  writeFile(new URL('./report.json', import.meta.url), `${JSON.stringify(summary(), null, 2)}\n`);
const summary = () => ({
  command: [
    'npm run bench:report',
    ...(process.argv.length > 2 ? ['--'] : []),
    ...process.argv.slice(2),
  ].join(' '),
  report:
    'completion by country (enrolled, started, completed, certified); learner list pages of 50',
  modulesEach,
  budgetMs: 1000,
  cores: availableParallelism(),
  results,
  measuredAt: new Date().toISOString(),
});
for (const kind of kinds) {
  for (const learners of sizes[kind]) {
    const r = await measure(kind, learners);
    console.log(JSON.stringify(r));
    results.push(r);
    await save();
  }
}
console.log(JSON.stringify(summary(), null, 2));
