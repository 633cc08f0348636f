import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/server/lrs/store/types.ts';
import {
  createCredential,
  q,
  randomUUID,
  startServer,
  statement,
  storeKinds,
  xapi,
  type TestCredential,
  type TestServer,
} from './helpers.ts';

describe.each(storeKinds())('credentials and scopes on $name', (kind) => {
  let server: TestServer;
  let store: Store;
  let admin: TestCredential;
  let cleanup: () => Promise<void>;
  const learnerAgent = { mbox: `mailto:${randomUUID()}@example.org` };
  const otherAgent = { mbox: `mailto:${randomUUID()}@example.org` };
  let learner: TestCredential;

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    store = opened.store;
    server = await startServer(store);
    admin = await createCredential(store, ['all']);
    learner = await createCredential(
      store,
      ['statements/write', 'statements/read/mine', 'state'],
      learnerAgent,
    );
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('answers 401 without credentials, with a wrong secret, and after revocation', async () => {
    const none = await xapi(server, null, '/xapi/statements');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic');
    const wrong = await xapi(
      server,
      { ...admin, authorization: `Basic ${Buffer.from(`${admin.key}:nope`).toString('base64')}` },
      '/xapi/statements',
    );
    expect(wrong.status).toBe(401);
    expect((wrong.json as { message: string }).message).toContain('wrong secret');

    const temp = await createCredential(store, ['all']);
    expect((await xapi(server, temp, '/xapi/statements?limit=1')).status).toBe(200);
    expect(await store.revokeCredential(temp.key)).toBe(true);
    const revoked = await xapi(server, temp, '/xapi/statements?limit=1');
    expect(revoked.status).toBe(401);
  });

  it('stores secrets only as salted hashes', async () => {
    const record = await store.findCredential(admin.key);
    expect(record?.secretHash).toMatch(/^scrypt\$/);
    expect(record?.secretHash).not.toContain(admin.secret);
  });

  it('answers 429 with Retry-After to an address that keeps failing authentication', async () => {
    // A server of its own, so that other tests' failures do not count here.
    const guarded = await startServer(store, {
      throttle: { freeFailures: 2, baseDelayMs: 800, maxDelayMs: 800 },
    });
    try {
      const bad = {
        ...admin,
        authorization: `Basic ${Buffer.from('nobody:nothing').toString('base64')}`,
      };
      const call = (credential: TestCredential) =>
        xapi(guarded, credential, '/xapi/statements?limit=1');
      expect((await call(bad)).status).toBe(401);
      expect((await call(bad)).status).toBe(401);
      // Past the free failures the next attempt must wait: answered at once with 429.
      const started = Date.now();
      const limited = await call(bad);
      expect(Date.now() - started).toBeLessThan(700);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
      expect((limited.json as { message: string }).message).toContain('too many failed');
      // Credentials are not even checked while the address waits, good ones included.
      expect((await call(admin)).status).toBe(429);
      await new Promise((resolve) => setTimeout(resolve, 850));
      // After the wait a success clears the record: the next failure is a plain 401 again.
      expect((await call(admin)).status).toBe(200);
      expect((await call(bad)).status).toBe(401);
      expect((await call(bad)).status).toBe(401);
      expect((await call(bad)).status).toBe(429);
    } finally {
      await guarded.close();
    }
  });

  it('enforces scopes with 403', async () => {
    const reader = await createCredential(store, ['statements/read']);
    const write = await xapi(server, reader, '/xapi/statements', { body: statement() });
    expect(write.status).toBe(403);
    expect((write.json as { message: string }).message).toContain('statements/write');

    const writer = await createCredential(store, ['statements/write']);
    expect((await xapi(server, writer, '/xapi/statements', { body: statement() })).status).toBe(
      200,
    );
    expect((await xapi(server, writer, '/xapi/statements')).status).toBe(403);
    const stateUrl = `/xapi/activities/state?activityId=${q('http://x.org/a')}&agent=${q(learnerAgent)}&stateId=s`;
    expect((await xapi(server, writer, stateUrl)).status).toBe(403);

    const allRead = await createCredential(store, ['all/read']);
    expect((await xapi(server, allRead, '/xapi/statements?limit=1')).status).toBe(200);
    expect((await xapi(server, allRead, '/xapi/statements', { body: statement() })).status).toBe(
      403,
    );
  });

  it('confines a learner credential to its own statements', async () => {
    const own = statement({ actor: learnerAgent });
    expect((await xapi(server, learner, '/xapi/statements', { body: own })).status).toBe(200);

    const foreign = await xapi(server, learner, '/xapi/statements', {
      body: statement({ actor: otherAgent }),
    });
    expect(foreign.status).toBe(403);
    expect((foreign.json as { message: string }).message).toContain('its own statements');

    const others = statement({ actor: otherAgent });
    expect((await xapi(server, admin, '/xapi/statements', { body: others })).status).toBe(200);
    // Statements about the learner stored by someone else are the learner's too.
    const aboutLearner = statement({ actor: learnerAgent });
    expect((await xapi(server, admin, '/xapi/statements', { body: aboutLearner })).status).toBe(
      200,
    );

    const list = await xapi(server, learner, '/xapi/statements');
    const ids = (list.json as { statements: { id: string }[] }).statements.map((s) => s.id);
    expect(ids).toContain(own.id);
    expect(ids).toContain(aboutLearner.id);
    expect(ids).not.toContain(others.id);
    const asking = await xapi(server, learner, `/xapi/statements?agent=${q(otherAgent)}`);
    expect((asking.json as { statements: unknown[] }).statements).toEqual([]);
    expect((await xapi(server, learner, `/xapi/statements?statementId=${others.id}`)).status).toBe(
      404,
    );

    // Voiding another learner's statement is refused.
    const voiding = statement({
      actor: learnerAgent,
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id: others.id },
    });
    expect((await xapi(server, learner, '/xapi/statements', { body: voiding })).status).toBe(403);
    expect((await xapi(server, admin, `/xapi/statements?statementId=${others.id}`)).status).toBe(
      200,
    );

    // And its state.
    const otherState = `/xapi/activities/state?activityId=${q('http://x.org/a')}&agent=${q(otherAgent)}&stateId=s`;
    expect((await xapi(server, learner, otherState)).status).toBe(403);
  });
});
