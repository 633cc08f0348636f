import { describe, expect, it } from 'vitest';
import { storeKinds, type TestServer } from './helpers.ts';
import {
  answerAttempt,
  api,
  catalogOf,
  completeModules,
  enrol,
  staffLogin,
  startAttempt,
  trackIn,
  usePlatform,
} from './certification-helpers.ts';

interface Glance {
  modules: string[];
  learners: {
    name: string;
    modulesDone: number;
    checksDone: number;
    attempts: number;
    passed: boolean;
    bestScore: number | null;
    outcomesNotMet: { module: string; outcome: string; text: string }[] | null;
  }[];
  weakest: { module: string; outcome: string; text: string; met: number; assessed: number }[];
}

const TRACK = 'police-pre-deployment';

for (const kind of storeKinds()) {
  describe(`a cohort at a glance (${kind.name})`, () => {
    let server: TestServer;

    usePlatform(
      kind,
      [
        ['trainer-ben', 'trainer'],
        ['trainer-eve', 'trainer'],
        ['dpo-ana', 'dpo'],
      ],
      (started) => {
        ({ server } = started);
      },
    );

    it("shows per learner modules, checks, attempts and outcomes not met, the cohort's weakest outcomes, and CSV, to its trainer and the DPO only", async () => {
      const track = trackIn(await catalogOf(), TRACK);
      const modules = track.rule.requiredModules;
      const trainer = await staffLogin(server, 'trainer-ben');
      const made = await api(server, '/api/cohorts', {
        headers: { Cookie: trainer.cookie, 'X-CSRF-Token': trainer.csrf },
        body: { name: 'Dakar May', track: TRACK },
      });
      const code = (made.json as { code: string }).code;
      const enrolIn = (name: string) => enrol(server, { name, role: 'police', cohort: code });
      const ada = await enrolIn('Ada passes');
      const bo = await enrolIn('Bo fails');
      await enrolIn('Cy waits');
      await completeModules(server, ada, modules);
      const a = await startAttempt(server, ada, TRACK);
      await answerAttempt(server, ada, track, a.started, true);
      await completeModules(server, bo, modules.slice(0, 1));
      const b = await startAttempt(server, bo, TRACK);
      const failed = await answerAttempt(server, bo, track, b.started, false);
      expect(failed.result.passed).toBe(false);
      const outcomes = failed.result.outcomes.map((o) => `${o.module}#${o.outcome}`).sort();

      const res = await api(server, `/api/cohorts/${code}?lang=fr`, {
        headers: { Cookie: trainer.cookie },
      });
      expect(res.status).toBe(200);
      const glance = res.json as Glance;
      const byName = new Map(glance.learners.map((l) => [l.name, l]));
      expect(byName.get('Ada passes')).toMatchObject({
        modulesDone: modules.length,
        attempts: 1,
        passed: true,
        bestScore: 1,
        outcomesNotMet: [],
      });
      const boLine = byName.get('Bo fails');
      expect(boLine).toMatchObject({ modulesDone: 1, attempts: 1, passed: false, bestScore: 0 });
      expect(boLine?.outcomesNotMet?.map((o) => `${o.module}#${o.outcome}`).sort()).toEqual(
        outcomes,
      );
      expect(byName.get('Cy waits')).toMatchObject({
        modulesDone: 0,
        checksDone: 0,
        attempts: 0,
        outcomesNotMet: null,
      });
      // Every outcome was met by one of the two learners assessed on it.
      expect(glance.weakest.length).toBe(Math.min(5, outcomes.length));
      for (const w of glance.weakest) {
        expect(w).toMatchObject({ met: 1, assessed: 2 });
        expect(w.text).not.toBe(w.outcome);
      }

      const csv = await api(server, `/api/cohorts/${code}/learners.csv`, {
        headers: { Cookie: trainer.cookie },
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      expect(lines).toHaveLength(4);
      expect(lines[0]).toContain('outcomes_not_met');
      const boCsv = lines.find((l) => l.includes('Bo fails')) ?? '';
      expect(boCsv).toContain(outcomes[0] ?? 'none');

      const dpo = await staffLogin(server, 'dpo-ana');
      expect(
        (await api(server, `/api/cohorts/${code}`, { headers: { Cookie: dpo.cookie } })).status,
      ).toBe(200);
      const other = await staffLogin(server, 'trainer-eve');
      for (const path of [`/api/cohorts/${code}`, `/api/cohorts/${code}/learners.csv`]) {
        expect((await api(server, path, { headers: { Cookie: other.cookie } })).status).toBe(404);
        expect((await api(server, path)).status).toBe(401);
      }
      expect(
        (await api(server, `/api/cohorts/${code}?lang=de`, { headers: { Cookie: trainer.cookie } }))
          .status,
      ).toBe(400);
    }, 120_000);
  });
}
