import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type TestStatement,
} from './helpers.ts';

const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

interface Result {
  statements: { id: string; stored: string }[];
  more: string;
}

function ref(id: string) {
  return { objectType: 'StatementRef', id };
}

function agent(name: string) {
  return { objectType: 'Agent', name, mbox: `mailto:${name}-${randomUUID()}@example.org` };
}

describe.each(storeKinds())('StatementRef filter conditions on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let cleanup: () => Promise<void>;
  // Ben passed explosives training (a); Andrew confirmed it (b); Carol noted the confirmation (c).
  const ben = agent('ben');
  const andrew = agent('andrew');
  const carol = agent('carol');
  const activity = `https://peacekeeping.example.org/activities/${randomUUID()}`;
  const registration = randomUUID();
  const confirmed = `https://peacekeeping.example.org/verbs/confirmed-${randomUUID()}`;
  const passed = `https://peacekeeping.example.org/verbs/passed-${randomUUID()}`;
  let a: TestStatement;
  let b: TestStatement;
  let c: TestStatement;
  let stored: Record<string, string> = {};

  const query = async (params: string): Promise<string[]> => {
    const res = await xapi(server, admin, `/xapi/statements?${params}`);
    expect(res.status, params).toBe(200);
    return (res.json as Result).statements.map((s) => s.id);
  };

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    server = await startServer(opened.store);
    admin = await createCredential(opened.store, ['all']);
    a = statement({
      actor: ben,
      verb: { id: passed },
      object: { id: activity },
      context: { registration },
    });
    b = statement({ actor: andrew, verb: { id: confirmed }, object: ref(a.id) });
    c = statement({
      actor: carol,
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
      object: ref(b.id),
    });
    for (const s of [a, b, c, statement()]) {
      expect((await xapi(server, admin, '/xapi/statements', { body: s })).status).toBe(200);
      // Distinct stored times, so that since and until can fall between them.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const res = await xapi(server, admin, `/xapi/statements?activity=${q(activity)}`);
    stored = Object.fromEntries((res.json as Result).statements.map((s) => [s.id, s.stored]));
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  it('returns statements that target a matching statement, through chains, for every filter', async () => {
    const chain = [c.id, b.id, a.id];
    expect(await query(`agent=${q(ben)}`)).toEqual(chain);
    expect(await query(`activity=${q(activity)}`)).toEqual(chain);
    expect(await query(`verb=${q(passed)}`)).toEqual(chain);
    expect(await query(`registration=${registration}`)).toEqual(chain);
    expect(await query(`agent=${q(ben)}&verb=${q(passed)}&activity=${q(activity)}`)).toEqual(chain);
    expect(await query(`activity=${q(activity)}&ascending=true`)).toEqual([...chain].reverse());
    // Down the chain only: a statement never matches through the statements that target it.
    expect(await query(`verb=${q(confirmed)}`)).toEqual([c.id, b.id]);
    expect(await query(`agent=${q(carol)}`)).toEqual([c.id]);
    // Each filter is met by some statement of the chain: "confirmed" statements about Ben's.
    expect(await query(`agent=${q(ben)}&verb=${q(confirmed)}`)).toEqual([c.id, b.id]);
    expect(await query(`agent=${q(carol)}&verb=${q(passed)}`)).toEqual([c.id]);
    expect(await query(`agent=${q(andrew)}&verb=${q(passed)}&activity=${q(activity)}`)).toEqual([
      c.id,
      b.id,
    ]);
    expect(await query(`related_agents=true&agent=${q(andrew)}`)).toEqual([c.id, b.id]);
  });

  it('applies since, until and limit to the targeting statement itself', async () => {
    const since = stored[a.id] ?? '';
    const until = stored[b.id] ?? '';
    expect(await query(`activity=${q(activity)}&since=${encodeURIComponent(since)}`)).toEqual([
      c.id,
      b.id,
    ]);
    expect(await query(`activity=${q(activity)}&until=${encodeURIComponent(until)}`)).toEqual([
      b.id,
      a.id,
    ]);
    const seen: string[] = [];
    let next = `/xapi/statements?activity=${q(activity)}&limit=1`;
    while (next !== '') {
      const res = await xapi(server, admin, next);
      const page = res.json as Result;
      expect(page.statements.length).toBeLessThanOrEqual(1);
      seen.push(...page.statements.map((s) => s.id));
      next = page.more;
    }
    expect(seen).toEqual([c.id, b.id, a.id]);
  });

  it('never returns a voided statement but still returns what targets it, the voiding statement included', async () => {
    const d = statement({ actor: ben, verb: { id: passed }, object: { id: `${activity}/d` } });
    const e = statement({ actor: andrew, verb: { id: confirmed }, object: ref(d.id) });
    const voiding = statement({ actor: andrew, verb: { id: VOIDED }, object: ref(e.id) });
    for (const s of [d, e, voiding]) {
      expect((await xapi(server, admin, '/xapi/statements', { body: s })).status).toBe(200);
    }
    expect(await query(`activity=${q(`${activity}/d`)}`)).toEqual([voiding.id, d.id]);
    expect(await query(`verb=${q(VOIDED)}&agent=${q(andrew)}`)).toEqual([voiding.id]);
  });

  it('pages through own matches and targeting statements together, both ways', async () => {
    const hana = agent('hana');
    const first = statement({ actor: hana });
    const confirm = statement({ actor: andrew, verb: { id: confirmed }, object: ref(first.id) });
    const note = statement({ actor: carol, object: ref(confirm.id) });
    const second = statement({ actor: hana });
    const third = statement({ actor: hana });
    const last = statement({ actor: andrew, verb: { id: confirmed }, object: ref(second.id) });
    for (const s of [first, confirm, note, second, third, last]) {
      expect((await xapi(server, admin, '/xapi/statements', { body: s })).status).toBe(200);
    }
    const all = [last, third, second, note, confirm, first].map((s) => s.id);
    for (const [order, expected] of [
      ['false', all],
      ['true', [...all].reverse()],
    ] as const) {
      const seen: string[] = [];
      let next = `/xapi/statements?agent=${q(hana)}&limit=2&ascending=${order}`;
      while (next !== '') {
        const page = (await xapi(server, admin, next)).json as Result;
        expect(page.statements.length).toBeLessThanOrEqual(2);
        seen.push(...page.statements.map((s) => s.id));
        next = page.more;
      }
      expect(seen).toEqual(expected);
    }
  });

  it('links a chain sent in one batch in any order', async () => {
    const gina = agent('gina');
    const root = statement({ actor: gina });
    const middle = statement({ actor: andrew, verb: { id: confirmed }, object: ref(root.id) });
    const top = statement({ actor: carol, object: ref(middle.id) });
    const post = await xapi(server, admin, '/xapi/statements', { body: [top, middle, root] });
    expect(post.status).toBe(200);
    expect(await query(`agent=${q(gina)}`)).toEqual([root.id, middle.id, top.id]);
    expect(await query(`agent=${q(gina)}&verb=${q(confirmed)}`)).toEqual([middle.id, top.id]);
  });

  it('finds a targeting statement stored before its target once the target arrives', async () => {
    const frank = agent('frank');
    const targetId = randomUUID();
    const early = statement({ actor: andrew, verb: { id: confirmed }, object: ref(targetId) });
    const earlier = statement({ actor: carol, object: ref(early.id) });
    for (const s of [early, earlier]) {
      expect((await xapi(server, admin, '/xapi/statements', { body: s })).status).toBe(200);
    }
    expect(await query(`agent=${q(frank)}`)).toEqual([]);
    const target = { ...statement({ actor: frank }), id: targetId };
    expect((await xapi(server, admin, '/xapi/statements', { body: target })).status).toBe(200);
    expect(await query(`agent=${q(frank)}`)).toEqual([targetId, earlier.id, early.id]);
    expect(await query(`agent=${q(carol)}&verb=${q(confirmed)}`)).toContain(earlier.id);
    // A single statement is read by its own id only: no rule applies to statementId.
    const single = await xapi(server, admin, `/xapi/statements?statementId=${early.id}`);
    expect((single.json as { id: string }).id).toBe(early.id);
  });
});
