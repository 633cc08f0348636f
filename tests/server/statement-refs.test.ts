import { beforeAll, expect, it } from 'vitest';
import { describeEachStore, make, q, sleep, VOIDED, type StatementPage } from './helpers.ts';

describeEachStore('StatementRef filter conditions', (lrs) => {
  // Ben passed explosives training (a); Andrew confirmed it (b); Carol noted the confirmation (c).
  const ben = make.agent('ben');
  const andrew = make.agent('andrew');
  const carol = make.agent('carol');
  const activity = make.activity('activities');
  const registration = make.uuid();
  const confirmed = `https://peacekeeping.example.org/verbs/confirmed-${make.uuid()}`;
  const passed = `https://peacekeeping.example.org/verbs/passed-${make.uuid()}`;
  /** Andrew confirms the statement with this id. */
  const confirms = (id: string) =>
    make.statement({ actor: andrew, verb: { id: confirmed }, object: make.ref(id) });
  /** Carol notes the statement with this id. */
  const notes = (id: string) => make.statement({ actor: carol, object: make.ref(id) });
  const a = make.statement({
    actor: ben,
    verb: { id: passed },
    object: { id: activity },
    context: { registration },
  });
  const b = confirms(a.id);
  const c = notes(b.id);
  let stored: Record<string, string> = {};

  const query = (params: string) => lrs.statementIds(params);
  /** Every id of a query, following `more` page by page, each page at most `limit` long. */
  const allPages = async (params: string, limit: number): Promise<string[]> => {
    const seen: string[] = [];
    let next = `/xapi/statements?${params}&limit=${String(limit)}`;
    while (next !== '') {
      const page = (await lrs.request(next)).json as StatementPage;
      expect(page.statements.length).toBeLessThanOrEqual(limit);
      seen.push(...page.statements.map((s) => s.id));
      next = page.more;
    }
    return seen;
  };
  /** POSTs statements one request each, in order. */
  const sendEach = async (statements: object[]) => {
    for (const s of statements) await lrs.send(s);
  };

  beforeAll(async () => {
    for (const s of [a, b, c, make.statement()]) {
      await lrs.send(s);
      // Distinct stored times, so that since and until can fall between them.
      await sleep(5);
    }
    const res = await lrs.request(`/xapi/statements?activity=${q(activity)}`);
    stored = Object.fromEntries(
      (res.json as StatementPage).statements.map((s) => [s.id, s.stored]),
    );
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
    expect(await allPages(`activity=${q(activity)}`, 1)).toEqual([c.id, b.id, a.id]);
  });

  it('never returns a voided statement but still returns what targets it, the voiding statement included', async () => {
    const d = make.statement({ actor: ben, verb: { id: passed }, object: { id: `${activity}/d` } });
    const e = confirms(d.id);
    const voiding = make.statement({ actor: andrew, verb: { id: VOIDED }, object: make.ref(e.id) });
    await sendEach([d, e, voiding]);
    expect(await query(`activity=${q(`${activity}/d`)}`)).toEqual([voiding.id, d.id]);
    expect(await query(`verb=${q(VOIDED)}&agent=${q(andrew)}`)).toEqual([voiding.id]);
  });

  it('pages through own matches and targeting statements together, both ways', async () => {
    const hana = make.agent('hana');
    const first = make.statement({ actor: hana });
    const confirm = confirms(first.id);
    const note = notes(confirm.id);
    const second = make.statement({ actor: hana });
    const third = make.statement({ actor: hana });
    const last = confirms(second.id);
    await sendEach([first, confirm, note, second, third, last]);
    const all = [last, third, second, note, confirm, first].map((s) => s.id);
    for (const [order, expected] of [
      ['false', all],
      ['true', [...all].reverse()],
    ] as const) {
      expect(await allPages(`agent=${q(hana)}&ascending=${order}`, 2)).toEqual(expected);
    }
  });

  it('links a chain sent in one batch in any order', async () => {
    const gina = make.agent('gina');
    const root = make.statement({ actor: gina });
    const middle = confirms(root.id);
    const top = notes(middle.id);
    await lrs.send([top, middle, root]);
    expect(await query(`agent=${q(gina)}`)).toEqual([root.id, middle.id, top.id]);
    expect(await query(`agent=${q(gina)}&verb=${q(confirmed)}`)).toEqual([middle.id, top.id]);
  });

  it('finds a targeting statement stored before its target once the target arrives', async () => {
    const frank = make.agent('frank');
    const targetId = make.uuid();
    const early = confirms(targetId);
    const earlier = notes(early.id);
    await sendEach([early, earlier]);
    expect(await query(`agent=${q(frank)}`)).toEqual([]);
    const target = { ...make.statement({ actor: frank }), id: targetId };
    await lrs.send(target);
    expect(await query(`agent=${q(frank)}`)).toEqual([targetId, earlier.id, early.id]);
    expect(await query(`agent=${q(carol)}&verb=${q(confirmed)}`)).toContain(earlier.id);
    // A single statement is read by its own id only: no rule applies to statementId.
    const single = await lrs.request(`/xapi/statements?statementId=${early.id}`);
    expect((single.json as { id: string }).id).toBe(early.id);
  });
});
