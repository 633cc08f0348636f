import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET, normaliseCode } from '../../src/server/platform/sign-in/codes.ts';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { api, enrol, PROFILE, SITE, staffLogin, usePlatform } from './certification-helpers.ts';
import { createCredential, storeKinds, xapi, type TestServer } from './helpers.ts';

/** The staff accounts the suite signs in with. */
const TRAINERS = [
  ['trainer-sign', 'trainer'],
  ['trainer-other', 'trainer'],
] as const;

interface SignedIn {
  key: string;
  secret: string;
  actor: Record<string, unknown>;
  registration: string;
  role?: string;
  cohort?: string;
  language?: string;
}

const basic = (key: string, secret: string) =>
  `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
const asCredential = (key: string, secret: string) => ({
  key,
  secret,
  authorization: basic(key, secret),
});

async function codeFor(server: TestServer, authorization: string): Promise<string> {
  const res = await api(server, '/api/sign-in-codes', { method: 'POST', authorization });
  expect(res.status).toBe(201);
  const body = res.json as { code: string; expiresAt: string };
  return body.code;
}

const signIn = (server: TestServer, code: unknown) =>
  api(server, '/api/sign-in', { body: { code } });

const count = async (db: SqlDatabase, sql: string, params: unknown[] = []) => {
  const rows = await db.query<{ n: number }>(sql, params);
  return rows[0]?.n ?? 0;
};

/** Credentials that still work (not revoked). */
const usable = async (server: TestServer) =>
  (await server.store.listCredentials()).filter((c) => c.revokedAt === null).length;

for (const kind of storeKinds()) {
  describe(`sign-in codes (${kind.name})`, () => {
    let server: TestServer;
    let db: SqlDatabase;

    usePlatform(kind, TRAINERS, (started) => {
      ({ server, db } = started);
    });

    it('gives a signed-in learner a short code that another device exchanges for a new credential of the same learner', async () => {
      const learner = await enrol(server, { name: 'Fatou Ndiaye', language: 'fr' });
      const res = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        authorization: learner.authorization,
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const { code, expiresAt } = res.json as { code: string; expiresAt: string };
      expect(code).toMatch(new RegExp(`^[${CODE_ALPHABET}]{5}-[${CODE_ALPHABET}]{5}$`));
      const ttl = Date.parse(expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(14 * 60 * 1000);
      expect(ttl).toBeLessThanOrEqual(15 * 60 * 1000);

      // Typed on the phone in lower case, with a space instead of the hyphen.
      const typed = code.toLowerCase().replace('-', ' ');
      const used = await signIn(server, typed);
      expect(used.status).toBe(201);
      const phone = used.json as SignedIn;
      expect(phone.key).not.toBe(learner.key);
      expect(phone.actor).toEqual(learner.actor);
      expect(phone.language).toBe('fr');
      expect(phone.role).toBe('police');

      // Same registration as the first device: the one of the learner's enrolment.
      expect(phone.registration).toBe(learner.registration);

      // The new credential writes the learner's statements, not anyone else's.
      const ok = await xapi(server, asCredential(phone.key, phone.secret), '/xapi/statements', {
        body: {
          actor: phone.actor,
          verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
          object: { id: `${SITE}/xapi/activities/course` },
        },
      });
      expect(ok.status).toBe(200);

      // Single use.
      const again = await signIn(server, code);
      expect(again.status).toBe(410);
      expect(again.json).toMatchObject({ reason: 'used' });
      expect((again.json as { message: string }).message).toMatch(/already used/);
    });

    it('keeps only a hash of the code, and each device can be revoked on its own', async () => {
      const learner = await enrol(server);
      const code = await codeFor(server, learner.authorization);
      const plain = normaliseCode(code) ?? '';
      const rows = await db.query<Record<string, unknown>>('SELECT * FROM sign_in_codes');
      expect(rows.length).toBeGreaterThan(0);
      expect(JSON.stringify(rows)).not.toContain(plain);
      const phone = (await signIn(server, code)).json as SignedIn;

      // The laptop is lost: revoking its credential leaves the phone's working.
      expect(await server.store.revokeCredential(learner.key)).toBe(true);
      const lost = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        authorization: learner.authorization,
      });
      expect(lost.status).toBe(401);
      const still = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        authorization: basic(phone.key, phone.secret),
      });
      expect(still.status).toBe(201);
    });

    it('refuses an expired code, and an older code once a newer one was issued', async () => {
      const learner = await enrol(server);
      const first = await codeFor(server, learner.authorization);
      const second = await codeFor(server, learner.authorization);
      const replaced = await signIn(server, first);
      expect(replaced.status).toBe(404);
      expect(replaced.json).toMatchObject({ reason: 'unknown' });

      await db.query(
        `UPDATE sign_in_codes SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`,
      );
      const credentials = await count(db, 'SELECT count(*)::int AS n FROM credentials');
      const expired = await signIn(server, second);
      expect(expired.status).toBe(410);
      expect(expired.json).toMatchObject({ reason: 'expired' });
      expect((expired.json as { message: string }).message).toMatch(/expired/);
      expect(await count(db, 'SELECT count(*)::int AS n FROM credentials')).toBe(credentials);
    });

    it('two devices racing with one code: exactly one gets a credential', async () => {
      const learner = await enrol(server);
      const code = await codeFor(server, learner.authorization);
      const before = await count(db, 'SELECT count(*)::int AS n FROM credentials');
      const results = await Promise.all([signIn(server, code), signIn(server, code)]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 410]);
      expect(await count(db, 'SELECT count(*)::int AS n FROM credentials')).toBe(before + 1);
    });

    it('asks for a credential, and only a learner-bound one', async () => {
      const none = await api(server, '/api/sign-in-codes', { method: 'POST' });
      expect(none.status).toBe(401);
      const admin = await createCredential(server.store, ['all']);
      const service = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        authorization: admin.authorization,
      });
      expect(service.status).toBe(403);
      expect((service.json as { message: string }).message).toMatch(/learner/);
      const bare = await createCredential(server.store, ['state'], {
        objectType: 'Agent',
        account: { homePage: SITE, name: 'l-not-enrolled' },
      });
      const unenrolled = await api(server, '/api/sign-in-codes', {
        method: 'POST',
        authorization: bare.authorization,
      });
      expect(unenrolled.status).toBe(409);
    });

    it("lets a trainer issue a code for a learner of their own cohort, and nobody else's", async () => {
      const trainer = await staffLogin(server, 'trainer-sign');
      const staff = { Cookie: trainer.cookie, 'X-CSRF-Token': trainer.csrf };
      const made = await api(server, '/api/cohorts', {
        headers: staff,
        body: { name: 'Dakar May', track: 'police-pre-deployment' },
      });
      expect(made.status).toBe(201);
      const cohort = (made.json as { code: string }).code;
      const inCohort = await enrol(server, { name: 'Awa Sarr', cohort });
      const outside = await enrol(server, { name: 'Not In Class' });
      const path = (id: string, c = cohort) => `/api/cohorts/${c}/learners/${id}/sign-in-code`;

      const issued = await api(server, path(inCohort.learnerId), {
        method: 'POST',
        headers: staff,
      });
      expect(issued.status).toBe(201);
      const used = await signIn(server, (issued.json as { code: string }).code);
      expect(used.status).toBe(201);
      const phone = used.json as SignedIn;
      expect(phone.actor).toEqual(inCohort.actor);
      expect(phone.cohort).toBe(cohort);

      const noCsrf = await api(server, path(inCohort.learnerId), {
        method: 'POST',
        headers: { Cookie: trainer.cookie },
      });
      expect(noCsrf.status).toBe(403);
      const notHers = await api(server, path(outside.learnerId), {
        method: 'POST',
        headers: staff,
      });
      expect(notHers.status).toBe(404);
      const other = await staffLogin(server, 'trainer-other');
      const otherTrainer = await api(server, path(inCohort.learnerId), {
        method: 'POST',
        headers: { Cookie: other.cookie, 'X-CSRF-Token': other.csrf },
      });
      expect(otherTrainer.status).toBe(404);
      const learnerItself = await api(server, path(inCohort.learnerId), {
        method: 'POST',
        authorization: inCohort.authorization,
      });
      expect(learnerItself.status).toBe(403);
    });

    it('rejects text that cannot be a code with a clear message, storing nothing', async () => {
      const before = await count(db, 'SELECT count(*)::int AS n FROM credentials');
      for (const code of ['', 'ABCDE', 'ABCDE-2345I', 12345, 'x'.repeat(100)]) {
        const res = await signIn(server, code);
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ reason: 'malformed' });
        expect((res.json as { message: string }).message).toMatch(/10 letters and digits/);
      }
      expect(await count(db, 'SELECT count(*)::int AS n FROM credentials')).toBe(before);
    });

    // Last: it uses up this address's allowance of failed attempts.
    it('throttles failed attempts from one address, even with a right code', async () => {
      const learner = await enrol(server);
      const code = await codeFor(server, learner.authorization);
      let status = 0;
      for (let n = 0; n < 25 && status !== 429; n += 1) {
        status = (await signIn(server, 'ABCDE-FGHJK')).status;
      }
      expect(status).toBe(429);
      const blocked = await signIn(server, code);
      expect(blocked.status).toBe(429);
      expect(blocked.json).toMatchObject({ reason: 'throttled' });
      // Until the 15-minute window that the address's first failure opened ends.
      const wait = Number(blocked.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(900);
    });
  });

  describe(`enrolment is atomic (${kind.name})`, () => {
    let server: TestServer;
    let db: SqlDatabase;

    usePlatform(kind, [], (started) => {
      ({ server, db } = started);
    });

    it('leaves no usable credential behind when the learner cannot be recorded', async () => {
      // A real failure in the real database: the learners row of one learner is refused.
      await db.query(`CREATE FUNCTION refuse_learner() RETURNS trigger LANGUAGE plpgsql AS $fn$
        BEGIN
          IF NEW.name = 'Refused Profile' THEN
            RAISE EXCEPTION 'learner write refused by the test';
          END IF;
          RETURN NEW;
        END
        $fn$`);
      await db.query(
        'CREATE TRIGGER refuse_learner BEFORE INSERT ON learners FOR EACH ROW EXECUTE FUNCTION refuse_learner()',
      );
      const before = await usable(server);
      const failed = await api(server, '/api/enrol', {
        body: { ...PROFILE, name: 'Refused Profile' },
      });
      expect(failed.status).toBe(500);
      expect(failed.json).toEqual({
        error: 'Internal Server Error',
        code: 'internal_server_error',
        message: 'internal error',
      });
      expect(await usable(server)).toBe(before);
      expect(await count(db, 'SELECT count(*)::int AS n FROM learners')).toBe(0);

      // Everyone else still enrols, with both records.
      const ok = await enrol(server, { name: 'Accepted Profile' });
      expect(await usable(server)).toBe(before + 1);
      expect((await server.store.findCredential(ok.key))?.revokedAt).toBeNull();
      expect(
        await count(db, 'SELECT count(*)::int AS n FROM learners WHERE learner_id = $1', [
          ok.learnerId,
        ]),
      ).toBe(1);
      await db.query('DROP TRIGGER refuse_learner ON learners');
    });
  });
}
