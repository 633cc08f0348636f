// Bad input gets a 4xx with a message, never a 5xx or a hang, and changes nothing stored: deep
// JSON, NUL and broken Unicode, overlong parameters and headers, forged `more` links and Basic
// credentials with control characters, each tried over HTTP against the real service.
import { expect, it } from 'vitest';
import { basicAuth, describeEachStore, make, q, type LrsRequest } from './helpers.ts';

/** A JSON text nesting `depth` arrays around a number. */
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/** A statement whose result extension holds `json` (a JSON text) as its value. */
const withExtension = (json: string) => {
  const s = JSON.stringify(make.statement({ result: { extensions: { 'https://x.org/e': 0 } } }));
  return s.replace('"https://x.org/e":0', `"https://x.org/e":${json}`);
};

const asJson = (raw: string | Buffer): LrsRequest => ({
  raw,
  headers: { 'Content-Type': 'application/json' },
});

describeEachStore('hostile input', (lrs) => {
  const count = async () => (await lrs.statementIds('limit=0')).length;

  it('refuses deeply nested statements with the limit in the message, and reads still answer', async () => {
    const before = await count();
    for (const depth of [40, 2000, 3000, 100_000]) {
      const res = await lrs.request('/xapi/statements', {
        method: 'POST',
        ...asJson(withExtension(nested(depth))),
      });
      expect(res.status, `depth ${depth}`).toBe(400);
      expect(res.message).toContain('32');
    }
    // Within the body's limit but deeper than an extension value may be.
    const deepValue = await lrs.request('/xapi/statements', {
      method: 'POST',
      ...asJson(withExtension(nested(20))),
    });
    expect(deepValue.status).toBe(400);
    expect(deepValue.message).toMatch(/extension value.*16 levels/);
    const fine = await lrs.request('/xapi/statements', {
      method: 'POST',
      ...asJson(withExtension(nested(16))),
    });
    expect(fine.status, fine.text).toBe(200);
    expect(await count()).toBe(before + 1);
  });

  it('refuses deep State and profile documents, and a State POST merge of one', async () => {
    const state = `/xapi/activities/state?activityId=${q(make.activity())}&agent=${q(make.agent())}&stateId=s`;
    expect(await lrs.status(state, { method: 'PUT', body: { a: 1 } })).toBe(204);
    for (const method of ['PUT', 'POST']) {
      const res = await lrs.request(state, { method, ...asJson(`{"a":${nested(10_000)}}`) });
      expect(res.status, method).toBe(400);
      expect(res.message).toContain('32 levels');
    }
    expect((await lrs.request(state)).json).toEqual({ a: 1 });
    const profile = `/xapi/activities/profile?activityId=${q(make.activity())}&profileId=p`;
    const res = await lrs.request(profile, {
      method: 'PUT',
      raw: nested(5000),
      headers: { 'Content-Type': 'application/json', 'If-None-Match': '*' },
    });
    expect(res.status).toBe(400);
    expect(await lrs.status(profile)).toBe(404);
  });

  it('refuses NUL, unpaired surrogates and invalid UTF-8 in statements with 400', async () => {
    const before = await count();
    const bad: [string, string | Buffer][] = [
      [
        'NUL in the verb id',
        JSON.stringify(make.statement({ verb: { id: 'http://x.org/v\u0000' } })),
      ],
      [
        'NUL in the activity id',
        JSON.stringify(make.statement({ object: { id: 'http://x.org/a\u0000b' } })),
      ],
      [
        'NUL in the agent',
        JSON.stringify(make.statement({ actor: { mbox: 'mailto:a\u0000@x.org' } })),
      ],
      ['an unpaired surrogate', JSON.stringify(make.statement()).replace('"Learner"', '"\\ud800"')],
      [
        'invalid UTF-8',
        Buffer.concat([
          Buffer.from(JSON.stringify(make.statement()).slice(0, -1)),
          Buffer.from(',"x":"\xff"}', 'latin1'),
        ]),
      ],
    ];
    for (const [name, raw] of bad) {
      const res = await lrs.request('/xapi/statements', { method: 'POST', ...asJson(raw) });
      expect(res.status, name).toBe(400);
      expect(res.message, name).toBeDefined();
    }
    expect(await count()).toBe(before);
  });

  it('refuses NUL, broken Unicode and overlong values in parameters and ids with 400', async () => {
    const activity = q(make.activity());
    const agent = q(make.agent());
    const urls = [
      `/xapi/statements?verb=${q('http://x.org/v\u0000')}`,
      `/xapi/statements?activity=http%3A%2F%2Fx.org%2F%FF`,
      `/xapi/statements?agent=${q('{"mbox":"mailto:a\\u0000@x.org"}')}`,
      `/xapi/statements?agent=${q('{"mbox":"mailto:\\ud800@x.org"}')}`,
      `/xapi/statements?agent=${q(JSON.parse(nested(50)))}`,
      `/xapi/statements?verb=${q(`http://x.org/${'v'.repeat(3000)}`)}`,
      `/xapi/activities/state?activityId=${activity}&agent=${agent}&stateId=%00`,
      `/xapi/activities/state?activityId=${activity}&agent=${agent}&stateId=${'s'.repeat(701)}`,
      `/xapi/activities/profile?activityId=${activity}&profileId=a%00b`,
      `/xapi/agents/profile?agent=${agent}&profileId=%ED%A0%80`,
      `/xapi/activities?activityId=${q(`http://x.org/${'a'.repeat(800)}`)}`,
      `/xapi/agents?agent=${q({ mbox: `mailto:${'a'.repeat(800)}@x.org` })}`,
      `/xapi/statements?%00=1`,
    ];
    for (const url of urls) {
      for (const method of ['GET', 'PUT']) {
        const res = await lrs.request(url, {
          method,
          ...(method === 'PUT' ? { body: { a: 1 }, headers: { 'If-None-Match': '*' } } : {}),
        });
        expect(res.status, `${method} ${url.slice(0, 120)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${method} ${url.slice(0, 120)}`).toBeLessThan(500);
      }
      const res = await lrs.request(url);
      expect(res.status, url.slice(0, 120)).toBe(400);
    }
    const long = await lrs.request(
      `/xapi/statements?verb=${q(`http://x.org/${'v'.repeat(3000)}`)}`,
    );
    expect(long.message).toContain('2048');
  });

  it('refuses overlong or repeated headers it reads, naming the header', async () => {
    const res = await lrs.request('/xapi/statements', {
      headers: { 'Accept-Language': 'x'.repeat(300) },
    });
    expect(res.status).toBe(400);
    expect(res.message).toContain('accept-language');
    const tab = await lrs.request('/xapi/statements?limit=1', {
      headers: { 'Accept-Language': 'fr,\ten;q=0.5' },
    });
    expect(tab.status).toBe(200);
    const ifMatch = await lrs.request(
      `/xapi/activities/profile?activityId=${q(make.activity())}&profileId=p`,
      { method: 'PUT', body: { a: 1 }, headers: { 'If-Match': `"${'0'.repeat(2000)}"` } },
    );
    expect(ifMatch.status).toBe(400);
    expect(ifMatch.message).toContain('1024');
  });

  it('refuses forged more links with 400', async () => {
    const token = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const tokens = [
      'not-a-token!',
      '%00',
      token({ p: {}, s: -1 }),
      token({ p: {}, s: 1.5 }),
      token({ p: {}, s: 1e300 }),
      token({ p: { verb: 'http://x.org/\u0000' }, s: 1 }),
      token({ p: { nope: 'x' }, s: 1 }),
      token({ p: { limit: 'abc' }, s: 1 }),
      token({ p: { agent: nested(100) }, s: 1 }),
      token(JSON.parse(`{"p":{},"s":1,"x":${nested(100)}}`)),
      Buffer.from([0xff, 0xfe, 0x7b]).toString('base64url'),
    ];
    for (const t of tokens) {
      const res = await lrs.request(`/xapi/statements/more/${t}`);
      expect(res.status, t.slice(0, 80)).toBe(400);
      expect(res.headers.get('x-experience-api-consistent-through'), t.slice(0, 80)).not.toBeNull();
    }
    // Longer than the router takes in a path segment.
    expect(await lrs.status(`/xapi/statements/more/${'a'.repeat(5000)}`)).toBe(414);
  });

  it('never authenticates Basic credentials with a control character, and answers 400', async () => {
    const credential = await lrs.credential(['all']);
    const as = (key: string, secret: string) => ({
      key,
      secret,
      authorization: basicAuth(key, secret),
    });
    expect(await lrs.status('/xapi/statements?limit=1', { as: credential })).toBe(200);
    const variants = [
      as(credential.key, `${credential.secret}\u0000`),
      as(credential.key, `${credential.secret}\u0000\u0000\u0000`),
      as(`${credential.key}\u0000`, credential.secret),
      as('\u0000', 'x'),
      as(credential.key, `${credential.secret}\u0001`),
      as('k'.repeat(200), credential.secret),
      as(credential.key, 's'.repeat(300)),
    ];
    for (const v of variants) {
      const res = await lrs.request('/xapi/statements?limit=1', { as: v });
      expect(res.status, JSON.stringify(v.key.slice(0, 30))).toBe(400);
    }
    const invalidUtf8 = `Basic ${Buffer.concat([Buffer.from(`${credential.key}:`), Buffer.from([0xff, 0xfe])]).toString('base64')}`;
    const res = await lrs.request('/xapi/statements?limit=1', {
      as: { key: '', secret: '', authorization: invalidUtf8 },
    });
    expect(res.status).toBe(400);
  });
});
