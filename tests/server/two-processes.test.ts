// Two service processes on one PostgreSQL database, driven alternately as a load balancer would:
// everything a learner or a trainer starts on one continues on the other, certificates are issued
// once, and the rate limits count the attempts made on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadCatalog,
  type CertificationTrack,
} from '../../src/server/platform/certification/rules.ts';
import {
  answersTo,
  api,
  completeModules,
  enrol,
  POLICE,
  SITE,
  startAttempt,
  submitAttempt,
  trackIn,
  type EnrolledLearner,
} from './certification-helpers.ts';
import {
  dropSchema,
  newSchema,
  newTempDir,
  postgresTestsRun,
  postgresUrl,
  removeDir,
  type TestServer,
} from './helpers.ts';
import { exited, runCli, startService, type ServiceProcess } from './process-helpers.ts';

// Needs PostgreSQL: without DATABASE_URL it runs only in CI, where it then fails with the reason.
describe.runIf(postgresTestsRun())('two service processes on one PostgreSQL database', () => {
  let a: ServiceProcess;
  let b: ServiceProcess;
  let env: Record<string, string>;
  let track: CertificationTrack;
  let cleanup = (): Promise<void> => Promise.resolve();
  const server = (p: ServiceProcess) => ({ url: p.url }) as TestServer;

  beforeAll(async () => {
    const url = postgresUrl();
    const schema = newSchema('lrs_two');
    const dir = await newTempDir('lrs-two-');
    cleanup = async () => {
      await dropSchema(url, schema);
      await removeDir(dir);
    };
    env = { DATABASE_URL: url, DATABASE_SCHEMA: schema, DATA_DIR: dir, SITE_URL: SITE };
    // One after the other: the second finds the schema made; both at once is the migrations'
    // advisory lock's business (migrations.test.ts).
    a = await startService(env);
    b = await startService(env);
    track = trackIn(await loadCatalog(), POLICE);
  }, 120_000);
  afterAll(async () => {
    for (const p of [a, b] as (ServiceProcess | undefined)[]) {
      if (p === undefined) continue;
      p.child.kill('SIGTERM');
      await exited(p.child);
    }
    await cleanup();
  });

  /** Signs a staff account in on one process: its cookie and CSRF token. */
  async function signIn(on: ServiceProcess, name: string, password: string) {
    const res = await api(server(on), '/api/staff/login', { body: { name, password } });
    expect(res.status, res.text).toBe(200);
    return {
      cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      csrf: (res.json as { csrfToken: string }).csrfToken,
    };
  }

  /** A learner enrolled on `first` in the cohort, who signs in with a code on `second`. */
  async function learnerAcross(
    first: ServiceProcess,
    second: ServiceProcess,
    cohort: string,
    name: string,
  ): Promise<EnrolledLearner> {
    const enrolled = await enrol(server(first), { name, cohort });
    const code = await api(server(first), '/api/sign-in-codes', {
      method: 'POST',
      authorization: enrolled.authorization,
      body: {},
    });
    expect(code.status, code.text).toBe(201);
    const signedIn = await api(server(second), '/api/sign-in', {
      body: { code: (code.json as { code: string }).code },
    });
    expect(signedIn.status, signedIn.text).toBe(201);
    const { key, secret } = signedIn.json as { key: string; secret: string };
    // The code works once, on either process.
    const again = await api(server(first), '/api/sign-in', {
      body: { code: (code.json as { code: string }).code },
    });
    expect(again.status).toBeGreaterThanOrEqual(400);
    expect(again.status).toBeLessThan(500);
    return {
      ...enrolled,
      key,
      secret,
      authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
    };
  }

  /** Starts the assessment on one process and submits right answers on the other. */
  async function passAcross(
    first: ServiceProcess,
    second: ServiceProcess,
    learner: EnrolledLearner,
  ): Promise<void> {
    const started = await startAttempt(server(first), learner, POLICE);
    expect(started.status, started.text).toBe(201);
    // A reload on the other process hands back the same attempt.
    const reloaded = await startAttempt(server(second), learner, POLICE);
    expect(reloaded.started.attempt).toBe(started.started.attempt);
    const passed = await submitAttempt(
      server(second),
      learner,
      started.started,
      answersTo(track, started.started, true),
    );
    expect(passed.status, passed.text).toBe(200);
    expect(passed.result.passed).toBe(true);
  }

  it('enrols on one, signs in and passes on the other, with one staff session for both', async () => {
    const created = await runCli(
      ['create', '--name', 'trainer-two', '--role', 'trainer', '--json'],
      env,
      'staff',
    );
    expect(created.code, created.stderr).toBe(0);
    const { password } = JSON.parse(created.stdout) as { password: string };

    // The trainer signs in on A and makes a cohort on B with that session.
    const session = await signIn(a, 'trainer-two', password);
    // The generated password opens only the change of password, which B makes for A's session.
    const own = await api(server(b), '/api/staff/password', {
      body: { current: password, password: 'two processes one room 5' },
      headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf },
    });
    expect(own.status, own.text).toBe(200);
    const cohort = await api(server(b), '/api/cohorts', {
      body: { name: 'Two processes', track: POLICE },
      headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf },
    });
    expect(cohort.status, cohort.text).toBe(201);
    const code = (cohort.json as { code: string }).code;

    const first = await learnerAcross(a, b, code, 'Fatou Ndiaye');
    const second = await learnerAcross(b, a, code, 'Kofi Mensah');
    await passAcross(b, a, first);
    await passAcross(a, b, second);
    await completeModules(server(a), first, track.rule.requiredModules);
    await completeModules(server(b), second, track.rule.requiredModules);

    // Each asks for their certificate on both processes at once: one certificate each.
    const codes: string[] = [];
    for (const learner of [first, second]) {
      const answers = await Promise.all(
        [a, b, a, b].map((p) =>
          api(server(p), `/api/certification/${POLICE}/status`, {
            authorization: learner.authorization,
          }),
        ),
      );
      const issued = answers.map((r) => {
        expect(r.status, r.text).toBe(200);
        return (r.json as { certificate: { code: string } | null }).certificate?.code;
      });
      expect(issued[0]).toBeDefined();
      expect(new Set(issued).size).toBe(1);
      codes.push(issued[0] ?? '');
    }
    expect(new Set(codes).size).toBe(2);
    for (const [i, c] of codes.entries()) {
      const verified = await api(server(i % 2 === 0 ? b : a), `/api/certificates/${c}`);
      expect(verified.status, verified.text).toBe(200);
    }

    // The trainer's view, on the process the session was not made on, lists both learners.
    const cohorts = await api(server(b), '/api/cohorts', {
      headers: { Cookie: session.cookie },
    });
    expect(cohorts.status, cohorts.text).toBe(200);
    expect(JSON.stringify(cohorts.json)).toContain(code);
    // Signing out on B ends the session on A too.
    const out = await api(server(b), '/api/staff/logout', {
      method: 'POST',
      body: {},
      headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf },
    });
    expect(out.status, out.text).toBeLessThan(300);
    const after = await api(server(a), '/api/cohorts', { headers: { Cookie: session.cookie } });
    expect(after.status).toBe(401);
  }, 180_000);

  it('counts a rate limit across both processes', async () => {
    // 10 sign-in attempts per account name per 15 minutes, wherever they arrive.
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await api(server(i % 2 === 0 ? a : b), '/api/staff/login', {
        body: { name: 'someone-else', password: `guess-${i}` },
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(401), ...Array<number>(4).fill(429)]);
  }, 60_000);
});
