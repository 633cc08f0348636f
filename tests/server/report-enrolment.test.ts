import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reports } from '../../src/server/platform/reports/reports.ts';
import { loadCatalog } from '../../src/server/platform/certification/rules.ts';
import { CertificationService } from '../../src/server/platform/certification/service.ts';
import { courseActivityId } from '../../src/server/platform/enrolment/routes.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  agentIfi,
  indexStatement,
  statementFingerprint,
} from '../../src/server/lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';
import { VERBS } from '../../src/xapi/vocabulary.ts';
import { SITE } from './certification-helpers.ts';
import { migratePlatform } from '../../src/server/platform/store/schema.ts';
import { storeKinds } from './helpers.ts';

const POLICE_MODULES = [
  'cp-in-peace-operations',
  'un-system-child-protection',
  'police-coordination-cp-actors',
  'monitoring-reporting-mechanism',
];

function actorOf(learnerId: string): JsonObject {
  return { objectType: 'Agent', account: { homePage: SITE, name: learnerId } };
}

// The report reads the enrolment fields from columns the database generates from the stored
// document; these tests pin that the columns follow the document, whatever is written to it.
for (const kind of storeKinds()) {
  describe(`report over generated enrolment columns (${kind.name})`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let reports: Reports;
    let svc: CertificationService;

    beforeAll(async () => {
      const opened = await kind.open();
      store = opened.store;
      await migratePlatform(store.database);
      cleanup = () => opened.cleanup();
      svc = new CertificationService(store, await loadCatalog(), SITE, `${SITE}/xapi`);
      reports = new Reports(svc);
    }, 60_000);
    afterAll(async () => {
      await cleanup();
    });

    const writeEnrolment = (learnerId: string, content: string | Record<string, unknown>) =>
      store.writeState(
        {
          activityId: courseActivityId(SITE),
          agentIfi: agentIfi(actorOf(learnerId)) ?? '',
          registration: '6f1e9a52-3c1d-4a3e-9a43-0d6a6c2b1f10',
        },
        'enrolment',
        () => ({
          contentType: 'application/json',
          content: new TextEncoder().encode(
            typeof content === 'string'
              ? content
              : JSON.stringify({
                  learnerId,
                  name: `Learner ${learnerId}`,
                  serviceNumber: `SN-${learnerId}`,
                  role: 'police',
                  unit: 'FPU 1',
                  mission: 'UNMISS',
                  language: 'en',
                  enrolledAt: '2026-03-01T08:00:00.000Z',
                  ...content,
                }),
          ),
        }),
      );

    const send = async (learnerId: string, verb: string, objectId: string): Promise<string> => {
      const id = randomUUID();
      const stored = new Date().toISOString();
      const statement: JsonObject = {
        id,
        actor: actorOf(learnerId),
        verb: { id: verb },
        object: { objectType: 'Activity', id: objectId },
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
      Object.fromEntries(
        (await reports.completion(store.database, {}, 'country')).map((g) => [g.key, g]),
      );

    it('follows a rewritten enrolment document and counts started and completed learners', async () => {
      await writeEnrolment('rep-a', { country: 'Nepal' });
      await writeEnrolment('rep-b', { country: 'Nepal' });
      await writeEnrolment('rep-c', { country: 'Nepal' });
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

      // The learner's country changes in the document: the report follows at once.
      await writeEnrolment('rep-b', { country: 'Ghana' });
      groups = await byCountry();
      expect(groups.Nepal).toMatchObject({ enrolled: 2, started: 2, completed: 0 });
      expect(groups.Ghana).toMatchObject({ enrolled: 1, started: 1, completed: 1 });

      const listed = await reports.learners(store.database, { country: 'ghana' }, 10, 0);
      expect(listed.learners).toEqual([
        expect.objectContaining({
          learnerId: 'rep-b',
          name: 'Learner rep-b',
          serviceNumber: 'SN-rep-b',
          enrolledAt: '2026-03-01T08:00:00.000Z',
          modulesDone: 4,
          modulesRequired: 4,
          completed: true,
        }),
      ]);
    });

    it('does not count a voided completion', async () => {
      await writeEnrolment('rep-v', { country: 'Rwanda' });
      const ids: string[] = [];
      for (const m of POLICE_MODULES)
        ids.push(await send('rep-v', VERBS.completed, svc.moduleIri(m)));
      expect((await byCountry()).Rwanda).toMatchObject({ enrolled: 1, completed: 1 });
      const voiding = randomUUID();
      const stored = new Date().toISOString();
      const statement: JsonObject = {
        id: voiding,
        actor: actorOf('rep-v'),
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
        object: { objectType: 'StatementRef', id: ids[0] ?? '' },
        stored,
        timestamp: stored,
        authority: actorOf('rep-v'),
        version: '1.0.3',
      };
      await store.insertStatements([
        {
          id: voiding,
          statement,
          fingerprint: statementFingerprint(statement),
          stored,
          index: indexStatement(statement),
          credentialKey: 'key-rep-v',
        },
      ]);
      expect((await byCountry()).Rwanda).toMatchObject({ enrolled: 1, completed: 0 });
    });

    it('stores an enrolment document that is not JSON and still answers the report', async () => {
      await writeEnrolment('rep-x', 'not json \u0000 at all');
      const groups = await reports.completion(store.database, {}, 'country');
      expect(groups.find((g) => g.key === '')).toMatchObject({ enrolled: 1, started: 0 });
    });
  });
}
