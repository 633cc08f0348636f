import { beforeAll, describe, expect, it } from 'vitest';
import type { AssessmentState } from '../../src/api/assessment.ts';
import type { CertificationCatalog } from '../../src/server/platform/certification/rules.ts';
import { storeKinds, type TestServer } from './helpers.ts';
import {
  answerAttempt,
  catalogOf,
  certificationStatus,
  completeModules,
  enrolAdmitted,
  MILITARY,
  moduleStatement,
  POLICE,
  sendAsLearner,
  startAttempt,
  trackIn,
  usePlatform,
  type EnrolledLearner,
} from './certification-helpers.ts';

// The learner's home reads where they stand with the graded assessment from the status call: the
// same policy that starting an attempt applies, so the time it shows is the time a start succeeds.
for (const kind of storeKinds()) {
  describe(`assessment state in the certification status (${kind.name})`, () => {
    let server: TestServer;
    let catalog: CertificationCatalog;

    usePlatform(kind, [], (started) => {
      ({ server } = started);
    });
    beforeAll(async () => {
      catalog = await catalogOf();
    });

    const statusOf = async (learner: EnrolledLearner, track: string) => {
      const res = await certificationStatus(server, learner, track);
      expect(res.status, res.text).toBe(200);
      return res.json as { assessment: AssessmentState; modules: Record<string, string> };
    };
    const stateOf = async (learner: EnrolledLearner, track: string) =>
      (await statusOf(learner, track)).assessment;

    it("says how far the learner's own statements went in each module", async () => {
      const learner = await enrolAdmitted(server);
      const [done, begun, untouched] = trackIn(catalog, POLICE).rule.requiredModules;
      expect((await statusOf(learner, POLICE)).modules).toEqual({});
      await completeModules(server, learner, [done ?? '']);
      const launched = await sendAsLearner(
        server,
        learner,
        moduleStatement(learner, 'launched', begun ?? ''),
      );
      expect(launched.status).toBe(200);
      const { modules } = await statusOf(learner, POLICE);
      expect(modules).toEqual({ [done ?? '']: 'passed', [begun ?? '']: 'in-progress' });
      expect(untouched).toBeDefined();
    });

    it('a new learner may start; an open attempt shows until it is graded', async () => {
      const learner = await enrolAdmitted(server);
      expect(await stateOf(learner, POLICE)).toEqual({
        passed: false,
        open: null,
        last: null,
        attemptsLeft: 3,
        attemptsPerDay: 3,
        nextAttemptAt: null,
        waitReason: null,
      });
      const { started } = await startAttempt(server, learner, POLICE);
      expect(await stateOf(learner, POLICE)).toMatchObject({
        open: { expiresAt: started.expiresAt },
        attemptsLeft: 2,
        nextAttemptAt: null,
      });
      await answerAttempt(server, learner, trackIn(catalog, POLICE), started, true);
      const passed = await stateOf(learner, POLICE);
      expect(passed).toMatchObject({ passed: true, open: null, nextAttemptAt: null });
      expect(passed.last?.passed).toBe(true);
    });

    it('after a fail, the next attempt time is when the cool-down ends, as a start is told', async () => {
      const learner = await enrolAdmitted(server, { role: 'military' });
      const military = trackIn(catalog, MILITARY);
      const { started } = await startAttempt(server, learner, MILITARY);
      const failed = await answerAttempt(server, learner, military, started, false);
      expect(failed.result.passed).toBe(false);
      const state = await stateOf(learner, MILITARY);
      expect(state).toMatchObject({ passed: false, open: null, waitReason: 'cool_down' });
      expect(state.last).toMatchObject({ passed: false });
      const next = new Date(state.nextAttemptAt ?? 0).getTime();
      const submitted = new Date(state.last?.submittedAt ?? 0).getTime();
      expect(next - submitted).toBe(military.rule.coolDownMinutes * 60_000);
      const refused = await startAttempt(server, learner, MILITARY);
      expect(refused.status).toBe(429);
      const retryAfter = Number(refused.headers.get('retry-after')) * 1000;
      expect(Math.abs(Date.now() + retryAfter - next)).toBeLessThan(5_000);
    });

    it("once the day's attempts are used, the next is 24 hours after the first", async () => {
      const learner = await enrolAdmitted(server);
      const police = trackIn(catalog, POLICE);
      let first = '';
      for (let i = 0; i < 3; i += 1) {
        const { started } = await startAttempt(server, learner, POLICE);
        first ||= started.startedAt;
        await answerAttempt(server, learner, police, started, false);
      }
      const state = await stateOf(learner, POLICE);
      expect(state).toMatchObject({ attemptsLeft: 0, waitReason: 'attempts_per_day' });
      expect(new Date(state.nextAttemptAt ?? 0).getTime()).toBe(
        new Date(first).getTime() + 24 * 60 * 60 * 1000,
      );
      expect((await startAttempt(server, learner, POLICE)).status).toBe(429);
    });
  });
}
