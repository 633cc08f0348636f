import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCredential,
  q,
  randomUUID,
  startServer,
  statement,
  storeKinds,
  withoutId,
  xapi,
  type TestCredential,
  type TestServer,
} from './helpers.ts';

const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

interface Result {
  statements: Record<string, unknown>[];
  more: string;
}

describe.each(storeKinds())('statements on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    server = await startServer(opened.store);
    admin = await createCredential(opened.store, ['all']);
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('stores a POSTed statement and returns it with stored, authority and version set', async () => {
    const s = statement();
    const post = await xapi(server, admin, '/xapi/statements', { body: s });
    expect(post.status).toBe(200);
    expect(post.json).toEqual([s.id]);
    expect(post.headers.get('x-experience-api-version')).toBe('1.0.3');

    const get = await xapi(server, admin, `/xapi/statements?statementId=${s.id}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('x-experience-api-consistent-through')).toMatch(/^\d{4}-/);
    const stored = get.json as Record<string, unknown>;
    expect(stored.id).toBe(s.id);
    expect(stored.actor).toEqual(s.actor);
    expect(stored.object).toEqual(s.object);
    expect(stored.version).toBe('1.0.0');
    expect(typeof stored.stored).toBe('string');
    expect(stored.timestamp).toBe(stored.stored);
    expect(stored.authority).toMatchObject({
      objectType: 'Agent',
      account: { name: admin.key },
    });
  });

  it('assigns an id when the statement has none', async () => {
    const s = withoutId(statement());
    const post = await xapi(server, admin, '/xapi/statements', { body: s });
    expect(post.status).toBe(200);
    const [id] = post.json as string[];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const get = await xapi(server, admin, `/xapi/statements?statementId=${id}`);
    expect((get.json as Record<string, unknown>).id).toBe(id);
  });

  it('stores a batch atomically and returns the ids in order', async () => {
    const batch = [statement(), statement(), statement()];
    const post = await xapi(server, admin, '/xapi/statements', { body: batch });
    expect(post.status).toBe(200);
    expect(post.json).toEqual(batch.map((s) => s.id));

    // One bad statement rejects the whole batch: none of it is stored.
    const mixed = [statement(), { ...statement(), verb: { id: 'not an iri' } }];
    const bad = await xapi(server, admin, '/xapi/statements', { body: mixed });
    expect(bad.status).toBe(400);
    expect((bad.json as { message: string }).message).toContain('statements[1].verb.id');
    const first = await xapi(server, admin, `/xapi/statements?statementId=${mixed[0]?.id}`);
    expect(first.status).toBe(404);
  });

  it('PUTs a statement under statementId and rejects a mismatching id', async () => {
    const s = statement();
    const put = await xapi(server, admin, `/xapi/statements?statementId=${s.id}`, {
      method: 'PUT',
      body: s,
    });
    expect(put.status).toBe(204);
    const noId = withoutId(statement());
    const id = randomUUID();
    const put2 = await xapi(server, admin, `/xapi/statements?statementId=${id}`, {
      method: 'PUT',
      body: noId,
    });
    expect(put2.status).toBe(204);
    expect((await xapi(server, admin, `/xapi/statements?statementId=${id}`)).status).toBe(200);

    const other = statement();
    const mismatch = await xapi(server, admin, `/xapi/statements?statementId=${randomUUID()}`, {
      method: 'PUT',
      body: other,
    });
    expect(mismatch.status).toBe(400);
    expect((mismatch.json as { message: string }).message).toContain('differs from statementId');
    const missing = await xapi(server, admin, '/xapi/statements', { method: 'PUT', body: other });
    expect(missing.status).toBe(400);
    expect((missing.json as { message: string }).message).toContain('statementId');
  });

  it('accepts an identical re-send and rejects different content under an existing id', async () => {
    const s = statement();
    expect((await xapi(server, admin, '/xapi/statements', { body: s })).status).toBe(200);
    const before = await xapi(server, admin, `/xapi/statements?statementId=${s.id}`);

    const again = await xapi(server, admin, '/xapi/statements', { body: s });
    expect(again.status).toBe(200);
    expect(again.json).toEqual([s.id]);
    const put = await xapi(server, admin, `/xapi/statements?statementId=${s.id}`, {
      method: 'PUT',
      body: s,
    });
    expect(put.status).toBe(204);

    const changed = { ...s, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } };
    const conflict = await xapi(server, admin, '/xapi/statements', { body: changed });
    expect(conflict.status).toBe(409);
    expect((conflict.json as { message: string }).message).toContain(s.id);
    const putConflict = await xapi(server, admin, `/xapi/statements?statementId=${s.id}`, {
      method: 'PUT',
      body: changed,
    });
    expect(putConflict.status).toBe(409);

    // A batch with a conflicting member stores nothing, not even its new statements.
    const fresh = statement();
    const batch = await xapi(server, admin, '/xapi/statements', { body: [fresh, changed] });
    expect(batch.status).toBe(409);
    expect((await xapi(server, admin, `/xapi/statements?statementId=${fresh.id}`)).status).toBe(
      404,
    );

    const after = await xapi(server, admin, `/xapi/statements?statementId=${s.id}`);
    expect(after.json).toEqual(before.json);
  });

  it('rejects a batch that holds one id twice', async () => {
    const s = statement();
    const res = await xapi(server, admin, '/xapi/statements', { body: [s, s] });
    expect(res.status).toBe(400);
    expect((res.json as { message: string }).message).toContain('more than once');
  });

  describe('voiding', () => {
    it('voids a statement: hidden from statementId and queries, found by voidedStatementId', async () => {
      const target = statement();
      await xapi(server, admin, '/xapi/statements', { body: target });
      const voiding = statement({
        actor: target.actor as Record<string, string>,
        verb: { id: VOIDED },
        object: { objectType: 'StatementRef', id: target.id },
      });
      expect((await xapi(server, admin, '/xapi/statements', { body: voiding })).status).toBe(200);

      const byId = await xapi(server, admin, `/xapi/statements?statementId=${target.id}`);
      expect(byId.status).toBe(404);
      const byVoided = await xapi(server, admin, `/xapi/statements?voidedStatementId=${target.id}`);
      expect(byVoided.status).toBe(200);
      expect((byVoided.json as Record<string, unknown>).id).toBe(target.id);
      // The voiding statement itself is an ordinary statement.
      const voidingGet = await xapi(
        server,
        admin,
        `/xapi/statements?voidedStatementId=${voiding.id}`,
      );
      expect(voidingGet.status).toBe(404);

      const list = await xapi(server, admin, `/xapi/statements?agent=${q(target.actor)}`);
      const ids = (list.json as Result).statements.map((s) => s.id);
      expect(ids).toContain(voiding.id);
      expect(ids).not.toContain(target.id);
    });

    it('rejects a statement that voids a voiding statement, and changes nothing', async () => {
      const target = statement();
      const voiding = statement({
        verb: { id: VOIDED },
        object: { objectType: 'StatementRef', id: target.id },
      });
      await xapi(server, admin, '/xapi/statements', { body: [target, voiding] });
      const second = statement({
        verb: { id: VOIDED },
        object: { objectType: 'StatementRef', id: voiding.id },
      });
      const res = await xapi(server, admin, '/xapi/statements', { body: second });
      expect(res.status).toBe(400);
      expect((res.json as { message: string }).message).toContain('cannot be voided');
      expect((await xapi(server, admin, `/xapi/statements?statementId=${second.id}`)).status).toBe(
        404,
      );
      expect((await xapi(server, admin, `/xapi/statements?statementId=${voiding.id}`)).status).toBe(
        200,
      );

      // Also when both come in one batch.
      const a = statement({
        verb: { id: VOIDED },
        object: { objectType: 'StatementRef', id: randomUUID() },
      });
      const b = statement({
        verb: { id: VOIDED },
        object: { objectType: 'StatementRef', id: a.id },
      });
      const batch = await xapi(server, admin, '/xapi/statements', { body: [b, a] });
      expect(batch.status).toBe(400);
    });

    it('voids a statement that arrives after its voiding statement', async () => {
      const target = statement();
      const voiding = statement({
        verb: { id: VOIDED },
        object: { objectType: 'StatementRef', id: target.id },
      });
      await xapi(server, admin, '/xapi/statements', { body: voiding });
      await xapi(server, admin, '/xapi/statements', { body: target });
      expect((await xapi(server, admin, `/xapi/statements?statementId=${target.id}`)).status).toBe(
        404,
      );
      expect(
        (await xapi(server, admin, `/xapi/statements?voidedStatementId=${target.id}`)).status,
      ).toBe(200);
    });

    it('requires a StatementRef as the object of a voiding statement', async () => {
      const res = await xapi(server, admin, '/xapi/statements', {
        body: statement({ verb: { id: VOIDED } }),
      });
      expect(res.status).toBe(400);
      expect((res.json as { message: string }).message).toContain('StatementRef');
    });
  });

  describe('queries', () => {
    const learner = { mbox: `mailto:${randomUUID()}@example.org` };
    const trainer = { mbox: `mailto:${randomUUID()}@example.org` };
    const course = `https://peacekeeping.example.org/course/${randomUUID()}`;
    const registration = randomUUID();
    const verbA = `https://peacekeeping.example.org/verbs/${randomUUID()}`;
    const made: Record<string, unknown>[] = [];
    let middle = '';

    beforeAll(async () => {
      for (let i = 0; i < 7; i++) {
        const s = statement({
          actor: learner,
          verb: { id: i % 2 === 0 ? verbA : 'http://adlnet.gov/expapi/verbs/attempted' },
          context: {
            registration: i < 3 ? registration : randomUUID(),
            instructor: trainer,
            contextActivities: { parent: [{ id: course }] },
          },
        });
        made.push(s);
        const res = await xapi(server, admin, '/xapi/statements', { body: s });
        expect(res.status).toBe(200);
        if (i === 3) {
          await new Promise((r) => setTimeout(r, 20));
          const got = await xapi(server, admin, `/xapi/statements?statementId=${s.id}`);
          middle = String((got.json as Record<string, unknown>).stored);
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    });

    const ids = (res: { json: unknown }) => (res.json as Result).statements.map((s) => s.id);

    it('filters by agent (actor or object), newest first', async () => {
      const res = await xapi(server, admin, `/xapi/statements?agent=${q(learner)}`);
      expect(res.status).toBe(200);
      expect(ids(res)).toEqual(made.map((s) => s.id).reverse());
      expect((res.json as Result).more).toBe('');
      // The instructor is related, not the actor.
      expect(ids(await xapi(server, admin, `/xapi/statements?agent=${q(trainer)}`))).toEqual([]);
      expect(
        ids(await xapi(server, admin, `/xapi/statements?agent=${q(trainer)}&related_agents=true`)),
      ).toHaveLength(7);
    });

    it('filters by verb, activity, related activities and registration', async () => {
      expect(ids(await xapi(server, admin, `/xapi/statements?verb=${q(verbA)}`))).toHaveLength(4);
      expect(ids(await xapi(server, admin, `/xapi/statements?activity=${q(course)}`))).toEqual([]);
      expect(
        ids(
          await xapi(
            server,
            admin,
            `/xapi/statements?activity=${q(course)}&related_activities=true`,
          ),
        ),
      ).toHaveLength(7);
      const object = (made[2]?.object as Record<string, string>).id;
      expect(ids(await xapi(server, admin, `/xapi/statements?activity=${q(object)}`))).toEqual([
        made[2]?.id,
      ]);
      expect(
        ids(await xapi(server, admin, `/xapi/statements?registration=${registration}`)),
      ).toEqual(
        made
          .slice(0, 3)
          .map((s) => s.id)
          .reverse(),
      );
      expect(
        ids(
          await xapi(
            server,
            admin,
            `/xapi/statements?registration=${registration}&verb=${q(verbA)}`,
          ),
        ),
      ).toEqual([made[2]?.id, made[0]?.id]);
    });

    it('filters by since and until on stored, and sorts ascending', async () => {
      const since = ids(
        await xapi(server, admin, `/xapi/statements?agent=${q(learner)}&since=${q(middle)}`),
      );
      expect(since).toEqual(
        made
          .slice(4)
          .map((s) => s.id)
          .reverse(),
      );
      const until = ids(
        await xapi(
          server,
          admin,
          `/xapi/statements?agent=${q(learner)}&until=${q(middle)}&ascending=true`,
        ),
      );
      expect(until).toEqual(made.slice(0, 4).map((s) => s.id));
    });

    it('pages with limit and more, following the links to the end', async () => {
      const seen: unknown[] = [];
      let res = await xapi(
        server,
        admin,
        `/xapi/statements?agent=${q(learner)}&limit=3&ascending=true`,
      );
      for (;;) {
        expect(res.status).toBe(200);
        const page = res.json as Result;
        seen.push(...page.statements.map((s) => s.id));
        if (page.more === '') break;
        expect(page.more).toMatch(/^\/xapi\/statements\/more\//);
        res = await xapi(server, admin, page.more);
      }
      expect(seen).toEqual(made.map((s) => s.id));
      const forged = await xapi(server, admin, '/xapi/statements/more/not-a-token');
      expect(forged.status).toBe(400);
    });

    it('formats as ids and canonical', async () => {
      const res = await xapi(
        server,
        admin,
        `/xapi/statements?statementId=${String(made[0]?.id)}&format=ids`,
      );
      const s = res.json as Record<string, Record<string, unknown>>;
      expect(s.verb).toEqual({ id: verbA });
      expect(s.object?.definition).toBeUndefined();
      expect(s.actor).toEqual(learner);

      const canon = await xapi(
        server,
        admin,
        `/xapi/statements?statementId=${String(made[0]?.id)}&format=canonical`,
        {
          headers: { 'Accept-Language': 'fr;q=0.9, de;q=0.5' },
        },
      );
      const c = canon.json as Record<string, Record<string, Record<string, unknown>>>;
      expect(c.object?.definition?.name).toEqual({ fr: 'Module' });
      const other = await xapi(
        server,
        admin,
        `/xapi/statements?statementId=${String(made[1]?.id)}&format=canonical`,
        {
          headers: { 'Accept-Language': 'de' },
        },
      );
      // No accepted language is available, so one language is picked rather than none.
      const o = other.json as Record<string, Record<string, Record<string, unknown>>>;
      expect(Object.keys(o.object?.definition?.name ?? {})).toHaveLength(1);
    });

    it('rejects filters combined with statementId', async () => {
      const res = await xapi(
        server,
        admin,
        `/xapi/statements?statementId=${String(made[0]?.id)}&verb=${q(verbA)}`,
      );
      expect(res.status).toBe(400);
    });
  });
});
