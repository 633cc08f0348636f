import { beforeAll, describe, expect, it } from 'vitest';
import {
  describeEachStore,
  make,
  q,
  sleep,
  withoutId,
  type StatementPage,
  type TestStatement,
} from './helpers.ts';

describeEachStore('statements', (lrs) => {
  const byId = (id: string | undefined) => `/xapi/statements?statementId=${id ?? ''}`;
  const byVoidedId = (id: string) => `/xapi/statements?voidedStatementId=${id}`;
  const post = (body: unknown) => lrs.request('/xapi/statements', { body });
  const put = (id: string, body: unknown) => lrs.request(byId(id), { method: 'PUT', body });

  it('stores a POSTed statement and returns it with stored, authority and version set', async () => {
    const s = make.statement();
    const posted = await post(s);
    expect(posted.status).toBe(200);
    expect(posted.json).toEqual([s.id]);
    expect(posted.headers.get('x-experience-api-version')).toBe('1.0.3');

    const get = await lrs.request(byId(s.id));
    expect(get.status).toBe(200);
    expect(get.headers.get('x-experience-api-consistent-through')).toMatch(/^\d{4}-/);
    const stored = get.json as Record<string, unknown>;
    expect(stored.id).toBe(s.id);
    expect(stored.actor).toEqual(s.actor);
    expect(stored.object).toEqual(s.object);
    expect(stored.version).toBe('1.0.0');
    expect(stored.stored).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(stored.timestamp).toBe(stored.stored);
    expect(stored.authority).toMatchObject({
      objectType: 'Agent',
      account: { name: lrs.admin.key },
    });
  });

  it('assigns an id when the statement has none', async () => {
    const [id] = await lrs.send(withoutId(make.statement()));
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await lrs.request(byId(id))).json as { id: string }).id).toBe(id);
  });

  it('stores a batch atomically and returns the ids in order', async () => {
    const batch = [make.statement(), make.statement(), make.statement()];
    expect(await lrs.send(batch)).toEqual(batch.map((s) => s.id));

    // One bad statement rejects the whole batch: none of it is stored.
    const mixed = [make.statement(), { ...make.statement(), verb: { id: 'not an iri' } }];
    const bad = await post(mixed);
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('statements[1].verb.id');
    expect(await lrs.status(byId(mixed[0]?.id))).toBe(404);
  });

  it('PUTs a statement under statementId and rejects a mismatching id', async () => {
    const s = make.statement();
    expect((await put(s.id, s)).status).toBe(204);
    const id = make.uuid();
    expect((await put(id, withoutId(make.statement()))).status).toBe(204);
    expect(await lrs.status(byId(id))).toBe(200);

    const other = make.statement();
    const mismatch = await put(make.uuid(), other);
    expect(mismatch.status).toBe(400);
    expect(mismatch.message).toContain('differs from statementId');
    const missing = await lrs.request('/xapi/statements', { method: 'PUT', body: other });
    expect(missing.status).toBe(400);
    expect(missing.message).toContain('statementId');
  });

  it('accepts an identical re-send and rejects different content under an existing id', async () => {
    const s = make.statement();
    await lrs.send(s);
    const before = await lrs.request(byId(s.id));

    expect(await lrs.send(s)).toEqual([s.id]);
    expect((await put(s.id, s)).status).toBe(204);

    const changed = { ...s, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } };
    const conflict = await post(changed);
    expect(conflict.status).toBe(409);
    expect(conflict.message).toContain(s.id);
    expect((await put(s.id, changed)).status).toBe(409);

    // A batch with a conflicting member stores nothing, not even its new statements.
    const fresh = make.statement();
    expect((await post([fresh, changed])).status).toBe(409);
    expect(await lrs.status(byId(fresh.id))).toBe(404);

    expect((await lrs.request(byId(s.id))).json).toEqual(before.json);
  });

  it('rejects a batch that holds one id twice', async () => {
    const s = make.statement();
    const res = await post([s, s]);
    expect(res.status).toBe(400);
    expect(res.message).toContain('more than once');
  });

  describe('voiding', () => {
    it('voids a statement: hidden from statementId and queries, found by voidedStatementId', async () => {
      const actor = make.agent();
      const target = make.statement({ actor });
      const voidingIt = make.voiding(target.id, { actor });
      await lrs.send(target);
      await lrs.send(voidingIt);

      expect(await lrs.status(byId(target.id))).toBe(404);
      const found = await lrs.request(byVoidedId(target.id));
      expect(found.status).toBe(200);
      expect((found.json as { id: string }).id).toBe(target.id);
      // The voiding statement itself is an ordinary statement.
      expect(await lrs.status(byVoidedId(voidingIt.id))).toBe(404);

      const ids = await lrs.statementIds(`agent=${q(actor)}`);
      expect(ids).toContain(voidingIt.id);
      expect(ids).not.toContain(target.id);
    });

    it('rejects a statement that voids a voiding statement, and changes nothing', async () => {
      const target = make.statement();
      const first = make.voiding(target.id);
      await lrs.send([target, first]);
      const second = make.voiding(first.id);
      const res = await post(second);
      expect(res.status).toBe(400);
      expect(res.message).toContain('cannot be voided');
      expect(await lrs.status(byId(second.id))).toBe(404);
      expect(await lrs.status(byId(first.id))).toBe(200);

      // Also when both come in one batch.
      const a = make.voiding(make.uuid());
      const b = make.voiding(a.id);
      expect((await post([b, a])).status).toBe(400);
    });

    it('voids a statement that arrives after its voiding statement', async () => {
      const target = make.statement();
      await lrs.send(make.voiding(target.id));
      await lrs.send(target);
      expect(await lrs.status(byId(target.id))).toBe(404);
      expect(await lrs.status(byVoidedId(target.id))).toBe(200);
    });

    it('requires a StatementRef as the object of a voiding statement', async () => {
      const res = await post(make.voiding(make.uuid(), { object: { id: make.activity() } }));
      expect(res.status).toBe(400);
      expect(res.message).toContain('StatementRef');
    });
  });

  describe('queries', () => {
    const learner = make.agent('learner');
    const trainer = make.agent('trainer');
    const course = make.activity('course');
    const registration = make.uuid();
    const verbA = `https://peacekeeping.example.org/verbs/${make.uuid()}`;
    const made: TestStatement[] = [];
    let middle = '';

    beforeAll(async () => {
      for (let i = 0; i < 7; i++) {
        const s = make.statement({
          actor: learner,
          verb: { id: i % 2 === 0 ? verbA : 'http://adlnet.gov/expapi/verbs/attempted' },
          context: {
            registration: i < 3 ? registration : make.uuid(),
            instructor: trainer,
            contextActivities: { parent: [{ id: course }] },
          },
        });
        made.push(s);
        await lrs.send(s);
        if (i === 3) {
          await sleep(20);
          middle = ((await lrs.request(byId(s.id))).json as { stored: string }).stored;
          await sleep(20);
        }
      }
    });

    const idsOfMade = (...indexes: number[]) => indexes.map((i) => made[i]?.id);
    const query = (params: string) => lrs.statementIds(params);

    it('filters by agent (actor or object), newest first', async () => {
      const res = await lrs.request(`/xapi/statements?agent=${q(learner)}`);
      expect(res.status).toBe(200);
      const page = res.json as StatementPage;
      expect(page.statements.map((s) => s.id)).toEqual(idsOfMade(6, 5, 4, 3, 2, 1, 0));
      expect(page.more).toBe('');
      // The instructor is related, not the actor.
      expect(await query(`agent=${q(trainer)}`)).toEqual([]);
      expect(await query(`agent=${q(trainer)}&related_agents=true`)).toHaveLength(7);
    });

    it('filters by verb, activity, related activities and registration', async () => {
      expect(await query(`verb=${q(verbA)}`)).toEqual(idsOfMade(6, 4, 2, 0));
      expect(await query(`activity=${q(course)}`)).toEqual([]);
      expect(await query(`activity=${q(course)}&related_activities=true`)).toHaveLength(7);
      const object = (made[2]?.object as { id: string }).id;
      expect(await query(`activity=${q(object)}`)).toEqual(idsOfMade(2));
      expect(await query(`registration=${registration}`)).toEqual(idsOfMade(2, 1, 0));
      expect(await query(`registration=${registration}&verb=${q(verbA)}`)).toEqual(idsOfMade(2, 0));
    });

    it('filters by since and until on stored, and sorts ascending', async () => {
      expect(await query(`agent=${q(learner)}&since=${q(middle)}`)).toEqual(idsOfMade(6, 5, 4));
      expect(await query(`agent=${q(learner)}&until=${q(middle)}&ascending=true`)).toEqual(
        idsOfMade(0, 1, 2, 3),
      );
    });

    it('pages with limit and more, following the links to the end', async () => {
      const seen: string[] = [];
      let pages = 0;
      let next = `/xapi/statements?agent=${q(learner)}&limit=3&ascending=true`;
      while (next !== '') {
        pages += 1;
        const res = await lrs.request(next);
        expect(res.status).toBe(200);
        const page = res.json as StatementPage;
        expect(page.more).toMatch(/^$|^\/xapi\/statements\/more\//);
        seen.push(...page.statements.map((s) => s.id));
        next = page.more;
      }
      expect(seen).toEqual(idsOfMade(0, 1, 2, 3, 4, 5, 6));
      expect(pages).toBe(3);
      expect(await lrs.status('/xapi/statements/more/not-a-token')).toBe(400);
    });

    it('formats as ids and canonical', async () => {
      const asIds = await lrs.request(`${byId(made[0]?.id)}&format=ids`);
      const s = asIds.json as Record<string, Record<string, unknown>>;
      expect(s.verb).toEqual({ id: verbA });
      expect(s.object?.definition).toBeUndefined();
      expect(s.actor).toEqual({ mbox: learner.mbox });

      const canonical = async (i: number, languages: string) => {
        const res = await lrs.request(`${byId(made[i]?.id)}&format=canonical`, {
          headers: { 'Accept-Language': languages },
        });
        return (res.json as { object: { definition: { name: Record<string, string> } } }).object
          .definition.name;
      };
      expect(await canonical(0, 'fr;q=0.9, de;q=0.5')).toEqual({ fr: 'Module' });
      // No accepted language is available, so one language is picked rather than none.
      expect(Object.keys(await canonical(1, 'de'))).toHaveLength(1);
    });

    it('rejects filters combined with statementId', async () => {
      expect(await lrs.status(`${byId(made[0]?.id)}&verb=${q(verbA)}`)).toBe(400);
    });
  });
});
