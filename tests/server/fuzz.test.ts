// A seeded fuzz run against the real service over HTTP, on each store: thousands of generated
// hostile statements, documents, queries and headers. Every answer must come within a time limit
// and be below 500, and nothing a refused write carried may be stored. FUZZ_SEED and FUZZ_COUNT
// reproduce or widen a run (the seed is in every failure message).
import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { QUERY_PARAMS } from '../../src/server/lrs/resources/statements.ts';
import { basicAuth, describeEachStore, make, type Lrs } from './helpers.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 17);
const COUNT = Number(process.env.FUZZ_COUNT ?? 3000);
/** An answer slower than this is a hang. */
const TIMEOUT_MS = 10_000;
const CONCURRENCY = 8;

/** mulberry32: a small seeded generator, so that a run can be repeated exactly. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;
  return { next, int, pick };
}
type Rng = ReturnType<typeof generator>;

const nestedText = (depth: number) => `${'['.repeat(depth)}0${']'.repeat(depth)}`;

function hostileString(r: Rng): string {
  return r.pick([
    '',
    '\u0000',
    `a\u0000b`,
    '\ud800',
    'x\udfffy',
    '\u0001\u001f\u007f',
    '\ufffd',
    'http://x.org/\u0000',
    'mailto:\u0000@x.org',
    `http://x.org/${'a'.repeat(r.pick([700, 3000, 70_000]))}`,
    'a'.repeat(r.pick([100, 2049, 10_000])),
    '%00',
    '%FF%FE',
    '{"mbox":"mailto:a@x.org"',
    '😀'.repeat(400),
    'not an iri',
    '2026-13-45T99:99:99Z',
    'P1Y2M3DT4H5M6S',
    '-00:00',
  ]);
}

function hostileValue(r: Rng): unknown {
  switch (r.int(8)) {
    case 0:
      return hostileString(r);
    case 1:
      return JSON.parse(nestedText(r.pick([20, 40, 300])));
    case 2:
      return r.pick([null, true, 0, -1, 1e308, 1.5, Number.MAX_SAFE_INTEGER]);
    case 3:
      return [];
    case 4:
      return {};
    case 5:
      return { [hostileString(r)]: hostileString(r) };
    case 6:
      return { objectType: r.pick(['Agent', 'Group', 'SubStatement', 'StatementRef', 'Nope']) };
    default:
      return [hostileString(r), { id: hostileString(r) }];
  }
}

// Places a mutation may land in a statement.
const PATHS = [
  ['actor'],
  ['actor', 'mbox'],
  ['actor', 'objectType'],
  ['actor', 'member'],
  ['actor', 'account'],
  ['verb'],
  ['verb', 'id'],
  ['verb', 'display'],
  ['object'],
  ['object', 'id'],
  ['object', 'objectType'],
  ['object', 'definition'],
  ['object', 'definition', 'name'],
  ['object', 'definition', 'correctResponsesPattern'],
  ['object', 'definition', 'choices'],
  ['object', 'definition', 'interactionType'],
  ['object', 'definition', 'extensions'],
  ['result'],
  ['result', 'score'],
  ['result', 'duration'],
  ['result', 'extensions', 'https://x.org/e'],
  ['context'],
  ['context', 'registration'],
  ['context', 'contextActivities'],
  ['context', 'contextActivities', 'parent'],
  ['context', 'extensions', 'https://x.org/e'],
  ['context', 'statement'],
  ['timestamp'],
  ['authority'],
  ['version'],
  ['attachments'],
  ['stored'],
  ['unknown'],
] as const;

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    if (typeof child !== 'object' || child === null || Array.isArray(child)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = path[path.length - 1] ?? 'x';
  if (value === undefined) Reflect.deleteProperty(node, last);
  else node[last] = value;
}

function hostileStatement(r: Rng): Record<string, unknown> {
  const s: Record<string, unknown> = make.statement();
  for (let i = 0, n = 1 + r.int(3); i < n; i++) {
    setPath(s, r.pick(PATHS), r.int(6) === 0 ? undefined : hostileValue(r));
  }
  if (r.int(8) === 0) {
    s.verb = { id: 'http://adlnet.gov/expapi/verbs/voided' };
    s.object = { objectType: 'StatementRef', id: r.pick([randomUUID(), hostileString(r)]) };
  }
  return s;
}

// Content-Type values a client can send (header values are bytes, so no NUL or emoji here).
const ODD_TYPES = [
  '',
  'text/plain',
  'application/json; charset=latin1',
  'multipart/mixed',
  'multipart/mixed; boundary=',
  'multipart/mixed; boundary=x',
  'application/x-www-form-urlencoded',
  `application/${'x'.repeat(300)}`,
];

/** One generated request, with what a refusal must leave unstored. */
interface Case {
  what: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Statement ids this request would store. */
  statementIds: string[];
  /** A document URL this request would write (GET it to check it is absent). */
  documentUrl?: string;
}

/** Percent-encodes text; an unpaired surrogate (which cannot be encoded) goes as %ED%A0%80. */
const enc = (text: string) =>
  encodeURIComponent(text.toWellFormed()).replaceAll('%EF%BF%BD', '%ED%A0%80');

function hostileCase(r: Rng, lrs: Lrs): Case {
  const json = { 'Content-Type': 'application/json' };
  const kind = r.int(12);
  if (kind <= 3) {
    // Statements: one, a batch, or a PUT; sometimes sent as raw broken bytes.
    const list = Array.from({ length: r.pick([1, 1, 2, 5]) }, () => hostileStatement(r));
    const ids = list.map((s) => s.id).filter((id): id is string => typeof id === 'string');
    let body: string | Buffer = JSON.stringify(list.length === 1 ? list[0] : list);
    if (r.int(6) === 0) {
      body = r.pick<string | Buffer>([
        body.slice(0, Math.max(1, r.int(body.length))),
        Buffer.concat([Buffer.from(body.slice(0, -1)), Buffer.from([0xff, 0xfe, 0x7d])]),
        body.replace('"actor"', `"actor":${nestedText(r.pick([2000, 3000, 10_000]))},"x"`),
        '',
        'null',
        nestedText(50_000),
      ]);
    }
    const put = r.int(4) === 0 && list.length === 1;
    return {
      what: put ? 'statement PUT' : 'statements POST',
      method: put ? 'PUT' : 'POST',
      path: put ? `/xapi/statements?statementId=${ids[0] ?? ''}` : '/xapi/statements',
      headers: r.int(10) === 0 ? { 'Content-Type': r.pick(ODD_TYPES) } : json,
      body,
      statementIds: ids,
    };
  }
  if (kind <= 5) {
    // Queries with hostile parameters, raw percent-encodings and forged more links.
    const names = [...QUERY_PARAMS, hostileString(r) || 'x'];
    const params = Array.from({ length: 1 + r.int(3) }, () => {
      const name = r.pick(names);
      const value = r.int(3) === 0 ? JSON.stringify(hostileValue(r)) : hostileString(r);
      return r.int(5) === 0
        ? `${enc(name)}=${r.pick(['%FF', '%ED%A0%80', '%C0%AF', '%'])}`
        : `${enc(name)}=${enc(value)}`;
    });
    const token = Buffer.from(
      JSON.stringify({
        p: { [r.pick(names)]: hostileString(r) },
        s: r.pick([-1, 1.5, 1e300, 0, '1']),
      }),
    ).toString('base64url');
    const path =
      r.int(5) === 0
        ? `/xapi/statements/more/${r.pick([token, enc(hostileString(r)) || 'x'])}`
        : `/xapi/statements?${params.join('&')}`;
    return {
      what: 'statements GET',
      method: r.pick(['GET', 'HEAD']),
      path,
      headers: {},
      statementIds: [],
    };
  }
  if (kind <= 8) {
    // Documents: State, Activity Profile and Agent Profile, with hostile ids, agents and bodies.
    const activity = make.activity();
    const agent = JSON.stringify(r.int(4) === 0 ? hostileValue(r) : make.agent());
    const id = r.int(3) === 0 ? hostileString(r) : 'doc';
    const resource = r.pick([
      `/xapi/activities/state?activityId=${enc(r.int(4) === 0 ? hostileString(r) : activity)}&agent=${enc(agent)}&stateId=${enc(id)}`,
      `/xapi/activities/profile?activityId=${enc(activity)}&profileId=${enc(id)}`,
      `/xapi/agents/profile?agent=${enc(agent)}&profileId=${enc(id)}`,
    ]);
    const method = r.pick(['PUT', 'POST', 'GET', 'DELETE']);
    const body = r.pick<string | Buffer>([
      `{"a":${nestedText(r.pick([10, 40, 10_000]))}}`,
      JSON.stringify({ a: hostileValue(r) }),
      Buffer.from([0xff, 0xfe, 0x00]),
      '{"a":',
      'plain text',
    ]);
    const headers: Record<string, string> = {
      'Content-Type': r.pick([
        'application/json',
        'application/octet-stream',
        'text/plain',
        '',
        'bad type',
      ]),
    };
    if (r.int(2) === 0) headers['If-None-Match'] = '*';
    if (r.int(6) === 0) headers['If-Match'] = `"${'0'.repeat(r.pick([40, 2000]))}"`;
    return {
      what: `document ${method}`,
      method,
      path: resource,
      headers,
      ...(method === 'PUT' || method === 'POST' ? { body, documentUrl: resource } : {}),
      statementIds: [],
    };
  }
  if (kind === 10) {
    // The alternate request syntax, its form fields standing for headers, parameters and body.
    const s = hostileStatement(r);
    const id = typeof s.id === 'string' ? s.id : randomUUID();
    const target = r.pick([
      { path: '/xapi/statements', method: 'PUT', ids: [id] },
      { path: '/xapi/statements', method: 'POST', ids: [id] },
      { path: '/xapi/statements', method: 'GET', ids: [] },
      { path: '/xapi/activities/state', method: 'PUT', ids: [] },
    ]);
    const fields = new URLSearchParams({
      Authorization: r.int(6) === 0 ? hostileString(r).toWellFormed() : lrs.admin.authorization,
      'X-Experience-API-Version': r.int(6) === 0 ? hostileString(r).toWellFormed() : '1.0.3',
      content: JSON.stringify(s).toWellFormed(),
    });
    if (target.method === 'PUT' && target.path === '/xapi/statements')
      fields.set('statementId', id);
    if (target.path.endsWith('state')) {
      fields.set('activityId', make.activity());
      fields.set('agent', JSON.stringify(make.agent()));
      fields.set('stateId', hostileString(r).toWellFormed());
    }
    if (r.int(3) === 0)
      fields.set(
        r.pick(['Content-Type', 'If-Match', 'verb', 'method']),
        hostileString(r).toWellFormed(),
      );
    const body =
      r.int(5) === 0 ? `${fields.toString()}&x=%FF%00&${enc(hostileString(r))}` : fields.toString();
    return {
      what: `alternate ${target.method}`,
      method: 'POST',
      path: `${target.path}?method=${r.int(8) === 0 ? enc(hostileString(r)) : target.method}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body,
      statementIds: target.ids,
    };
  }
  if (kind === 11) {
    // multipart/mixed with broken boundaries, parts and hashes.
    const s = make.statement({
      attachments: [
        {
          usageType: 'http://adlnet.gov/expapi/attachments/signature',
          display: { en: 'x' },
          contentType: 'application/octet-stream',
          length: 3,
          sha2: r.pick(['0'.repeat(64), hostileString(r)]),
        },
      ],
    });
    const boundary = 'b0undary';
    const parts = [
      `--${boundary}\r\nContent-Type: application/json\r\n\r\n${r.int(3) === 0 ? nestedText(5000) : JSON.stringify(s)}\r\n`,
      `--${boundary}\r\nContent-Type: application/octet-stream\r\nX-Experience-API-Hash: ${'0'.repeat(64)}\r\n\r\n${r.pick(['abc', 'a.b.c', `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(nestedText(3000)).toString('base64url')}.x`])}\r\n`,
      r.int(3) === 0 ? '' : `--${boundary}--\r\n`,
    ];
    return {
      what: 'multipart POST',
      method: 'POST',
      path: '/xapi/statements',
      headers: { 'Content-Type': `multipart/mixed; boundary=${r.pick([boundary, '', 'other'])}` },
      body: parts.join(''),
      statementIds: [s.id],
    };
  }
  // Headers: credentials, versions and negotiation gone wrong.
  const key = lrs.admin.key;
  const authorization = r.pick([
    basicAuth(key, `${lrs.admin.secret}\u0000`),
    basicAuth(`${key}\u0000`, lrs.admin.secret),
    basicAuth('\u0000', '\u0000'),
    basicAuth(key, 's'.repeat(5000)),
    `Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString('base64')}`,
    'Basic !!!',
    'Bearer x',
    `Basic ${'A'.repeat(3000)}`,
  ]);
  const s = make.statement();
  return {
    what: 'headers',
    method: 'POST',
    path: '/xapi/statements',
    headers: {
      'Content-Type': 'application/json',
      Authorization: authorization,
      'X-Experience-API-Version': r.pick(['1.0.3', '1.0.3', '2.0', 'x'.repeat(100)]),
      'Accept-Language': r.pick(['fr', 'x'.repeat(300), '*;q=abc']),
      Accept: r.pick(['application/json', 'text/html;q=nope', 'x'.repeat(2000)]),
    },
    body: JSON.stringify(s),
    statementIds: [s.id],
  };
}

interface Outcome {
  c: Case;
  status: number;
}

async function send(lrs: Lrs, c: Case): Promise<Outcome> {
  const headers: Record<string, string> = {
    'X-Experience-API-Version': '1.0.3',
    Authorization: lrs.admin.authorization,
    ...c.headers,
  };
  const res = await fetch(`${lrs.server.url}${c.path}`, {
    method: c.method,
    headers,
    ...(c.body === undefined
      ? {}
      : { body: typeof c.body === 'string' ? c.body : new Uint8Array(c.body) }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  await res.arrayBuffer();
  return { c, status: res.status };
}

const describeCase = (c: Case) => `${c.what} ${c.method} ${c.path.slice(0, 160)}`;

describeEachStore(
  'fuzz',
  (lrs) => {
    it(`answers ${COUNT} hostile requests (seed ${SEED}) below 500, in time, storing nothing refused`, async () => {
      const r = generator(SEED);
      const cases = Array.from({ length: COUNT }, () => hostileCase(r, lrs));
      const outcomes: Outcome[] = [];
      const failures: string[] = [];
      let next = 0;
      const worker = async () => {
        for (let i = next++, c = cases[i]; c !== undefined; i = next++, c = cases[i]) {
          try {
            outcomes.push(await send(lrs, c));
          } catch (error) {
            failures.push(
              `seed ${SEED} #${i} no answer (${(error as Error).name}): ${describeCase(c)}`,
            );
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      for (const o of outcomes) {
        if (o.status >= 500) failures.push(`seed ${SEED} ${o.status}: ${describeCase(o.c)}`);
      }
      expect(failures).toEqual([]);

      // Nothing a refused write carried is stored.
      const refused = outcomes.filter((o) => o.status >= 400);
      const leaks: string[] = [];
      for (const { c } of refused) {
        for (const id of c.statementIds) {
          if (!/^[0-9a-f-]{36}$/i.test(id)) continue;
          for (const param of ['statementId', 'voidedStatementId']) {
            const res = await lrs.request(`/xapi/statements?${param}=${id}`);
            if (res.status !== 404)
              leaks.push(`${param} ${id} is ${res.status} after ${describeCase(c)}`);
          }
        }
        if (c.documentUrl !== undefined && c.method === 'PUT') {
          const res = await lrs.request(c.documentUrl);
          if (res.status === 200) leaks.push(`document stored after ${describeCase(c)}`);
        }
      }
      expect(leaks).toEqual([]);
      // The run exercised both sides: refusals, and acceptances the store kept.
      expect(refused.length).toBeGreaterThan(COUNT / 2);
      expect(outcomes.length - refused.length).toBeGreaterThan(0);

      // And the service still reads and writes.
      expect(await lrs.status('/xapi/statements?limit=5')).toBe(200);
      await lrs.send(make.statement());
    }, 180_000);
    // Failed sign-ins among the cases would otherwise turn the rest of the run into 429s.
  },
  { rateLimits: { failedAuth: { max: 1_000_000, windowMs: 60_000 } } },
);
