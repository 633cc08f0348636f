import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { databaseOf } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  agentIfi,
  indexStatement,
  statementFingerprint,
} from '../../src/server/lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';
import { loadCatalog } from '../../src/server/platform/certification/rules.ts';
import { CertificationService } from '../../src/server/platform/certification/service.ts';
import { courseActivityId } from '../../src/server/platform/enrolment/routes.ts';
import { Reports } from '../../src/server/platform/reports/reports.ts';
import {
  openPlatformStore,
  type PlatformStore,
} from '../../src/server/platform/store/platform-store.ts';
import { judged, type TrackingContext } from '../../src/xapi/builders.ts';
import type { AttemptFinishedEvent } from '../../src/quiz/events.ts';
import { VERBS } from '../../src/xapi/vocabulary.ts';
import { SITE } from './certification-helpers.ts';
import { storeKinds } from './helpers.ts';

// The police track's required modules, from its certification rule (set before the tests).
let POLICE_MODULES: string[] = [];

function actorOf(learnerId: string): JsonObject {
  return { objectType: 'Agent', account: { homePage: SITE, name: learnerId } };
}

// The report reads learners from the platform's table and their completions from the LRS
// through the store's public operations (activityCounts, latestResults).
for (const kind of storeKinds()) {
  describe(`report over the learners table and the learners' statements (${kind.name})`, () => {
    let store: Store;
    let db: SqlDatabase;
    let platform: PlatformStore;
    let cleanup: () => Promise<void>;
    let reports: Reports;
    let svc: CertificationService;

    beforeAll(async () => {
      const opened = await kind.open();
      store = opened.store;
      cleanup = () => opened.cleanup();
      db = databaseOf(store);
      platform = await openPlatformStore(db);
      svc = new CertificationService(store, platform, await loadCatalog(), SITE, `${SITE}/xapi`);
      reports = new Reports(svc);
      POLICE_MODULES = reports.requiredModules('police-pre-deployment');
      expect(POLICE_MODULES.length).toBeGreaterThan(1);
    }, 60_000);
    afterAll(async () => {
      await cleanup();
    });

    const addLearner = (learnerId: string, country: string) =>
      platform.learners.add({
        learnerId,
        agentIfi: agentIfi(actorOf(learnerId)) ?? '',
        actor: actorOf(learnerId),
        registration: randomUUID(),
        name: `Learner ${learnerId}`,
        serviceNumber: `SN-${learnerId}`,
        role: 'police',
        country,
        unit: 'FPU 1',
        mission: 'UNMISS',
        language: 'en',
        cohort: null,
        trackId: 'police-pre-deployment',
      });

    const send = async (
      learnerId: string,
      verb: string,
      objectId: string,
      object: JsonObject = { objectType: 'Activity', id: objectId },
    ): Promise<string> => {
      const id = randomUUID();
      const stored = new Date().toISOString();
      const statement: JsonObject = {
        id,
        actor: actorOf(learnerId),
        verb: { id: verb },
        object,
        stored,
        timestamp: stored,
        authority: actorOf(learnerId),
        version: '1.0.3',
      };
      await store.insertStatements([
        {
          id,
          statement,
          fingerprint: statementFingerprint(statement),
          stored,
          index: indexStatement(statement),
          credentialKey: `key-${learnerId}`,
        },
      ]);
      return id;
    };

    const byCountry = async () =>
      Object.fromEntries((await reports.completion({}, 'country')).map((g) => [g.key, g]));

    it('counts enrolled, started and completed learners, and follows the learners table', async () => {
      await addLearner('rep-a', 'Nepal');
      await addLearner('rep-b', 'Nepal');
      await addLearner('rep-c', 'Nepal');
      let groups = await byCountry();
      expect(groups.Nepal).toMatchObject({ enrolled: 3, started: 0, completed: 0 });

      // rep-a starts (any statement about them), rep-b completes every police module.
      await send('rep-a', VERBS.initialized, `${SITE}/xapi/activities/course`);
      for (const m of POLICE_MODULES) await send('rep-b', VERBS.completed, svc.moduleIri(m));
      // rep-c completes all but one, once of them twice: still not complete.
      for (const m of [...POLICE_MODULES.slice(1), POLICE_MODULES[1] ?? '']) {
        await send('rep-c', VERBS.completed, svc.moduleIri(m));
      }
      groups = await byCountry();
      expect(groups.Nepal).toMatchObject({ enrolled: 3, started: 3, completed: 1 });

      // The learner's country changes in the platform's table: the report follows at once.
      await db.query(`UPDATE learners SET country = 'Ghana' WHERE learner_id = 'rep-b'`);
      groups = await byCountry();
      expect(groups.Nepal).toMatchObject({ enrolled: 2, started: 2, completed: 0 });
      expect(groups.Ghana).toMatchObject({ enrolled: 1, started: 1, completed: 1 });

      const listed = await reports.learners({ country: 'ghana' }, 10, 0);
      expect(listed.total).toBe(1);
      expect(listed.learners).toEqual([
        expect.objectContaining({
          learnerId: 'rep-b',
          name: 'Learner rep-b',
          serviceNumber: 'SN-rep-b',
          track: 'police-pre-deployment',
          started: true,
          modulesDone: POLICE_MODULES.length,
          modulesRequired: POLICE_MODULES.length,
          completed: true,
        }),
      ]);
      const detail = await reports.learner('rep-c');
      expect(detail?.modules.map((m) => m.completedAt !== null)).toEqual(
        POLICE_MODULES.map((_, i) => i > 0),
      );
    });

    it('shows the knowledge-check score the tracker records on the module activity', async () => {
      await addLearner('rep-q', 'Mali');
      const [first, second] = POLICE_MODULES;
      const ctx = {
        site: SITE,
        actor: actorOf('rep-q') as unknown as TrackingContext['actor'],
        registration: randomUUID(),
        sessionId: randomUUID(),
        lang: 'en',
        moduleId: first ?? '',
      };
      const finished = (scaled: number, at: string): AttemptFinishedEvent =>
        ({
          kind: 'attempt-finished',
          quizId: `${first ?? ''}-check`,
          attemptId: randomUUID(),
          raw: scaled * 4,
          min: 0,
          max: 4,
          scaled,
          success: scaled >= 0.8,
          masteryScore: 0.8,
          durationMs: 60_000,
          attemptsLeft: 'unlimited',
          at,
        }) as unknown as AttemptFinishedEvent;
      // A fail, then a pass: the detail shows the latest score, on that module only.
      for (const [scaled, when] of [
        [0.5, '2026-03-01T10:00:00.000Z'],
        [0.75 + 0.25, '2026-03-01T11:00:00.000Z'],
      ] as const) {
        const statement = judged(ctx, finished(scaled, when), { at: new Date(when) });
        const stored = new Date().toISOString();
        const full = { ...statement, stored, authority: actorOf('rep-q'), version: '1.0.3' };
        await store.insertStatements([
          {
            id: statement.id,
            statement: full as unknown as JsonObject,
            fingerprint: statementFingerprint(full as unknown as JsonObject),
            stored,
            index: indexStatement(full as unknown as JsonObject),
            credentialKey: 'key-rep-q',
          },
        ]);
      }
      const detail = await reports.learner('rep-q');
      expect(detail?.modules.find((m) => m.module === first)?.score).toBe(1);
      expect(detail?.modules.find((m) => m.module === second)?.score).toBeNull();
    });

    it('does not count a voided completion', async () => {
      await addLearner('rep-v', 'Rwanda');
      const ids: string[] = [];
      for (const m of POLICE_MODULES) {
        ids.push(await send('rep-v', VERBS.completed, svc.moduleIri(m)));
      }
      expect((await byCountry()).Rwanda).toMatchObject({ enrolled: 1, completed: 1 });
      await send('rep-v', 'http://adlnet.gov/expapi/verbs/voided', '', {
        objectType: 'StatementRef',
        id: ids[0] ?? '',
      });
      expect((await byCountry()).Rwanda).toMatchObject({ enrolled: 1, completed: 0 });
    });

    it('counts no one for an xAPI State document named "enrolment": learners are rows, not documents', async () => {
      const before = await reports.completion({}, 'country');
      await store.writeState(
        {
          activityId: courseActivityId(SITE),
          agentIfi: agentIfi(actorOf('rep-x')) ?? '',
          registration: randomUUID(),
        },
        'enrolment',
        () => ({
          contentType: 'application/json',
          content: new TextEncoder().encode(
            JSON.stringify({ learnerId: 'rep-x', name: 'Not Enrolled', country: 'Mali' }),
          ),
        }),
      );
      await send('rep-x', VERBS.initialized, `${SITE}/xapi/activities/course`);
      expect(await reports.completion({}, 'country')).toEqual(before);
      expect(await reports.learner('rep-x')).toBeNull();
    });
  });
}
