import { beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { CertificationCatalog } from '../../src/server/platform/certification/rules.ts';
import {
  certificateCodeExtension,
  certificateExpiresExtension,
  SERVICE_CREDENTIAL_KEY,
} from '../../src/server/platform/certification/service.ts';
import { VERBS } from '../../src/xapi/vocabulary.ts';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import type { PlatformStore } from '../../src/server/platform/store/platform-store.ts';
import { createCredential, storeKinds, xapi, type TestServer } from './helpers.ts';
import {
  answerAttempt,
  answersTo,
  api,
  catalogOf,
  certificationStatus,
  completeModules,
  enrolAdmitted,
  POLICE,
  sendAsLearner,
  sitAttempt,
  SITE,
  startAttempt,
  submitAttempt,
  trackIn,
  usePlatform,
} from './certification-helpers.ts';

for (const kind of storeKinds()) {
  describe(`certification (${kind.name})`, () => {
    let server: TestServer;
    let db: SqlDatabase;
    let platform: PlatformStore;
    let modules: string[];
    let catalog: CertificationCatalog;
    const police = () => trackIn(catalog, POLICE);

    usePlatform(kind, [], (started) => {
      ({ server, db, platform } = started);
    });
    beforeAll(async () => {
      catalog = await catalogOf();
      modules = catalog.get(POLICE)?.rule.requiredModules ?? [];
    });

    it('starts an attempt with a form drawn on the server: one item per outcome, no key', async () => {
      const learner = await enrolAdmitted(server);
      const { status, started, text } = await startAttempt(server, learner, POLICE);
      expect(status, text).toBe(201);
      const outcomes = police().modules.flatMap((m) => m.outcomes.en ?? []);
      expect(started.questions).toHaveLength(outcomes.length);
      expect(text).not.toMatch(/"(correct|answer|target|explanation|feedback|outcomes)"/);
      // No bank id, item id or outcome id appears in the form.
      for (const m of police().modules) {
        for (const item of m.banks.en?.items ?? []) expect(text).not.toContain(item.id);
      }
      const expires = new Date(started.expiresAt).getTime() - new Date(started.startedAt).getTime();
      expect(expires).toBe(60 * 60_000);
      // Starting again while it is open hands back the same attempt, not a new draw.
      const again = await startAttempt(server, learner, POLICE);
      expect(again.status).toBe(200);
      expect(again.started).toEqual(started);
    });

    it('grades a French attempt with the same key and records it under the service', async () => {
      const learner = await enrolAdmitted(server, { language: 'fr' });
      const pass = await sitAttempt(server, learner, police(), true, 'fr');
      const { started } = pass;
      expect(started.lang).toBe('fr');
      // Every prompt drawn is from the French bank (its prompts open so; the English ones do not).
      for (const q of started.questions) expect(q.prompt).toMatch(/^(Que faites-vous|Question) /);
      expect(pass.result).toMatchObject({ passed: true, scaled: 1 });
      expect(pass.result.outcomes.every((o) => o.met)).toBe(true);
      expect(pass.result.outcomes[0]?.review).toMatch(/^\/fr\/modules\/fx-[a-z]+\/#outcome-/);
      const recorded = await db.query<{ lang: string; name: string; verb: string }>(
        `SELECT statement->'context'->>'language' AS lang,
           statement->'object'->'definition'->'name'->>'fr' AS name, verb_id AS verb
         FROM statements WHERE actor_ifi = $1 AND credential_key = 'service:certification'
         ORDER BY stored, seq`,
        [`agent|account|${SITE}|${learner.learnerId}`],
      );
      // The pass, and the certificate it earns ("completed" on the track).
      expect(recorded).toEqual([
        { lang: 'fr', name: police().titles.fr, verb: VERBS.passed },
        { lang: null, name: police().titles.fr, verb: VERBS.completed },
      ]);
      // Graded once: a second submission of the same attempt is refused.
      const twice = await answerAttempt(server, learner, police(), started, true);
      expect(twice.status).toBe(409);
    });

    it('refuses attempts without a credential (401), with a service credential (403), on no track (404)', async () => {
      expect((await api(server, `/api/assessments/${POLICE}/attempts`, { body: {} })).status).toBe(
        401,
      );
      const admin = await createCredential(server.store, ['all']);
      const res = await api(server, `/api/assessments/${POLICE}/attempts`, {
        authorization: admin.authorization,
        body: {},
      });
      expect(res.status).toBe(403);
      const learner = await enrolAdmitted(server);
      expect((await startAttempt(server, learner, 'no-such-track')).status).toBe(404);
    });

    it('grades only a complete answer sheet: 400 naming the items missing, and for malformed answers', async () => {
      const learner = await enrolAdmitted(server);
      const { started } = await startAttempt(server, learner, POLICE);
      const right = answersTo(police(), started, true);
      const [first, second] = started.questions;
      if (first === undefined || second === undefined) throw new Error('empty form');
      const partial = Object.fromEntries(Object.entries(right).slice(2));
      const missing = await submitAttempt(server, learner, started, partial);
      expect(missing.status).toBe(400);
      expect(missing.text).toContain(first.id);
      expect(missing.text).toContain(second.id);
      expect(missing.text).toMatch(/not answered: 1 \(/);
      const bad: unknown[] = [
        { ...right, [first.id]: 'x'.repeat(20) },
        { ...right, [first.id]: { decision: 42 } },
        { ...right, 'no-such-item': ['a'] },
        'not an object',
        [right],
      ];
      for (const responses of bad) {
        const res = await submitAttempt(server, learner, started, responses);
        expect(res.status, JSON.stringify(responses).slice(0, 80)).toBe(400);
      }
      const noBody = await api(server, `/api/assessments/${POLICE}/attempts/${started.attempt}`, {
        authorization: learner.authorization,
        body: { responses: right, extra: 1 },
      });
      expect(noBody.status).toBe(400);
      // Nothing was graded: the attempt still takes the full sheet.
      const graded = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM attempts WHERE id = $1::uuid AND submitted_at IS NOT NULL',
        [started.attempt],
      );
      expect(graded[0]?.n).toBe(0);
      const ok = await submitAttempt(server, learner, started, right);
      expect(ok.status, ok.text).toBe(200);
    });

    it("refuses another learner's attempt (404) and an expired one (410)", async () => {
      const owner = await enrolAdmitted(server);
      const other = await enrolAdmitted(server, { serviceNumber: 'SN-OTHER-1' });
      const { started } = await startAttempt(server, owner, POLICE);
      const right = answersTo(police(), started, true);
      expect((await submitAttempt(server, other, started, right)).status).toBe(404);
      await db.query(
        `UPDATE attempts SET expires_at = now() - interval '1 second' WHERE id = $1::uuid`,
        [started.attempt],
      );
      expect((await submitAttempt(server, owner, started, right)).status).toBe(410);
    });

    it('never certifies on a "passed" statement forged with the learner credential', async () => {
      const learner = await enrolAdmitted(server);
      await completeModules(server, learner, modules);
      const forged = await sendAsLearner(server, learner, {
        actor: learner.actor,
        verb: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { en: 'passed' } },
        object: { id: `${SITE}/xapi/activities/assessment/police-pre-deployment-certification` },
        result: { success: true, score: { scaled: 1 } },
      });
      expect(forged.status).toBe(200);
      const status = await certificationStatus(server, learner);
      expect(status.status).toBe(200);
      expect(status.json).toMatchObject({ passed: false, missingModules: [], certificate: null });
      const count = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM certificates WHERE learner_ifi = $1',
        [`agent|account|${SITE}|${learner.learnerId}`],
      );
      expect(count[0]?.n).toBe(0);
    });

    it('records a failed attempt under the service authority, per outcome not met, and issues nothing', async () => {
      const learner = await enrolAdmitted(server);
      await completeModules(server, learner, modules);
      const res = await sitAttempt(server, learner, police(), false);
      const { started } = res;
      expect(res.result).toMatchObject({ passed: false, scaled: 0 });
      expect(res.result.outcomes.map((o) => o.met)).toEqual(started.questions.map(() => false));
      // Per outcome, never per item: no form id is in the result.
      for (const q of started.questions) expect(res.text).not.toContain(q.id);
      expect(res.text).not.toMatch(/"(correct|answer|explanation|score)"/);
      const rows = await db.query<{
        id: string;
        credential_key: string;
        statement: { authority: { account: { name: string } } };
      }>(
        `SELECT id::text AS id, credential_key, statement FROM statements
         WHERE verb_id = 'http://adlnet.gov/expapi/verbs/failed' AND actor_ifi = $1`,
        [`agent|account|${SITE}|${learner.learnerId}`],
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]?.credential_key).toBe('service:certification');
      expect(rows[0]?.statement.authority.account.name).toBe('service:certification');
      const attempts = await platform.attempts.ofLearner(
        `agent|account|${SITE}|${learner.learnerId}`,
      );
      expect(attempts).toEqual([
        expect.objectContaining({
          id: started.attempt,
          trackId: POLICE,
          language: 'en',
          grade: expect.objectContaining({
            passed: false,
            scaled: 0,
            statementId: rows[0]?.id,
          }) as unknown,
        }),
      ]);
      const status = await certificationStatus(server, learner);
      expect(status.json).toMatchObject({ passed: false, certificate: null });
    });

    it('issues a certificate on the pass the service recorded, whatever the device reports of modules', async () => {
      const learner = await enrolAdmitted(server, { name: 'Jean Mukendi' });
      const { started } = await startAttempt(server, learner, POLICE);
      const pass = await answerAttempt(server, learner, police(), started, true);
      expect(pass.status).toBe(200);
      expect(pass.result).toMatchObject({ passed: true, scaled: 1 });
      // No module completion was reported: the graded attempt, which covers every outcome of
      // the track's modules, is what the certificate rests on.
      const status = await certificationStatus(server, learner);
      expect(status.status, status.text).toBe(200);
      expect(status.json).toMatchObject({ passed: true, missingModules: modules });
      const certificate = (
        status.json as {
          certificate: { code: string; learnerName: string; expiresAt: string; issuedAt: string };
        }
      ).certificate;
      // Completions the device reports later change nothing on it.
      await completeModules(server, learner, modules);
      const after = await certificationStatus(server, learner);
      expect(after.json).toMatchObject({ missingModules: [], certificate });
      expect(certificate.learnerName).toBe('Jean Mukendi');
      expect(certificate.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      const months =
        (new Date(certificate.expiresAt).getTime() - new Date(certificate.issuedAt).getTime()) /
        (30.4 * 86_400_000);
      expect(Math.round(months)).toBe(24);
      // Asking again gives the same certificate, not a second one.
      const again = await certificationStatus(server, learner);
      expect((again.json as { certificate: { code: string } }).certificate.code).toBe(
        certificate.code,
      );

      // The certificate is in the LRS too, once: "completed" on the track, under the service's
      // authority, with the code's hash and never the code. The learner can read it back.
      const stored = certificate.code.replace(/-/g, '');
      const own = await xapi(
        server,
        learner,
        `/xapi/statements?verb=${encodeURIComponent(VERBS.completed)}&activity=${encodeURIComponent(
          `${SITE}/xapi/activities/track/${POLICE}`,
        )}`,
      );
      expect(own.status).toBe(200);
      const statements = (own.json as { statements: Record<string, unknown>[] }).statements;
      expect(statements).toHaveLength(1);
      expect(statements[0]).toMatchObject({
        actor: { account: { homePage: SITE, name: learner.learnerId } },
        verb: { id: VERBS.completed },
        object: { id: `${SITE}/xapi/activities/track/${POLICE}` },
        authority: { account: { name: SERVICE_CREDENTIAL_KEY } },
        result: {
          completion: true,
          success: true,
          extensions: {
            [certificateCodeExtension(SITE)]: createHash('sha256').update(stored).digest('hex'),
            [certificateExpiresExtension(SITE)]: certificate.expiresAt,
          },
        },
      });
      expect(JSON.stringify(statements[0])).not.toContain(stored);
      const linked = await db.query<{ statement_id: string }>(
        'SELECT statement_id::text FROM certificates WHERE code = $1',
        [stored],
      );
      expect(linked).toEqual([{ statement_id: statements[0]?.id }]);

      const verified = await api(
        server,
        `/api/certificates/${certificate.code.toLowerCase().replace(/-/g, ' ')}`,
      );
      expect(verified.status).toBe(200);
      expect(verified.json).toEqual({
        status: 'valid',
        code: certificate.code,
        name: 'Jean Mukendi',
        track: POLICE,
        trackTitles: expect.any(Object) as unknown,
        issuedAt: certificate.issuedAt,
        expiresAt: certificate.expiresAt,
        // From the service's SITE_URL, never the address the request came to.
        verifyUrl: `${SITE}/en/verify/?code=${certificate.code}`,
      });
      const qr = await api(server, `/api/certificates/${certificate.code}/qr.svg?lang=fr`);
      expect(qr.status).toBe(200);
      expect(qr.headers.get('content-type')).toContain('image/svg+xml');
      expect(qr.text).toContain('<svg');

      await db.query(
        `UPDATE certificates SET expires_at = now() - interval '1 day' WHERE code = $1`,
        [certificate.code.replace(/-/g, '')],
      );
      const expired = await api(server, `/api/certificates/${certificate.code}`);
      expect(expired.json).toMatchObject({ status: 'expired' });
    });

    it('allows 3 attempts in 24 hours: the fourth gets 429 with Retry-After', async () => {
      const learner = await enrolAdmitted(server);
      const statuses: number[] = [];
      let refused: Awaited<ReturnType<typeof startAttempt>> | undefined;
      for (let i = 0; i < 4; i += 1) {
        const res = await startAttempt(server, learner, POLICE);
        statuses.push(res.status);
        if (res.status !== 201) {
          refused = res;
          break;
        }
        const graded = await answerAttempt(server, learner, police(), res.started, false);
        expect(graded.result.attemptsLeft).toBe(2 - i);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
      expect(refused?.text).toMatch(/at most 3 attempts in 24 hours/);
      const wait = Number(refused?.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(23 * 3600);
      expect(wait).toBeLessThanOrEqual(24 * 3600);
    });

    it('refuses a new attempt within the cool-down after a fail (military fixture: 30 min)', async () => {
      const learner = await enrolAdmitted(server, { role: 'military', serviceNumber: 'M-77' });
      const military = trackIn(catalog, 'military-pre-deployment');
      const failed = await sitAttempt(server, learner, military, false);
      expect(failed.result.passed).toBe(false);
      expect(failed.result.nextAttemptAt).not.toBeNull();
      const res = await startAttempt(server, learner, 'military-pre-deployment');
      expect(res.status).toBe(429);
      expect(res.text).toMatch(/wait 30 min before the next/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(29 * 60);
    });

    it('starts no more attempts once passed (409)', async () => {
      const learner = await enrolAdmitted(server);
      const { started } = await startAttempt(server, learner, POLICE);
      await answerAttempt(server, learner, police(), started, true);
      expect((await startAttempt(server, learner, POLICE)).status).toBe(409);
    });
  });
}
