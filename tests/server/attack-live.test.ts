import { expect, it } from 'vitest';
import type { LiveRoomState } from '../../src/api/live.ts';
import { PROJECT_ROOT } from '../../src/server/platform/certification/rules.ts';
import {
  api,
  enrol,
  FIXTURE_TRAINER,
  openCohort,
  POLICE,
  staffLogin,
  describePlatform,
} from './certification-helpers.ts';
import { createCredential, randomUUID, xapi } from './helpers.ts';

const MODULE = 'children-in-contact-with-the-law';
const SINGLE = 'sixteen-in-adult-court';
const ANSWERED = 'http://adlnet.gov/expapi/verbs/answered';

const token = () => randomUUID().replaceAll('-', '');

// A phone in a live room is known by a token of its own making. One phone sending the same token
// again changes its answer instead of adding one; one phone sending new tokens is held to the
// cohort's seats: the room never counts more answers from phones than the cohort has places.
describePlatform(
  'one phone, one counted answer',
  [],
  (p) => {
    const room = async (seats: number) => {
      const trainer = await staffLogin(p.server, FIXTURE_TRAINER);
      const { code } = await openCohort(p.server, trainer, POLICE, seats);
      const started = await api(p.server, `/api/live/rooms/${code}/questions`, {
        body: { module: MODULE, question: SINGLE, lang: 'en' },
        headers: { Cookie: trainer.cookie, 'X-CSRF-Token': trainer.csrf },
      });
      expect(started.status, started.text).toBe(201);
      return { code, id: (started.json as { id: string }).id };
    };
    const answer = (code: string, body: unknown, authorization?: string) =>
      api(p.server, `/api/live/rooms/${code}/answers`, {
        body,
        ...(authorization === undefined ? {} : { authorization }),
      });
    const stateOf = async (code: string) =>
      (await api(p.server, `/api/live/rooms/${code}`)).json as LiveRoomState;
    /** The live question's answered statements the LRS returns (voided ones it does not). */
    const statementsOf = async (id: string) => {
      const admin = await createCredential(p.server.store, ['all']);
      const res = await xapi(
        p.server,
        admin,
        `/xapi/statements?verb=${encodeURIComponent(ANSWERED)}&limit=500`,
      );
      return (
        res.json as {
          statements: {
            verb: { id: string };
            result: { response: string };
            context: { contextActivities: { grouping: { id: string }[] } };
          }[];
        }
      ).statements.filter(
        // A voiding statement of a replaced answer matches the verb through its target.
        (s) =>
          s.verb.id === ANSWERED &&
          s.context.contextActivities.grouping.some((g) => g.id.endsWith(`/live-question/${id}`)),
      );
    };

    it("a phone's or a learner's later answer replaces the earlier one, in the room and the LRS", async () => {
      const { code, id } = await room(40);
      const phone = token();
      const learner = await enrol(p.server, { cohort: code });
      for (const [body, auth] of [
        [{ question: id, choice: ['A'], participant: phone }, undefined],
        [{ question: id, choice: ['B'], participant: phone }, undefined],
        [{ question: id, choice: ['C'], participant: phone }, undefined],
        [{ question: id, choice: ['A'] }, learner.authorization],
        [{ question: id, choice: ['D'] }, learner.authorization],
      ] as const) {
        const res = await answer(code, body, auth);
        expect(res.status, res.text).toBe(201);
      }
      // The same choice again changes nothing.
      const same = await answer(code, { question: id, choice: ['C'], participant: phone });
      expect(same.status).toBe(201);
      expect(same.json).toEqual({ recorded: true, replaced: false });
      const state = await stateOf(code);
      expect(state.answers).toBe(2);
      expect(state.counts).toEqual({ C: 1, D: 1 });
      const rows = await p.platform.live.answers(id);
      expect(rows.map((r) => r.choice).sort()).toEqual([['C'], ['D']]);
      // One statement per participant is left in the LRS: the one the room counts.
      const statements = await statementsOf(id);
      expect(statements).toHaveLength(2);
      expect(new Set(statements.map((s) => s.result.response)).size).toBe(2);
      for (const row of rows) {
        const stored = await xapi(
          p.server,
          await createCredential(p.server.store, ['all']),
          `/xapi/statements?statementId=${row.statementId}`,
        );
        expect(stored.status).toBe(200);
      }
    });

    it('phones answering all at once fill the seats exactly', async () => {
      const seats = 5;
      const { code, id } = await room(seats);
      const statuses = await Promise.all(
        Array.from(
          { length: 16 },
          async () =>
            (await answer(code, { question: id, choice: ['A'], participant: token() })).status,
        ),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(seats);
      expect(statuses.filter((s) => s === 409)).toHaveLength(16 - seats);
      expect((await stateOf(code)).answers).toBe(seats);
    });

    it('new tokens from one phone count up to the seats of the cohort, and no further', async () => {
      const seats = 5;
      const { code, id } = await room(seats);
      const statuses: number[] = [];
      for (let i = 0; i < 12; i += 1) {
        statuses.push(
          (await answer(code, { question: id, choice: ['A'], participant: token() })).status,
        );
      }
      expect(statuses.filter((s) => s === 201)).toHaveLength(seats);
      expect(statuses.filter((s) => s === 409)).toHaveLength(12 - seats);
      const refused = await answer(code, { question: id, choice: ['B'], participant: token() });
      expect((refused.json as { code?: string }).code).toBe('room_full');
      expect((refused.json as { message?: string }).message).toContain(String(seats));
      const state = await stateOf(code);
      expect(state.answers).toBe(seats);
      expect(state.counts).toEqual({ A: seats });
      expect(await statementsOf(id)).toHaveLength(seats);
      // A learner of the cohort answers as themselves still.
      const learner = await enrol(p.server, { cohort: code });
      const signed = await answer(code, { question: id, choice: ['B'] }, learner.authorization);
      expect(signed.status, signed.text).toBe(201);
      expect((await stateOf(code)).answers).toBe(seats + 1);
    });
  },
  { contentRoot: PROJECT_ROOT },
);
