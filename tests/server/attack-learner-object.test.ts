import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { xapi } from './helpers.ts';
import {
  api,
  enrol,
  sendAsLearner,
  SITE,
  staffLogin,
  describePlatform,
  type EnrolledLearner,
} from './certification-helpers.ts';

// A statement names an agent directly as its actor or its object; the DPO's completion report
// counts every learner named so as started, and a learner reads such a statement as their own.
// A learner's credential may send statements as itself only, and so may name no other learner
// as the object either: else one learner could mark another as started, and write into their
// record.
describePlatform(
  "a learner names no other learner as a statement's object",
  [['object-dpo', 'dpo']],
  (p) => {
    const experienced = (from: EnrolledLearner, object: unknown) => ({
      actor: from.actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { en: 'experienced' } },
      object,
    });

    const startedIn = async (mission: string): Promise<number> => {
      const dpo = await staffLogin(p.server, 'object-dpo');
      const res = await api(p.server, `/api/reports/completion?mission=${mission}`, {
        headers: { Cookie: dpo.cookie },
      });
      expect(res.status, res.text).toBe(200);
      return (res.json as { totals: { started: number } }).totals.started;
    };

    it('another learner as the object, alone or in a Group, is a 403 and changes no report', async () => {
      const mission = `M-${randomUUID().slice(0, 8)}`;
      const a = await enrol(p.server);
      const c = await enrol(p.server, { mission });
      expect(await startedIn(mission)).toBe(0);
      const objects = [
        { objectType: 'Agent', ...c.actor },
        { objectType: 'Agent', account: c.actor.account },
        { objectType: 'Group', member: [{ objectType: 'Agent', ...a.actor }, c.actor] },
      ];
      for (const object of objects) {
        const res = await sendAsLearner(p.server, a, experienced(a, object));
        expect(res.status, res.text).toBe(403);
        expect(res.message).toContain('object');
      }
      // In a batch with a statement of its own, nothing of the batch is stored.
      const batch = await sendAsLearner(p.server, a, [
        experienced(a, { id: `${SITE}/xapi/activities/module/intro` }),
        experienced(a, { objectType: 'Agent', ...c.actor }),
      ]);
      expect(batch.status).toBe(403);
      expect(await startedIn(mission)).toBe(0);
      const seen = await xapi(p.server, c, '/xapi/statements');
      expect((seen.json as { statements: unknown[] }).statements).toEqual([]);
      const own = await xapi(p.server, a, '/xapi/statements');
      expect((own.json as { statements: unknown[] }).statements).toEqual([]);
    });

    it('the learner may still name themselves, and an activity, as the object', async () => {
      const mission = `M-${randomUUID().slice(0, 8)}`;
      const a = await enrol(p.server, { mission });
      const self = await sendAsLearner(
        p.server,
        a,
        experienced(a, { objectType: 'Agent', ...a.actor }),
      );
      expect(self.status, self.text).toBe(200);
      const activity = await sendAsLearner(
        p.server,
        a,
        experienced(a, { id: `${SITE}/xapi/activities/module/intro` }),
      );
      expect(activity.status, activity.text).toBe(200);
      expect(await startedIn(mission)).toBe(1);
    });
  },
);
