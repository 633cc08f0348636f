// Live questions under load: `npm run bench:live [-- RUNS]` (default 12 runs). Starts the real
// service (node src/server/main.ts) on a fresh embedded store, and on PostgreSQL too when
// DATABASE_URL is set (in a schema of its own, dropped afterwards); makes a trainer account with
// the staff CLI while the service runs, signs in over HTTP, opens a cohort and keeps the room's
// event stream open as the projector does. Each run puts a new question to the room, then 40
// simulated phones answer it at once over HTTP (each its own connection and token); the figure is
// the time from the first answer sent until the trainer's stream has shown all 40. Prints median
// and p95 over the runs (the target is under 1 s) and writes bench/live.json.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '..');
// 12 runs and a warm-up: 520 answers, under the service's 600 answers a minute per address.
const runs = Number(process.argv[2] ?? 12);
const PHONES = 40;
const PASSWORD = 'bench trainer password, long enough';

function freePort() {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}

const quantile = (sorted, q) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const round = (ms) => Math.round(ms * 10) / 10;

/** Starts the service with `env`; resolves once it answers. */
async function startService(env) {
  const port = freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['src/server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      ...env,
      PORT: port,
      HOST: '127.0.0.1',
      SITE_URL: 'http://192.168.1.10:8080',
      SITE_DIR: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(`${url}/xapi/about`)).ok) return { url, child };
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the service did not start');
}

/** Reads the room's event stream, calling `onState` with each state. */
async function openStream(url, code, onState) {
  const controller = new AbortController();
  const res = await fetch(`${url}/api/live/rooms/${code}/events`, {
    headers: { Accept: 'text/event-stream' },
    signal: controller.signal,
  });
  if (res.status !== 200) throw new Error(`events: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (block.includes('event: state') && data !== '') onState(JSON.parse(data));
        }
      }
    } catch {
      // aborted
    }
  })();
  return () => controller.abort();
}

async function measure(kind) {
  const schema = `live_bench_${randomBytes(4).toString('hex')}`;
  const dir = kind === 'pglite' ? await mkdtemp(path.join(tmpdir(), 'live-bench-')) : null;
  const env =
    kind === 'pglite'
      ? { DATA_DIR: dir, DATABASE_URL: '' }
      : { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: schema };
  const { url, child } = await startService(env);
  let stopStream = null;
  try {
    execFileSync(
      process.execPath,
      [
        'src/server/staff-cli.ts',
        'create',
        '--name',
        'bench-trainer',
        '--role',
        'trainer',
        '--password-stdin',
      ],
      {
        cwd: root,
        env: { ...process.env, ...env },
        input: PASSWORD,
        stdio: ['pipe', 'ignore', 'inherit'],
      },
    );
    const login = await fetch(`${url}/api/staff/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'bench-trainer', password: PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const { csrfToken } = await login.json();
    const staff = { cookie, 'x-csrf-token': csrfToken, 'Content-Type': 'application/json' };
    const cohort = await fetch(`${url}/api/cohorts`, {
      method: 'POST',
      headers: staff,
      body: JSON.stringify({ name: 'Bench room', track: 'police-pre-deployment' }),
    });
    const { code } = await cohort.json();

    // The projector's stream, open for the whole session.
    let waiting = null;
    stopStream = await openStream(url, code, (state) => {
      if (waiting !== null && state.question?.id === waiting.id && state.answers >= PHONES) {
        waiting.resolve(performance.now());
      }
    });
    // fetch opens a connection per request in flight, so the 40 answers travel side by side.
    const phones = Array.from({ length: PHONES }, (_, i) => i);
    const times = [];
    const answerMs = [];
    for (let run = 0; run < runs + 1; run += 1) {
      const started = await fetch(`${url}/api/live/rooms/${code}/questions`, {
        method: 'POST',
        headers: staff,
        body: JSON.stringify({
          module: 'children-in-contact-with-the-law',
          question: 'sixteen-in-adult-court',
          lang: 'en',
        }),
      });
      if (started.status !== 201)
        throw new Error(`start: ${started.status} ${await started.text()}`);
      const { id, state } = await started.json();
      const letters = state.question.options.map((o) => o.letter);
      await new Promise((r) => setTimeout(r, 200));
      const seen = new Promise((resolve) => {
        waiting = { id, resolve };
      });
      const t0 = performance.now();
      const statuses = await Promise.all(
        phones.map(async (i) => {
          const sent = performance.now();
          const res = await fetch(`${url}/api/live/rooms/${code}/answers`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              question: id,
              choice: [letters[i % letters.length]],
              participant: randomUUID().replaceAll('-', ''),
            }),
          });
          await res.arrayBuffer();
          if (run > 0) answerMs.push(performance.now() - sent);
          return res.status;
        }),
      );
      if (statuses.some((s) => s !== 201)) throw new Error(`answers: ${statuses.join(',')}`);
      const t1 = await Promise.race([
        seen,
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('the stream never showed all answers')), 30_000),
        ),
      ]);
      waiting = null;
      // The first run warms the service up and is not counted.
      if (run > 0) times.push(t1 - t0);
    }
    times.sort((a, b) => a - b);
    answerMs.sort((a, b) => a - b);
    return {
      runs: times.length,
      medianMs: round(quantile(times, 0.5)),
      p95Ms: round(quantile(times, 0.95)),
      maxMs: round(times.at(-1)),
      answerMedianMs: round(quantile(answerMs, 0.5)),
      answerP95Ms: round(quantile(answerMs, 0.95)),
      allMs: times.map(round),
    };
  } finally {
    stopStream?.();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    if (dir !== null) await rm(dir, { recursive: true, force: true });
    if (kind === 'postgres') {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  }
}

const kinds = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const results = {};
for (const kind of kinds) {
  results[kind] = await measure(kind);
  const r = results[kind];
  console.log(
    `${kind}: ${PHONES} phones answer at once; until the trainer's stream shows all ${PHONES}: median ${r.medianMs} ms, p95 ${r.p95Ms} ms, max ${r.maxMs} ms over ${r.runs} runs (one answer's round trip: median ${r.answerMedianMs} ms, p95 ${r.answerP95Ms} ms)`,
  );
}
await writeFile(
  path.join(root, 'bench/live.json'),
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      command: 'npm run bench:live',
      phones: PHONES,
      targetMs: 1000,
      machine: { cpus: availableParallelism(), loadavg1: Math.round(loadavg()[0] * 100) / 100 },
      results,
    },
    null,
    2,
  )}\n`,
);
console.log('written to bench/live.json');
