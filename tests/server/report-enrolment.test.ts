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
import {
  GROUP_BY,
  Reports,
  type GroupBy,
  type ReportGroup,
} from '../../src/server/platform/reports/reports.ts';
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

    it('follows voided and re-sent completions exactly as the learner list does', async () => {
      await addLearner('rep-d', 'Chad');
      const [first, last] = [POLICE_MODULES[0] ?? '', POLICE_MODULES.at(-1) ?? ''];
      // A completion as the store takes it, to send once or again under the same id.
      const completion = (module: string) => {
        const id = randomUUID();
        const stored = new Date().toISOString();
        const statement: JsonObject = {
          id,
          actor: actorOf('rep-d'),
          verb: { id: VERBS.completed },
          object: { objectType: 'Activity', id: svc.moduleIri(module) },
          stored,
          timestamp: stored,
          authority: actorOf('rep-d'),
          version: '1.0.3',
        };
        return {
          id,
          statement,
          fingerprint: statementFingerprint(statement),
          stored,
          index: indexStatement(statement),
          credentialKey: 'key-rep-d',
        };
      };
      // The report's group and what the learner list says of rep-d, which must agree.
      const state = async () => {
        const [group] = await reports.completion({ country: 'chad' }, 'country');
        const { learners } = await reports.learners({ country: 'chad' }, 10, 0);
        const [l] = learners;
        expect(group).toEqual({
          key: 'Chad',
          enrolled: 1,
          started: l?.started === true ? 1 : 0,
          completed: l?.completed === true ? 1 : 0,
          certified: 0,
        });
        return { completed: group?.completed, modulesDone: l?.modulesDone };
      };
      const voidIt = (id: string) =>
        send('rep-d', 'http://adlnet.gov/expapi/verbs/voided', '', {
          objectType: 'StatementRef',
          id,
        });
      const all = POLICE_MODULES.length;

      const lastTwice = [completion(last), completion(last)];
      const firstOnce = completion(first);
      for (const m of POLICE_MODULES.slice(1, -1)) await store.insertStatements([completion(m)]);
      await store.insertStatements([firstOnce, ...lastTwice]);
      // The first module's completion sent again under its id: stored once, counted once.
      await store.insertStatements([firstOnce]);
      expect(await state()).toEqual({ completed: 1, modulesDone: all });
      // One of the last module's two completions voided: the other still counts.
      await voidIt(lastTwice[0]?.id ?? '');
      expect(await state()).toEqual({ completed: 1, modulesDone: all });
      // Both voided: the track is no longer complete.
      await voidIt(lastTwice[1]?.id ?? '');
      expect(await state()).toEqual({ completed: 0, modulesDone: all - 1 });
      // A voided completion sent again under its id changes nothing.
      await store.insertStatements([lastTwice[1] ?? completion(last)]);
      expect(await state()).toEqual({ completed: 0, modulesDone: all - 1 });
      // A new completion of that module completes the track again.
      await store.insertStatements([completion(last)]);
      expect(await state()).toEqual({ completed: 1, modulesDone: all });
    });

    it('keeps its counts exact when completions and voids of one learner arrive at once', async () => {
      await addLearner('rep-e', 'Togo');
      // Three completions of every module, sent together; then two of each voided together.
      const ids = await Promise.all(
        POLICE_MODULES.flatMap((m) =>
          [0, 1, 2].map(() => send('rep-e', VERBS.completed, svc.moduleIri(m))),
        ),
      );
      const voided = ids.filter((_, i) => i % 3 !== 0);
      await Promise.all(
        voided.map((id) =>
          send('rep-e', 'http://adlnet.gov/expapi/verbs/voided', '', {
            objectType: 'StatementRef',
            id,
          }),
        ),
      );
      const counts = await db.query<{ object_id: string; statements: number }>(
        `SELECT object_id, statements FROM statement_counts WHERE actor_ifi = $1 ORDER BY 1`,
        [agentIfi(actorOf('rep-e'))],
      );
      expect(counts).toEqual(
        POLICE_MODULES.map((m) => svc.moduleIri(m))
          .sort()
          .map((object_id) => ({ object_id, statements: 1 })),
      );
      const [group] = await reports.completion({ country: 'togo' }, 'country');
      const { learners } = await reports.learners({ country: 'togo' }, 10, 0);
      expect(learners[0]).toMatchObject({ completed: true, modulesDone: POLICE_MODULES.length });
      expect(group).toMatchObject({ enrolled: 1, started: 1, completed: 1 });
    });

    it('counts in its one query what the learner list says of each learner, for every grouping and filter', async () => {
      // A varied population on top of the other tests' learners: both tracks and none, a cohort,
      // an empty unit, countries spelled in two cases, completions of the learner's own track, of
      // the other track only, repeated and voided ones, other activity only, and certificates
      // current, expired and for the other track.
      const MILITARY_MODULES = reports.requiredModules('military-pre-deployment');
      await db.query(
        `INSERT INTO staff_users (id, name, role, password_hash)
         VALUES ('s-gen', 'gen-trainer', 'trainer', 'x')`,
      );
      await db.query(
        `INSERT INTO cohorts (code, name, track_id, created_by, seats)
         VALUES ('CGEN-0001', 'Generated', 'police-pre-deployment', 's-gen', 200)`,
      );
      let seed = 20261203;
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const tracks = ['police-pre-deployment', 'military-pre-deployment', null] as const;
      for (let i = 0; i < 36; i += 1) {
        const learnerId = `gen-${String(i)}`;
        const trackId = i % 7 === 6 ? null : (tracks[i % 2] ?? null);
        const own = trackId === 'military-pre-deployment' ? MILITARY_MODULES : POLICE_MODULES;
        const other = trackId === 'military-pre-deployment' ? POLICE_MODULES : MILITARY_MODULES;
        await platform.learners.add({
          learnerId,
          agentIfi: agentIfi(actorOf(learnerId)) ?? '',
          actor: actorOf(learnerId),
          registration: randomUUID(),
          name: `Generated ${String(i)}`,
          serviceNumber: `GEN-${String(i)}`,
          role: i % 2 === 0 ? 'police' : 'military',
          country: ['Nepal', 'nepal', 'Senegal', 'Rwanda'][i % 4] ?? '',
          unit: i % 5 === 0 ? '' : `Unit ${String(i % 3)}`,
          mission: i % 3 === 0 ? 'MINUSCA' : 'UNMISS',
          language: 'en',
          cohort: i % 3 === 1 ? 'CGEN-0001' : null,
          trackId,
        });
        const kind = Math.floor(next() * 6);
        if (kind === 1) {
          for (const m of own) await send(learnerId, VERBS.completed, svc.moduleIri(m));
        } else if (kind === 2) {
          for (const m of [...own.slice(1), ...own.slice(1)]) {
            await send(learnerId, VERBS.completed, svc.moduleIri(m));
          }
        } else if (kind === 3) {
          for (const m of other) await send(learnerId, VERBS.completed, svc.moduleIri(m));
        } else if (kind === 4) {
          await send(learnerId, VERBS.initialized, `${SITE}/xapi/activities/course`);
        } else if (kind === 5) {
          const ids: string[] = [];
          for (const m of own) ids.push(await send(learnerId, VERBS.completed, svc.moduleIri(m)));
          await send(learnerId, 'http://adlnet.gov/expapi/verbs/voided', '', {
            objectType: 'StatementRef',
            id: ids.at(-1) ?? '',
          });
        }
        const certificate = (track: string, expiresAt: string) =>
          platform.certificates.issue({
            code: `GEN${String(i)}${track.slice(0, 3).toUpperCase()}${expiresAt.slice(0, 4)}`,
            learnerIfi: agentIfi(actorOf(learnerId)) ?? '',
            learnerName: `Generated ${String(i)}`,
            trackId: track,
            issuedAt: '2026-01-15T00:00:00.000Z',
            expiresAt,
            statementId: randomUUID(),
          });
        if (trackId !== null && i % 4 === 0) await certificate(trackId, '2099-01-01T00:00:00.000Z');
        if (trackId !== null && i % 5 === 0) await certificate(trackId, '2026-02-01T00:00:00.000Z');
        if (i % 6 === 0) await certificate('military-pre-deployment', '2099-01-01T00:00:00.000Z');
      }

      // What the list says of each learner (counted per page, certificate by certificate), summed
      // per group as the report should.
      const fromList = async (filters: Parameters<typeof reports.learners>[0], by: GroupBy) => {
        const { learners, total } = await reports.learners(filters, 500, 0);
        expect(learners).toHaveLength(total);
        const groups = new Map<string, ReportGroup>();
        for (const l of learners) {
          const key = (by === 'track' ? l.track : by === 'cohort' ? l.cohort : l[by]) ?? '';
          const g = groups.get(key) ?? { key, enrolled: 0, started: 0, completed: 0, certified: 0 };
          g.enrolled += 1;
          if (l.started) g.started += 1;
          if (l.completed) g.completed += 1;
          if (l.certificateCode !== null) g.certified += 1;
          groups.set(key, g);
        }
        return [...groups.values()].sort((a, b) =>
          a.key === '' ? 1 : b.key === '' ? -1 : a.key.localeCompare(b.key),
        );
      };
      const filters = [
        {},
        { country: 'NEPAL' },
        { track: 'military-pre-deployment' },
        { cohort: 'CGEN-0001' },
        { status: 'expired' as const },
        { status: 'not-certified' as const },
        { q: 'generated 1' },
        { unit: '' },
        { from: '2000-01-01T00:00:00.000Z', mission: 'minusca' },
      ];
      const seen = { started: 0, completed: 0, certified: 0, groups: 0 };
      for (const f of filters) {
        for (const by of GROUP_BY) {
          const report = await reports.completion(f, by);
          expect({ f, by, report }).toEqual({ f, by, report: await fromList(f, by) });
          for (const g of report) {
            seen.started += g.started;
            seen.completed += g.completed;
            seen.certified += g.certified;
          }
          seen.groups += report.length;
        }
      }
      // The comparison covered learners of every kind.
      expect(Math.min(seen.started, seen.completed, seen.certified)).toBeGreaterThan(0);
      const all = await reports.completion({}, 'unit');
      expect(all.at(-1)?.key).toBe('');
      const byCountry = await reports.completion({}, 'country');
      expect(byCountry.map((g) => g.key)).toEqual(expect.arrayContaining(['Nepal', 'nepal']));
    }, 120_000);

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
