// Who may void what: a credential voids only statements stored under its own authority (a
// learner's other devices count as the learner), so a learner cannot void the service's record
// of an attempt or a certificate; a voiding statement whose target the LRS does not hold yet is
// accepted (Data 2.3.2), and the target arriving later is stored voided if the same authority
// stored it; another authority's statement under that id arrives untouched, even in a race.
import { expect, it } from 'vitest';
import { SERVICE_CREDENTIAL_KEY } from '../../src/server/platform/certification/service.ts';
import { describeEachStore, make, newStoreStatement, q } from './helpers.ts';

describeEachStore('voiding rights', (lrs) => {
  it('lets a learner void its own statements, from any of its credentials', async () => {
    const learner = await lrs.learner();
    const otherDevice = await lrs.learner(undefined, learner.agent);
    const [own] = await lrs.send(make.statement({ actor: learner.agent }), learner);
    const [fromPhone] = await lrs.send(make.statement({ actor: learner.agent }), otherDevice);
    await lrs.send(make.voiding(own ?? '', { actor: learner.agent }), learner);
    await lrs.send(make.voiding(fromPhone ?? '', { actor: learner.agent }), learner);
    expect(await lrs.status(`/xapi/statements?statementId=${own ?? ''}`)).toBe(404);
    expect(await lrs.status(`/xapi/statements?voidedStatementId=${fromPhone ?? ''}`)).toBe(200);
  });

  it("refuses with 403 a learner's voiding of a statement the service stored about it", async () => {
    const learner = await lrs.learner();
    // The platform's record of an attempt, stored under its own authority.
    const record = newStoreStatement(learner.agent, make.activity('assessment'));
    await lrs.store.insertStatements([{ ...record, credentialKey: SERVICE_CREDENTIAL_KEY }]);
    // A statement another service credential sent about the learner.
    const [byAdmin] = await lrs.send(make.statement({ actor: learner.agent }));
    for (const target of [record.id, byAdmin ?? '']) {
      const res = await lrs.request('/xapi/statements', {
        body: make.voiding(target, { actor: learner.agent }),
        as: learner,
      });
      expect(res.status, res.text).toBe(403);
      expect(res.message).toContain('own authority');
      const put = make.voiding(target, { actor: learner.agent });
      const viaPut = await lrs.request(`/xapi/statements?statementId=${put.id}`, {
        method: 'PUT',
        body: put,
        as: learner,
      });
      expect(viaPut.status).toBe(403);
      expect(await lrs.status(`/xapi/statements?statementId=${target}`)).toBe(200);
    }
    // In a batch, the refused voiding takes the whole batch with it.
    const mine = make.statement({ actor: learner.agent });
    const batch = await lrs.request('/xapi/statements', {
      body: [mine, make.voiding(record.id, { actor: learner.agent })],
      as: learner,
    });
    expect(batch.status).toBe(403);
    expect(await lrs.status(`/xapi/statements?statementId=${mine.id}`)).toBe(404);
    const theirs = await lrs.statementIds(`agent=${q(learner.agent)}`);
    expect(theirs).toEqual([byAdmin, record.id]);
  });

  it("refuses one service credential's voiding of another's statements", async () => {
    const other = await lrs.credential(['all']);
    const [theirs] = await lrs.send(make.statement(), other);
    const res = await lrs.request('/xapi/statements', { body: make.voiding(theirs ?? '') });
    expect(res.status).toBe(403);
    await lrs.send(make.voiding(theirs ?? ''), other);
    expect(await lrs.status(`/xapi/statements?voidedStatementId=${theirs ?? ''}`)).toBe(200);
  });

  it('accepts voiding an id not stored yet; the statement arriving later is stored voided', async () => {
    const learner = await lrs.learner();
    const later = make.statement({ actor: learner.agent });
    const [voider] = await lrs.send(make.voiding(later.id, { actor: learner.agent }), learner);
    expect(await lrs.status(`/xapi/statements?statementId=${voider ?? ''}`)).toBe(200);
    await lrs.send(later, learner);
    expect(await lrs.status(`/xapi/statements?statementId=${later.id}`)).toBe(404);
    expect(await lrs.status(`/xapi/statements?voidedStatementId=${later.id}`)).toBe(200);
  });

  it("does not let a voiding statement sent in advance void another authority's statement", async () => {
    const learner = await lrs.learner();
    // The learner guesses the id of a statement the service will store about it, and voids it first.
    const record = newStoreStatement(learner.agent, make.activity('assessment'));
    const [voider] = await lrs.send(make.voiding(record.id, { actor: learner.agent }), learner);
    expect(await lrs.status(`/xapi/statements?statementId=${voider ?? ''}`)).toBe(200);
    await lrs.store.insertStatements([{ ...record, credentialKey: SERVICE_CREDENTIAL_KEY }]);
    expect(await lrs.status(`/xapi/statements?statementId=${record.id}`)).toBe(200);
    expect(await lrs.status(`/xapi/statements?voidedStatementId=${record.id}`)).toBe(404);
  });

  it("never voids another authority's statement when the voiding and the target race", async () => {
    const learner = await lrs.learner();
    const pairs = Array.from({ length: 20 }, () => ({
      target: make.statement({ actor: learner.agent }),
    }));
    await Promise.all(
      pairs.flatMap(({ target }) => [
        // The target from a service credential, the voiding from the learner, at once.
        lrs.request('/xapi/statements', { body: target }),
        lrs.request('/xapi/statements', {
          body: make.voiding(target.id, { actor: learner.agent }),
          as: learner,
        }),
      ]),
    );
    for (const { target } of pairs) {
      expect(await lrs.status(`/xapi/statements?statementId=${target.id}`)).toBe(200);
    }
  });
});
