import { expect, it } from 'vitest';
import { q, xapi } from './helpers.ts';
import {
  api,
  enrol,
  moduleStatement,
  sendAsLearner,
  SITE,
  staffLogin,
  describePlatform,
  type EnrolledLearner,
} from './certification-helpers.ts';

// Dates at the edges of what a database timestamp holds: year 0000 (valid ISO 8601, and no
// PostgreSQL timestamp), and the end of 9999 west of UTC (year 10000 in UTC). A query bound
// there selects what the nearest instant the database holds does; a date that is no date
// (30 February) is a 400. None of it is ever a 500.
describePlatform('dates at the edge of the calendar', [['edge-dpo', 'dpo']], (p) => {
  const learner = async (): Promise<EnrolledLearner> => {
    const l = await enrol(p.server);
    const res = await sendAsLearner(p.server, l, moduleStatement(l, 'experienced', 'intro'));
    expect(res.status).toBe(200);
    return l;
  };

  it('statement queries take year 0000 and year 10000 bounds, and refuse 30 February', async () => {
    const l = await learner();
    const cases: [string, number][] = [
      ['since=0000-01-01T00:00:00Z', 1],
      ['until=0000-01-01T00:00:00Z', 0],
      ['since=0001-01-01T00:00:00%2B14:00', 1],
      ['since=9999-12-31T23:59:59-14:00', 0],
      ['until=9999-12-31T23:59:59-14:00', 1],
    ];
    for (const [query, count] of cases) {
      const res = await xapi(p.server, l, `/xapi/statements?${query}`);
      expect(res.status, `${query}: ${res.text}`).toBe(200);
      expect((res.json as { statements: unknown[] }).statements, query).toHaveLength(count);
    }
    const feb = await xapi(p.server, l, '/xapi/statements?since=2023-02-30T00:00:00Z');
    expect(feb.status).toBe(400);
    expect(feb.message).toContain('since');
  });

  it('a statement timestamp of 30 February is a 400 and stores nothing', async () => {
    const l = await learner();
    const s = {
      ...moduleStatement(l, 'experienced', 'intro'),
      timestamp: '2023-02-30T10:00:00Z',
    };
    const res = await sendAsLearner(p.server, l, s);
    expect(res.status).toBe(400);
    expect(res.message).toContain('timestamp');
    const leap = await sendAsLearner(p.server, l, { ...s, timestamp: '2024-02-29T10:00:00Z' });
    expect(leap.status).toBe(200);
    const all = await xapi(p.server, l, '/xapi/statements');
    expect((all.json as { statements: unknown[] }).statements).toHaveLength(2);
  });

  it('State document lists take the same bounds', async () => {
    const l = await learner();
    const base = `/xapi/activities/state?activityId=${q(`${SITE}/x`)}&agent=${q(l.actor)}`;
    const put = await xapi(p.server, l, `${base}&stateId=s`, { method: 'PUT', body: { a: 1 } });
    expect(put.status).toBe(204);
    for (const [since, ids] of [
      ['0000-01-01T00:00:00Z', ['s']],
      ['9999-12-31T23:59:59-14:00', []],
    ] as const) {
      const res = await xapi(p.server, l, `${base}&since=${q(since)}`);
      expect(res.status, `${since}: ${res.text}`).toBe(200);
      expect(res.json).toEqual(ids);
    }
  });

  it('the reports take from and to at the edges of the calendar, and refuse 30 February', async () => {
    await enrol(p.server, { mission: 'EDGE-MISSION' });
    const dpo = await staffLogin(p.server, 'edge-dpo');
    const get = (path: string) => api(p.server, path, { headers: { Cookie: dpo.cookie } });
    const m = 'mission=EDGE-MISSION';
    for (const [query, total] of [
      ['from=0000-01-01', 1],
      ['to=0000-01-01', 0],
      ['to=9999-12-31', 1],
      ['from=0001-01-01T00:00:00%2B14:00', 1],
    ] as const) {
      const list = await get(`/api/reports/learners?${m}&${query}`);
      expect(list.status, `${query}: ${list.text}`).toBe(200);
      expect((list.json as { total: number }).total, query).toBe(total);
      const completion = await get(`/api/reports/completion?${m}&${query}`);
      expect(completion.status, `${query}: ${completion.text}`).toBe(200);
      const csv = await get(`/api/reports/learners.csv?${m}&${query}`);
      expect(csv.status, `${query}: ${csv.text}`).toBe(200);
    }
    const feb = await get(`/api/reports/learners?${m}&from=2023-02-30`);
    expect(feb.status).toBe(400);
    expect((feb.json as { message: string }).message).toBe('from: not a real date');
  });
});
