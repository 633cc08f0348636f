import { beforeAll, expect, it } from 'vitest';
import {
  basicAuth,
  describeEachStore,
  make,
  q,
  sleep,
  startServer,
  wrongSecret,
  xapi,
  type TestCredential,
  type TestLearner,
} from './helpers.ts';

describeEachStore('credentials and scopes', (lrs) => {
  const otherAgent = make.agent('other');
  let learner: TestLearner;

  beforeAll(async () => {
    learner = await lrs.learner(['statements/write', 'statements/read/mine', 'state']);
  });

  const stateOf = (agent: unknown) =>
    `/xapi/activities/state?activityId=${q(make.activity())}&agent=${q(agent)}&stateId=s`;

  it('answers 401 without credentials, with a wrong secret, and after revocation', async () => {
    const none = await lrs.request('/xapi/statements', { as: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Basic');
    const wrong = await lrs.request('/xapi/statements', { as: wrongSecret(lrs.admin) });
    expect(wrong.status).toBe(401);
    expect(wrong.message).toContain('wrong secret');

    const temp = await lrs.credential(['all']);
    expect(await lrs.status('/xapi/statements?limit=1', { as: temp })).toBe(200);
    expect(await lrs.store.revokeCredential(temp.key)).toBe(true);
    expect(await lrs.status('/xapi/statements?limit=1', { as: temp })).toBe(401);
  });

  it('stores secrets only as salted hashes', async () => {
    const record = await lrs.store.findCredential(lrs.admin.key);
    expect(record?.secretHash).toMatch(/^scrypt\$/);
    expect(record?.secretHash).not.toContain(lrs.admin.secret);
  });

  it('answers 429 with Retry-After to an address that keeps failing authentication', async () => {
    // A server of its own, so that other tests' failures do not count here.
    const guarded = await startServer(lrs.store, {
      rateLimits: { failedAuth: { max: 2, windowMs: 800 } },
    });
    try {
      const bad = { ...lrs.admin, authorization: basicAuth('nobody', 'nothing') };
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
      expect(limited.message).toContain('too many failed');
      // Credentials are not even checked while the address waits, good ones included.
      expect((await call(lrs.admin)).status).toBe(429);
      await sleep(850);
      // After the wait a success clears the record: the next failure is a plain 401 again.
      expect((await call(lrs.admin)).status).toBe(200);
      expect((await call(bad)).status).toBe(401);
      expect((await call(bad)).status).toBe(401);
      expect((await call(bad)).status).toBe(429);
    } finally {
      await guarded.close();
    }
  });

  it('enforces scopes with 403', async () => {
    const post = { method: 'POST', body: make.statement() };
    const reader = await lrs.credential(['statements/read']);
    const write = await lrs.request('/xapi/statements', { ...post, as: reader });
    expect(write.status).toBe(403);
    expect(write.message).toContain('statements/write');

    const writer = await lrs.credential(['statements/write']);
    expect(await lrs.status('/xapi/statements', { ...post, as: writer })).toBe(200);
    expect(await lrs.status('/xapi/statements', { as: writer })).toBe(403);
    expect(await lrs.status(stateOf(learner.agent), { as: writer })).toBe(403);

    const allRead = await lrs.credential(['all/read']);
    expect(await lrs.status('/xapi/statements?limit=1', { as: allRead })).toBe(200);
    expect(await lrs.status('/xapi/statements', { ...post, as: allRead })).toBe(403);
  });

  it('confines a learner credential to its own statements', async () => {
    const [own] = await lrs.send(make.statement({ actor: learner.agent }), learner);

    const foreign = await lrs.request('/xapi/statements', {
      body: make.statement({ actor: otherAgent }),
      as: learner,
    });
    expect(foreign.status).toBe(403);
    expect(foreign.message).toContain('its own statements');

    const [others] = await lrs.send(make.statement({ actor: otherAgent }));
    // Statements about the learner stored by someone else are the learner's too.
    const [aboutLearner] = await lrs.send(make.statement({ actor: learner.agent }));

    const ids = await lrs.statementIds('', learner);
    expect(ids).toContain(own);
    expect(ids).toContain(aboutLearner);
    expect(ids).not.toContain(others);
    expect(await lrs.statementIds(`agent=${q(otherAgent)}`, learner)).toEqual([]);
    expect(await lrs.status(`/xapi/statements?statementId=${others}`, { as: learner })).toBe(404);

    // Voiding another learner's statement is refused.
    const refused = make.voiding(others ?? '', { actor: learner.agent });
    expect(await lrs.status('/xapi/statements', { body: refused, as: learner })).toBe(403);
    expect(await lrs.status(`/xapi/statements?statementId=${others}`)).toBe(200);

    // And its state.
    expect(await lrs.status(stateOf(otherAgent), { as: learner })).toBe(403);
  });
});
