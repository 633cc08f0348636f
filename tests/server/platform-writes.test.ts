// The platform's statements (graded attempts) go through the same store operation as a client's
// POST: committed before the platform answers, and under the same id rules (a different
// statement under an existing id gets 409; nothing is overwritten).
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';
import { VERBS } from '../../src/xapi/vocabulary.ts';
import { createCredential, make, q, storeKinds, xapi, type TestServer } from './helpers.ts';
import {
  answerAttempt,
  catalogOf,
  enrolAdmitted,
  POLICE,
  startAttempt,
  trackIn,
  usePlatform,
} from './certification-helpers.ts';

describe.each(storeKinds())('platform statements on $name', (kind) => {
  let server: TestServer;
  usePlatform(kind, [], (started) => {
    server = started.server;
  });

  it('stores a graded attempt before answering, and keeps it against a rival under its id', async () => {
    const learner = await enrolAdmitted(server);
    const track = trackIn(await catalogOf(), POLICE);
    const { started } = await startAttempt(server, learner, POLICE);
    const pass = await answerAttempt(server, learner, track, started, true);
    expect(pass.status, pass.text).toBe(200);

    // Queryable the moment the answer has come.
    const admin = await createCredential(server.store, ['all']);
    const listed = await xapi(
      server,
      admin,
      `/xapi/statements?agent=${q(learner.actor)}&verb=${q(VERBS.passed)}`,
    );
    expect(listed.status).toBe(200);
    const [recorded] = (listed.json as { statements: { id: string; authority: unknown }[] })
      .statements;
    if (recorded === undefined) throw new Error('the attempt is not in the LRS');

    // A client's different statement under the platform's id: refused, nothing overwritten.
    const rival = make.statement({ id: recorded.id, actor: learner.actor as JsonObject });
    const refused = await xapi(server, admin, '/xapi/statements', { body: rival });
    expect(refused.status, refused.text).toBe(409);
    const put = await xapi(server, admin, `/xapi/statements?statementId=${recorded.id}`, {
      method: 'PUT',
      body: rival,
    });
    expect(put.status, put.text).toBe(409);
    const kept = await xapi(server, admin, `/xapi/statements?statementId=${recorded.id}`);
    expect(kept.status).toBe(200);
    expect(kept.json).toMatchObject({
      id: recorded.id,
      verb: { id: VERBS.passed },
      authority: recorded.authority,
    });
  });
});
