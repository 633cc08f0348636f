import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { describeEachStore, xapi, type TestCredential, type TestServer } from './helpers.ts';
import { attachmentObject, sendMultipart } from './multipart-helpers.ts';

const STATEMENTS_PER_HOUR = 30;
const ATTACHMENT_BYTES_PER_DAY = 300_000;
const DOCUMENT_BYTES_PER_DAY = 5_000;

function statements(agent: Record<string, unknown>, n: number) {
  return Array.from({ length: n }, () => ({
    id: randomUUID(),
    actor: agent,
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: `https://example.org/quota/${randomUUID()}` },
  }));
}

describeEachStore(
  'learner storage quota',
  (lrs) => {
    let server: TestServer;
    const agent = { mbox: 'mailto:quota-learner@example.org' };
    let learner: TestCredential;
    let sameLearner: TestCredential;
    let other: TestCredential;
    let client: TestCredential;

    beforeAll(async () => {
      ({ server, admin: client } = lrs);
      const scopes = ['statements/write', 'statements/read/mine'] as const;
      learner = await lrs.learner([...scopes], agent);
      sameLearner = await lrs.learner([...scopes], agent);
      other = await lrs.learner([...scopes], { mbox: 'mailto:other-learner@example.org' });
    });

    async function count(actor: Record<string, unknown>): Promise<number> {
      const res = await xapi(
        server,
        client,
        `/xapi/statements?agent=${encodeURIComponent(JSON.stringify(actor))}&limit=500`,
      );
      return (res.json as { statements: unknown[] }).statements.length;
    }

    it('refuses statements past the hourly allowance with 429, for all the learner’s credentials', async () => {
      const first = await xapi(server, learner, '/xapi/statements', {
        body: statements(agent, 20),
      });
      expect(first.status, first.text).toBe(200);
      // Another credential of the same learner shares the allowance: 20 + 15 > 30.
      const refused = await xapi(server, sameLearner, '/xapi/statements', {
        body: statements(agent, 15),
      });
      expect(refused.status).toBe(429);
      expect(refused.message).toMatch(
        /at most 30 statements per hour; 20 stored in this hour, 15 sent; try again in \d+ s/,
      );
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
      expect(await count(agent)).toBe(20);
      // What is left of the allowance can still be used.
      const rest = await xapi(server, sameLearner, '/xapi/statements', {
        body: statements(agent, 10),
      });
      expect(rest.status, rest.text).toBe(200);
      const one = await xapi(server, learner, '/xapi/statements', { body: statements(agent, 1) });
      expect(one.status).toBe(429);
      expect(await count(agent)).toBe(30);
      // Other learners and non-learner clients are not affected.
      const theirs = { mbox: 'mailto:other-learner@example.org' };
      expect(
        (await xapi(server, other, '/xapi/statements', { body: statements(theirs, 5) })).status,
      ).toBe(200);
      expect(
        (await xapi(server, client, '/xapi/statements', { body: statements(agent, 40) })).status,
      ).toBe(200);
    });

    it('gives the allowance back when nothing is stored', async () => {
      const learnerB = { mbox: 'mailto:quota-refund@example.org' };
      const credential = await lrs.learner(['statements/write', 'statements/read/mine'], learnerB);
      const batch = statements(learnerB, 25);
      expect((await xapi(server, credential, '/xapi/statements', { body: batch })).status).toBe(
        200,
      );
      // The same ids with other content: 409, nothing stored, nothing spent.
      const conflicting = batch
        .slice(0, 5)
        .map((s) => ({ ...s, object: { id: 'https://example.org/x' } }));
      const conflict = await xapi(server, credential, '/xapi/statements', { body: conflicting });
      expect(conflict.status).toBe(409);
      const last = await xapi(server, credential, '/xapi/statements', {
        body: statements(learnerB, 5),
      });
      expect(last.status, last.text).toBe(200);
    });

    it('refuses attachments past the daily allowance with 413', async () => {
      const learnerC = { mbox: 'mailto:quota-attachments@example.org' };
      const credential = await lrs.learner(['statements/write', 'statements/read/mine'], learnerC);
      const send = (content: Buffer) =>
        sendMultipart(
          server,
          credential,
          '/xapi/statements',
          {
            actor: learnerC,
            verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
            object: { id: 'https://example.org/quota/photo' },
            attachments: [attachmentObject(content)],
          },
          [{ content }],
        );
      expect((await send(Buffer.alloc(200_000, 1))).status).toBe(200);
      const refused = await send(Buffer.alloc(200_000, 2));
      expect(refused.status).toBe(413);
      expect(refused.message).toMatch(
        /at most 300000 bytes of attachments per day; 200000 bytes stored today, 200000 bytes sent; try again in \d+ s/,
      );
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(80_000);
      expect(await count(learnerC)).toBe(1);
      // Smaller content still fits in what is left today.
      expect((await send(Buffer.alloc(90_000, 3))).status).toBe(200);
    });

    it('refuses document writes past the daily allowance with 413, and stores nothing refused', async () => {
      const learnerD = { mbox: 'mailto:quota-documents@example.org' };
      const credential = await lrs.learner(['state', 'profile', 'statements/read/mine'], learnerD);
      const activityId = 'https://example.org/quota/module';
      const state = (stateId: string) =>
        `/xapi/activities/state?activityId=${encodeURIComponent(activityId)}&agent=${encodeURIComponent(JSON.stringify(learnerD))}&stateId=${stateId}`;
      const doc = (n: number) => ({ text: 'x'.repeat(n) });
      const put = (who: TestCredential, path: string, body: unknown, method = 'PUT') =>
        xapi(server, who, path, { method, body });
      // Bad JSON is refused before anything is stored, and spends nothing.
      const bad = await xapi(server, credential, state('bad'), {
        method: 'PUT',
        raw: '{"text": ',
        headers: { 'Content-Type': 'application/json' },
      });
      expect(bad.status).toBe(400);
      // Each write counts in full, a rewrite of the same document too: 2,001 + 2,001 bytes fit.
      expect((await put(credential, state('a'), doc(1990))).status).toBe(204);
      expect((await put(credential, state('a'), doc(1990))).status).toBe(204);
      const refused = await put(credential, state('b'), doc(1990), 'POST');
      expect(refused.status).toBe(413);
      expect(refused.message).toMatch(
        /at most 5000 bytes of documents \(state and profiles\) per day; 4002 bytes written today, 2001 bytes sent; try again in \d+ s/,
      );
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(80_000);
      expect((await xapi(server, credential, state('b'))).status).toBe(404);
      // Agent profiles draw on the same allowance.
      const profile = `/xapi/agents/profile?agent=${encodeURIComponent(JSON.stringify(learnerD))}&profileId=prefs`;
      const profileRefused = await xapi(server, credential, profile, {
        method: 'PUT',
        body: doc(1990),
        headers: { 'If-None-Match': '*' },
      });
      expect(profileRefused.status).toBe(413);
      // What is left still fits; other learners and non-learner clients are not limited.
      expect((await put(credential, state('c'), doc(900))).status).toBe(204);
      const theirs = { mbox: 'mailto:other-learner@example.org' };
      const theirState = `/xapi/activities/state?activityId=${encodeURIComponent(activityId)}&agent=${encodeURIComponent(JSON.stringify(theirs))}&stateId=a`;
      expect((await put(client, theirState, doc(9000))).status).toBe(204);
    });
  },
  {
    learnerQuota: {
      statementsPerHour: STATEMENTS_PER_HOUR,
      attachmentBytesPerDay: ATTACHMENT_BYTES_PER_DAY,
      documentBytesPerDay: DOCUMENT_BYTES_PER_DAY,
    },
  },
);

describe('learner storage quota settings', () => {
  it('reads QUOTA_STATEMENTS_HOUR, QUOTA_ATTACHMENTS_MB and QUOTA_DOCUMENTS_MB, with defaults, and names bad values', () => {
    expect(loadConfig({}).learnerQuota).toEqual({
      statementsPerHour: 1000,
      attachmentBytesPerDay: 20 * 1024 * 1024,
      documentBytesPerDay: 20 * 1024 * 1024,
    });
    expect(
      loadConfig({
        QUOTA_STATEMENTS_HOUR: '50',
        QUOTA_ATTACHMENTS_MB: '0.5',
        QUOTA_DOCUMENTS_MB: '2',
      }).learnerQuota,
    ).toEqual({
      statementsPerHour: 50,
      attachmentBytesPerDay: 524_288,
      documentBytesPerDay: 2_097_152,
    });
    expect(() =>
      loadConfig({
        QUOTA_STATEMENTS_HOUR: '0',
        QUOTA_ATTACHMENTS_MB: 'lots',
        QUOTA_DOCUMENTS_MB: '0',
      }),
    ).toThrow(
      /QUOTA_STATEMENTS_HOUR="0"[\s\S]*QUOTA_ATTACHMENTS_MB="lots"[\s\S]*QUOTA_DOCUMENTS_MB="0"/,
    );
  });
});
