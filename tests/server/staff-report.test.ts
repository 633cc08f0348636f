import { describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { createCredential, startServer, storeKinds, type TestServer } from './helpers.ts';
import {
  api,
  completeModules,
  enrolAdmitted,
  enrol,
  answersTo,
  catalogOf,
  trackIn,
  startAttempt,
  submitAttempt,
  SITE,
  STAFF_PASSWORD,
  usePlatform,
  type EnrolledLearner,
  staffLogin,
} from './certification-helpers.ts';

/** The staff accounts the suite signs in with. */
const STAFF = [
  ['dpo-ana', 'dpo'],
  ['trainer-ben', 'trainer'],
] as const;

// A small seeded generator, so a failure can be replayed.
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

for (const kind of storeKinds()) {
  describe(`staff and reports (${kind.name})`, () => {
    let server: TestServer;
    let db: SqlDatabase;

    usePlatform(kind, STAFF, (started) => {
      ({ server, db } = started);
    });

    it('signs in with an HttpOnly, SameSite=Strict cookie and refuses wrong passwords', async () => {
      const bad = await staffLogin(server, 'dpo-ana', 'wrong password!!');
      expect(bad.res.status).toBe(401);
      expect(bad.res.headers.get('set-cookie')).toBeNull();
      const { res } = await staffLogin(server, 'dpo-ana');
      expect(res.status).toBe(200);
      const setCookie = res.headers.get('set-cookie') ?? '';
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Strict/);
      expect(setCookie).not.toMatch(/Secure/);
      const stored = await db.query<{ password_hash: string }>(
        'SELECT password_hash FROM staff_users',
      );
      expect(stored.every((r) => r.password_hash.startsWith('scrypt$32768$8$1$'))).toBe(true);
    });

    it('answers 429 with Retry-After once an account has had too many failed sign-ins, right password included', async () => {
      const guarded = await startServer(server.store, {
        siteUrl: SITE,
        rateLimits: { staffLoginPerName: { max: 2, windowMs: 60_000 } },
      });
      try {
        expect((await staffLogin(guarded, 'dpo-ana', 'wrong password!!')).res.status).toBe(401);
        expect((await staffLogin(guarded, 'DPO-ana', 'wrong password!!')).res.status).toBe(401);
        const blocked = await staffLogin(guarded, 'dpo-ana');
        expect(blocked.res.status).toBe(429);
        expect(blocked.res.headers.get('set-cookie')).toBeNull();
        const wait = Number(blocked.res.headers.get('retry-after'));
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(60);
        expect(blocked.res.json).toMatchObject({ error: 'Too Many Requests' });
        // Per account: another account signs in from the same address.
        expect((await staffLogin(guarded, 'trainer-ben')).res.status).toBe(200);
      } finally {
        await guarded.close();
      }
    });

    it('answers 401 without a session, 403 to a learner credential and to the wrong role', async () => {
      expect((await api(server, '/api/reports/completion')).status).toBe(401);
      const learner = await enrol(server);
      const asLearner = await api(server, '/api/reports/completion', {
        authorization: learner.authorization,
      });
      expect(asLearner.status).toBe(403);
      const admin = await createCredential(server.store, ['all']);
      expect(
        (await api(server, '/api/reports/completion', { authorization: admin.authorization }))
          .status,
      ).toBe(403);
      const trainer = await staffLogin(server, 'trainer-ben');
      const wrongRole = await api(server, '/api/reports/completion', {
        headers: { Cookie: trainer.cookie },
      });
      expect(wrongRole.status).toBe(403);
      const forged = await api(server, '/api/reports/completion', {
        headers: { Cookie: 'cp_staff=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      });
      expect(forged.status).toBe(401);
    });

    it('requires the CSRF token on changes and ends sessions on logout', async () => {
      const trainer = await staffLogin(server, 'trainer-ben');
      const noToken = await api(server, '/api/cohorts', {
        headers: { Cookie: trainer.cookie },
        body: { name: 'Dakar March', track: 'police-pre-deployment' },
      });
      expect(noToken.status).toBe(403);
      const ok = await api(server, '/api/cohorts', {
        headers: { Cookie: trainer.cookie, 'X-CSRF-Token': trainer.csrf },
        body: { name: 'Dakar March', track: 'police-pre-deployment' },
      });
      expect(ok.status).toBe(201);
      expect((ok.json as { code: string }).code).toMatch(/^C[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      const out = await api(server, '/api/staff/logout', {
        method: 'POST',
        headers: { Cookie: trainer.cookie, 'X-CSRF-Token': trainer.csrf },
      });
      expect(out.status).toBe(204);
      expect(
        (await api(server, '/api/cohorts', { headers: { Cookie: trainer.cookie } })).status,
      ).toBe(401);
    });

    it('rejects bad filters with 400', async () => {
      const dpo = await staffLogin(server, 'dpo-ana');
      const get = (q: string) =>
        api(server, `/api/reports/completion${q}`, { headers: { Cookie: dpo.cookie } });
      expect((await get('?groupBy=password')).status).toBe(400);
      expect((await get(`?country=${'x'.repeat(5000)}`)).status).toBe(400);
      expect((await get('?from=yesterday')).status).toBe(400);
      expect((await get('?track=unknown')).status).toBe(404);
      expect((await get('?country=a&country=b')).status).toBe(400);
      expect((await get('?drop=1')).status).toBe(400);
      // Text PostgreSQL cannot store (a NUL) is refused before any query.
      expect((await get('?mission=%00')).status).toBe(400);
      expect((await get('?cohort=a%00')).status).toBe(400);
      const nul = await api(server, '/api/staff/login', {
        body: { name: 'dpo-ana\u0000', password: STAFF_PASSWORD },
      });
      expect(nul.status).toBe(400);
    });

    it('reports figures that match a generated data set, and the cohort view and CSV agree', async () => {
      const catalog = await catalogOf();
      const trainer = await staffLogin(server, 'trainer-ben');
      const cohortRes = await api(server, '/api/cohorts', {
        headers: { Cookie: trainer.cookie, 'X-CSRF-Token': trainer.csrf },
        body: { name: 'Bamako April', track: 'military-pre-deployment' },
      });
      const cohort = (cohortRes.json as { code: string }).code;
      const next = random(20260401);
      const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
      const countries = ['SN', 'NP', 'RW', 'BD'];
      interface Expected {
        learner: EnrolledLearner;
        country: string;
        started: boolean;
        completed: boolean;
        certified: boolean;
        cohort: boolean;
      }
      const expected: Expected[] = [];
      for (let i = 0; i < 24; i += 1) {
        const inCohort = i % 4 === 0;
        const role = inCohort ? 'military' : pick(['police', 'military'] as const);
        const track = role === 'police' ? 'police-pre-deployment' : 'military-pre-deployment';
        const country = pick(countries);
        const attempts = next() < 0.6;
        const profile = {
          name: `Learner ${String(i).padStart(2, '0')}`,
          role,
          country,
          mission: pick(['MINUSCA', 'MONUSCO']),
          ...(inCohort ? { cohort } : {}),
        };
        // Graded attempts need a seat in a cohort: those who take one and are not in this test's
        // cohort hold a seat in the fixture's.
        const learner =
          attempts && !inCohort
            ? await enrolAdmitted(server, profile)
            : await enrol(server, profile);
        const modules = catalog.get(track)?.rule.requiredModules ?? [];
        const done = modules.filter(() => next() < 0.7);
        if (done.length > 0) await completeModules(server, learner, done);
        if (attempts) {
          const { started } = await startAttempt(server, learner, track);
          const graded = await submitAttempt(
            server,
            learner,
            started,
            answersTo(trackIn(catalog, track), started, true),
          );
          expect(graded.result.passed).toBe(true);
        }
        const completed = done.length === modules.length;
        expected.push({
          learner,
          country,
          started: done.length > 0 || attempts,
          completed,
          // The certificate rests on the graded pass alone, not on reported completions.
          certified: attempts,
          cohort: inCohort,
        });
      }
      const dpo = await staffLogin(server, 'dpo-ana');
      // Includes the learner enrolled (police, Senegal) by an earlier test, who did nothing.
      const res = await api(server, '/api/reports/completion?groupBy=country', {
        headers: { Cookie: dpo.cookie },
      });
      expect(res.status).toBe(200);
      const groups = (res.json as { groups: { key: string }[] }).groups;
      const want = countries
        .map((key) => {
          const rows = expected.filter((e) => e.country === key);
          const extra = key === 'SN' ? 1 : 0;
          return {
            key,
            enrolled: rows.length + extra,
            started: rows.filter((e) => e.started).length,
            completed: rows.filter((e) => e.completed).length,
            certified: rows.filter((e) => e.certified).length,
          };
        })
        .filter((g) => g.enrolled > 0)
        .sort((a, b) => a.key.localeCompare(b.key));
      expect(groups).toEqual(want);
      expect(want.some((g) => g.certified > 0)).toBe(true);

      const list = await api(server, `/api/reports/learners?q=Learner%2003&limit=5`, {
        headers: { Cookie: dpo.cookie },
      });
      const found = (list.json as { learners: { learnerId: string; name: string }[] }).learners;
      expect(found.map((l) => l.name)).toEqual(['Learner 03']);
      const detail = await api(server, `/api/reports/learners/${found[0]?.learnerId ?? ''}`, {
        headers: { Cookie: dpo.cookie },
      });
      expect(detail.status).toBe(200);
      expect(
        (await api(server, '/api/reports/learners/l-nobody', { headers: { Cookie: dpo.cookie } }))
          .status,
      ).toBe(404);

      const csv = await api(server, '/api/reports/learners.csv', {
        headers: { Cookie: dpo.cookie },
      });
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.text.trim().split('\r\n')).toHaveLength(expected.length + 2);

      const over = await api(server, '/api/reports/certified-over-time', {
        headers: { Cookie: dpo.cookie },
      });
      const months = (over.json as { months: { certified: number }[] }).months;
      expect(months.reduce((n, m) => n + m.certified, 0)).toBe(
        expected.filter((e) => e.certified).length,
      );

      const view = await api(server, `/api/cohorts/${cohort}`, {
        headers: { Cookie: trainer.cookie },
      });
      expect(view.status).toBe(200);
      const members = (view.json as { learners: { name: string; certified: boolean }[] }).learners;
      expect(members.map((m) => m.certified)).toEqual(
        expected.filter((e) => e.cohort).map((e) => e.certified),
      );
      const listed = await api(server, '/api/cohorts', { headers: { Cookie: trainer.cookie } });
      expect(listed.json).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            code: cohort,
            learners: expected.filter((e) => e.cohort).length,
          }),
        ]),
      );
    }, 120_000);
  });
}
