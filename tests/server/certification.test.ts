import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { loadCatalog } from '../../src/server/platform/certification/rules.ts';
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
  api,
  completeModules,
  enrol,
  rightAnswers,
  SITE,
  startPlatform,
} from './certification-helpers.ts';

const POLICE = 'police-pre-deployment';

for (const kind of storeKinds()) {
  describe(`certification (${kind.name})`, () => {
    let server: TestServer;
    let db: SqlDatabase;
    let platform: PlatformStore;
    let cleanup: () => Promise<void>;
    let modules: string[];

    beforeAll(async () => {
      const opened = await kind.open();
      cleanup = () => opened.cleanup();
      ({ server, db, platform } = await startPlatform(opened.store));
      modules = (await loadCatalog()).get(POLICE)?.rule.requiredModules ?? [];
    }, 60_000);
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    it('serves the graded questions to a learner without any answer key', async () => {
      const learner = await enrol(server);
      const res = await api(server, `/api/assessments/${POLICE}`, {
        authorization: learner.authorization,
      });
      expect(res.status).toBe(200);
      const body = res.json as { questions: unknown[] };
      expect(body.questions.length).toBeGreaterThanOrEqual(10);
      expect(res.text).not.toMatch(/"(correct|answer|target|explanation|feedback)"/);
    });

    it('serves the French assessment with lang=fr and scores it with the same key', async () => {
      const learner = await enrol(server, { language: 'fr' });
      const get = async (lang: string) => {
        const res = await api(server, `/api/assessments/${POLICE}?lang=${lang}`, {
          authorization: learner.authorization,
        });
        expect(res.status).toBe(200);
        return res.json as { title: string; questions: { id: string; prompt: string }[] };
      };
      const [en, fr] = [await get('en'), await get('fr')];
      expect(fr.title).toMatch(/évaluation finale/);
      // Questions come shuffled: compare by id.
      const english = new Map(en.questions.map((q) => [q.id, q.prompt]));
      expect(fr.questions.map((q) => q.id).sort()).toEqual([...english.keys()].sort());
      for (const q of fr.questions) expect(q.prompt).not.toBe(english.get(q.id));
      expect(fr.questions.map((q) => q.prompt).join(' ')).toMatch(/violations graves/);

      const pass = await api(server, `/api/assessments/${POLICE}/attempts`, {
        authorization: learner.authorization,
        body: { lang: 'fr', responses: await rightAnswers(POLICE) },
      });
      expect(pass.status, pass.text).toBe(201);
      expect(pass.json).toMatchObject({ passed: true, score: { scaled: 1 } });
      const recorded = await db.query<{ lang: string; name: string }>(
        `SELECT statement->'context'->>'language' AS lang,
           statement->'object'->'definition'->'name'->>'fr' AS name
         FROM statements WHERE actor_ifi = $1 AND credential_key = 'service:certification'`,
        [`agent|account|${SITE}|${learner.learnerId}`],
      );
      expect(recorded).toEqual([{ lang: 'fr', name: fr.title }]);
    });

    it('refuses the questions without a credential (401) or with a service credential (403)', async () => {
      expect((await api(server, `/api/assessments/${POLICE}`)).status).toBe(401);
      const admin = await createCredential(server.store, ['all']);
      const res = await api(server, `/api/assessments/${POLICE}`, {
        authorization: admin.authorization,
      });
      expect(res.status).toBe(403);
      const learner = await enrol(server);
      expect(
        (
          await api(server, '/api/assessments/no-such-track', {
            authorization: learner.authorization,
          })
        ).status,
      ).toBe(404);
    });

    it('never certifies on a "passed" statement forged with the learner credential', async () => {
      const learner = await enrol(server);
      await completeModules(server, learner, modules);
      const forged = await xapi(
        server,
        { key: learner.key, secret: learner.secret, authorization: learner.authorization },
        '/xapi/statements',
        {
          body: {
            actor: learner.actor,
            verb: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { en: 'passed' } },
            object: { id: `${SITE}/xapi/activities/assessment/police-pre-deployment-final` },
            result: { success: true, score: { scaled: 1 } },
          },
        },
      );
      expect(forged.status).toBe(200);
      const status = await api(server, `/api/certification/${POLICE}/status`, {
        authorization: learner.authorization,
      });
      expect(status.status).toBe(200);
      expect(status.json).toMatchObject({ passed: false, missingModules: [], certificate: null });
      const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM certificates');
      expect(count[0]?.n).toBe(0);
    });

    it('records a failed attempt under the service authority and issues nothing', async () => {
      const learner = await enrol(server);
      await completeModules(server, learner, modules);
      const res = await api(server, `/api/assessments/${POLICE}/attempts`, {
        authorization: learner.authorization,
        body: { lang: 'en', responses: {} },
      });
      expect(res.status).toBe(201);
      expect(res.json).toMatchObject({ passed: false, status: { certificate: null } });
      expect(res.text).not.toMatch(/"(correct|answer|explanation)"/);
      const rows = await db.query<{
        id: string;
        credential_key: string;
        statement: { authority: { account: { name: string } } };
      }>(
        `SELECT id::text AS id, credential_key, statement FROM statements
         WHERE verb_id = 'http://adlnet.gov/expapi/verbs/failed' ORDER BY seq`,
      );
      expect(rows.at(-1)?.credential_key).toBe('service:certification');
      expect(rows.at(-1)?.statement.authority.account.name).toBe('service:certification');
      // The platform's record of the attempt, under the id of the statement the LRS holds.
      const attempts = await platform.attempts.ofLearner(
        `agent|account|${SITE}|${learner.learnerId}`,
      );
      expect(attempts).toEqual([
        expect.objectContaining({
          id: rows.at(-1)?.id,
          trackId: POLICE,
          language: 'en',
          passed: false,
          scaled: 0,
        }),
      ]);
    });

    it('issues a certificate once the modules are complete and the service recorded a pass', async () => {
      const learner = await enrol(server, { name: 'Jean Mukendi' });
      const pass = await api(server, `/api/assessments/${POLICE}/attempts`, {
        authorization: learner.authorization,
        body: { lang: 'en', responses: await rightAnswers(POLICE) },
      });
      expect(pass.status).toBe(201);
      expect(pass.json).toMatchObject({
        passed: true,
        score: { scaled: 1 },
        status: { passed: true, certificate: null },
      });
      expect((pass.json as { status: { missingModules: string[] } }).status.missingModules).toEqual(
        modules,
      );

      await completeModules(server, learner, modules);
      const status = await api(server, `/api/certification/${POLICE}/status`, {
        authorization: learner.authorization,
      });
      expect(status.status, status.text).toBe(200);
      const certificate = (
        status.json as {
          certificate: { code: string; learnerName: string; expiresAt: string; issuedAt: string };
        }
      ).certificate;
      expect(certificate.learnerName).toBe('Jean Mukendi');
      expect(certificate.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
      const months =
        (new Date(certificate.expiresAt).getTime() - new Date(certificate.issuedAt).getTime()) /
        (30.4 * 86_400_000);
      expect(Math.round(months)).toBe(24);
      // Asking again gives the same certificate, not a second one.
      const again = await api(server, `/api/certification/${POLICE}/status`, {
        authorization: learner.authorization,
      });
      expect((again.json as { certificate: { code: string } }).certificate.code).toBe(
        certificate.code,
      );

      // The certificate is in the LRS too, once: "completed" on the track, under the service's
      // authority, with the code's hash and never the code. The learner can read it back.
      const stored = certificate.code.replace(/-/g, '');
      const own = await xapi(
        server,
        { key: learner.key, secret: learner.secret, authorization: learner.authorization },
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

    it('answers unknown and malformed codes with 404 and 400, revealing nothing', async () => {
      const unknown = await api(server, '/api/certificates/ABCD-EFGH-JKMN-PQRS');
      expect(unknown.status).toBe(404);
      expect(unknown.json).toEqual({
        error: 'Not Found',
        code: 'not_found',
        message: 'no certificate has this code',
      });
      expect((await api(server, '/api/certificates/not-a-code')).status).toBe(400);
      expect((await api(server, `/api/certificates/${'A'.repeat(500)}`)).status).toBe(400);
      expect((await api(server, '/api/certificates/ABCD-EFGH-JKMN-PQRS?x=1')).status).toBe(400);
    });

    it('rejects responses to unknown questions and limits graded attempts per day', async () => {
      const learner = await enrol(server);
      const bad = await api(server, `/api/assessments/${POLICE}/attempts`, {
        authorization: learner.authorization,
        body: { responses: { 'no-such-question': ['x'] } },
      });
      expect(bad.status).toBe(400);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const res = await api(server, `/api/assessments/${POLICE}/attempts`, {
          authorization: learner.authorization,
          body: { responses: {} },
        });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    });
  });
}
