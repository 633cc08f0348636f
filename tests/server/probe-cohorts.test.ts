import { describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { sleep, storeKinds, type TestServer } from './helpers.ts';
import {
  api,
  enrol,
  openCohort,
  staffLogin,
  usePlatform,
  type EnrolledLearner,
} from './certification-helpers.ts';

// Hostile and careless requests to cohort admission: seats are never exceeded, whatever arrives at
// once, and a trainer changes only their own cohorts.

const POLICE = 'police-pre-deployment';

for (const kind of storeKinds()) {
  describe(`cohort admission under attack (${kind.name})`, () => {
    let server: TestServer;
    let db: SqlDatabase;
    usePlatform(
      kind,
      [
        ['probe-owner', 'trainer'],
        ['probe-rival', 'trainer'],
        ['probe-dpo', 'dpo'],
      ],
      (started) => {
        ({ server, db } = started);
      },
    );

    const join = (learner: EnrolledLearner, code: unknown) =>
      api(server, '/api/cohorts/join', { authorization: learner.authorization, body: { code } });
    const patch = (who: { cookie: string; csrf: string }, code: string, body: unknown) =>
      api(server, `/api/cohorts/${code}`, {
        method: 'PATCH',
        headers: { Cookie: who.cookie, 'X-CSRF-Token': who.csrf },
        body,
      });
    const glance = async (who: { cookie: string }, code: string) => {
      const res = await api(server, `/api/cohorts/${code}`, { headers: { Cookie: who.cookie } });
      const json = res.json as { seats: number; seatsTaken: unknown[]; closed: boolean };
      return { seats: json.seats, learners: json.seatsTaken.length, closed: json.closed };
    };

    it('seats 5 of 50 learners joining a 5-seat cohort at once, and refuses the 45 others with 409', async () => {
      const owner = await staffLogin(server, 'probe-owner');
      const cohort = await openCohort(server, owner, POLICE, 5);
      const learners = await Promise.all(Array.from({ length: 50 }, () => enrol(server)));
      const answers = await Promise.all(learners.map((l) => join(l, cohort.code)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(45);
      for (const a of answers.filter((x) => x.status === 409)) {
        expect(a.json).toMatchObject({ code: 'cohort_full' });
      }
      expect(await glance(owner, cohort.code)).toMatchObject({ seats: 5, learners: 5 });
    });

    it('never leaves fewer seats than learners when the trainer lowers the seats while learners join', async () => {
      const owner = await staffLogin(server, 'probe-owner');
      for (let round = 0; round < 6; round += 1) {
        const cohort = await openCohort(server, owner, POLICE, 10);
        const learners = await Promise.all(Array.from({ length: 8 }, () => enrol(server)));
        for (const l of learners.slice(0, 4)) expect((await join(l, cohort.code)).status).toBe(200);
        // Four more join while the trainer sets the seats to the four already taken.
        const [lowered] = await Promise.all([
          patch(owner, cohort.code, { seats: 4 }),
          ...learners.slice(4).map((l) => join(l, cohort.code)),
        ]);
        expect([200, 409]).toContain(lowered.status);
        const now = await glance(owner, cohort.code);
        expect(now.learners, `round ${round}`).toBeLessThanOrEqual(now.seats);
      }
    });

    it('does not lower the seats below a join that commits while the change waits for it', async () => {
      const owner = await staffLogin(server, 'probe-owner');
      const cohort = await openCohort(server, owner, POLICE, 10);
      const learners = await Promise.all(Array.from({ length: 5 }, () => enrol(server)));
      for (const l of learners.slice(0, 4)) expect((await join(l, cohort.code)).status).toBe(200);
      // The fifth learner's join, held open at the point where it holds the cohort's row and has
      // taken its seat (as POST /api/cohorts/join does), while the trainer lowers the seats to 4.
      let lowered: Promise<Awaited<ReturnType<typeof patch>>> | undefined;
      await db.transaction(async (tx) => {
        await tx.query('SELECT code FROM cohorts WHERE code = $1 FOR UPDATE', [cohort.code]);
        await tx.query(
          'UPDATE learners SET cohort = $2, cohort_joined_at = now() WHERE learner_id = $1',
          [learners[4]?.learnerId, cohort.code],
        );
        lowered = patch(owner, cohort.code, { seats: 4 });
        await sleep(500);
      });
      const answer = await lowered;
      expect(answer?.status).toBe(409);
      expect(answer?.json).toMatchObject({ code: 'seats_taken' });
      expect(await glance(owner, cohort.code)).toMatchObject({ seats: 10, learners: 5 });
    });

    it("lets no other trainer, nor the DPO, change a trainer's cohort", async () => {
      const owner = await staffLogin(server, 'probe-owner');
      const cohort = await openCohort(server, owner, POLICE, 7);
      const rival = await staffLogin(server, 'probe-rival');
      const dpo = await staffLogin(server, 'probe-dpo');
      expect((await patch(rival, cohort.code, { seats: 200 })).status).toBe(404);
      expect((await patch(rival, cohort.code.toLowerCase(), { closed: true })).status).toBe(404);
      expect((await patch(dpo, cohort.code, { closed: true })).status).toBe(403);
      expect(
        (await api(server, `/api/cohorts/${cohort.code}`, { headers: { Cookie: rival.cookie } }))
          .status,
      ).toBe(404);
      expect(await glance(owner, cohort.code)).toMatchObject({ seats: 7, closed: false });
    });

    it('answers 4xx to bad changes and bad codes, and changes nothing', async () => {
      const owner = await staffLogin(server, 'probe-owner');
      const cohort = await openCohort(server, owner, POLICE, 7);
      for (const body of [
        { seats: '5' },
        { seats: 0 },
        { seats: 201 },
        { seats: 1.5 },
        { seats: null },
        { seats: 1e308 },
        { closed: 'yes' },
        { closed: null },
        { seats: 5, name: 'renamed' },
        {},
        [],
        'x',
      ]) {
        const res = await patch(owner, cohort.code, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      for (const code of ['%00', 'a%00b', 'x'.repeat(5000), '..%2F..', '%C0%AF', '%FF']) {
        const res = await patch(owner, code, { seats: 5 });
        expect(res.status, code.slice(0, 20)).toBeGreaterThanOrEqual(400);
        expect(res.status, code.slice(0, 20)).toBeLessThan(500);
      }
      expect(await glance(owner, cohort.code)).toMatchObject({ seats: 7, closed: false });
      const before = (await api(server, '/api/cohorts', { headers: { Cookie: owner.cookie } }))
        .json as unknown[];
      for (const body of [
        { name: 'a\ud800b', track: POLICE },
        { name: 'a\u0000b', track: POLICE },
        { name: 'x'.repeat(81), track: POLICE },
        { name: 'ok', track: 'x'.repeat(10_000) },
        { name: 'ok', track: POLICE, seats: '40' },
      ]) {
        const res = await api(server, '/api/cohorts', {
          headers: { Cookie: owner.cookie, 'X-CSRF-Token': owner.csrf },
          body,
        });
        expect(res.status, JSON.stringify(body).slice(0, 40)).toBeGreaterThanOrEqual(400);
        expect(res.status, JSON.stringify(body).slice(0, 40)).toBeLessThan(500);
      }
      const after = (await api(server, '/api/cohorts', { headers: { Cookie: owner.cookie } }))
        .json as unknown[];
      expect(after).toHaveLength(before.length);

      const learner = await enrol(server);
      for (const code of [
        '',
        'x'.repeat(10_000),
        'a\u0000b',
        '\ud800',
        42,
        null,
        ['A'],
        { a: 1 },
      ]) {
        const res = await join(learner, code);
        expect(res.status, JSON.stringify(code).slice(0, 20)).toBeGreaterThanOrEqual(400);
        expect(res.status, JSON.stringify(code).slice(0, 20)).toBeLessThan(500);
      }
      // Closed: refused; open again: admitted once, and only once.
      expect((await patch(owner, cohort.code, { closed: true })).status).toBe(200);
      expect((await join(learner, cohort.code)).json).toMatchObject({ code: 'cohort_closed' });
      expect((await patch(owner, cohort.code, { closed: false })).status).toBe(200);
      expect((await join(learner, cohort.code)).status).toBe(200);
      expect((await join(learner, cohort.code)).status).toBe(409);
      expect(await glance(owner, cohort.code)).toMatchObject({ learners: 1 });
    });
  });
}
