// The embedded store's own machinery: parameters sent as quoted literals (one PGlite call per
// query instead of five), and planner statistics refreshed as statements arrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlStore } from '../../src/server/lrs/store/sql-store.ts';
import { databaseOf } from '../../src/server/lrs/store/open-store.ts';
import { inlineParams, sqlLiteral } from '../../src/server/db/sql-literal.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import { agentIfi } from '../../src/server/lrs/xapi/statement-index.ts';
import { newStoreStatement, openEmbeddedStore, type OpenedStore } from './helpers.ts';

let opened: OpenedStore;
let store: Store;

beforeAll(async () => {
  opened = await openEmbeddedStore();
  store = opened.store;
});
afterAll(async () => {
  await opened.cleanup();
});

function newStatement(i: number, account = { homePage: 'https://example.org', name: `l-${i}` }) {
  return newStoreStatement({ account }, `https://example.org/activity/${i % 7}`);
}

describe('query parameters as literals (embedded store)', () => {
  const tricky = [
    "it's",
    "'); DROP TABLE statements; --",
    'back\\slash and \\x41',
    '$1 and $$dollar$$ and $tag$',
    'ligne\nnouvelle\ttab',
    'Élément 子 🕊️',
    '',
  ];

  it('round-trips strings that look like SQL, quotes, backslashes and placeholders', async () => {
    for (const value of tricky) {
      const [row] = await databaseOf(store).query<{ v: string; n: number }>(
        'SELECT $1::text AS v, $2::int AS n',
        [value, 7],
      );
      expect(row).toEqual({ v: value, n: 7 });
    }
  });

  it('finds rows by a parameter that looks like SQL, and only those', async () => {
    // Learners whose account names are the tricky strings, two statements each.
    const homePage = 'https://example.org/tricky';
    const statements = tricky.flatMap((name, i) => [
      newStatement(i, { homePage, name }),
      newStatement(i, { homePage, name }),
    ]);
    await store.insertStatements(statements);
    for (const name of tricky) {
      const ifi = agentIfi({ account: { homePage, name } });
      const [count] = await databaseOf(store).query<{ n: number }>(
        'SELECT count(*)::int AS n FROM statements WHERE actor_ifi = $1',
        [ifi],
      );
      expect(count?.n, JSON.stringify(name)).toBe(2);
    }
    // Every statement went in, and the injection attempt dropped nothing.
    const [all] = await databaseOf(store).query<{ n: number }>(
      'SELECT count(*)::int AS n FROM statements WHERE actor_ifi LIKE $1',
      [`agent|account|${homePage}|%`],
    );
    expect(all?.n).toBe(statements.length);
  });

  it('round-trips bytes, booleans, nulls, dates and text arrays', async () => {
    const bytes = new Uint8Array([0, 1, 39, 92, 255]);
    const when = new Date('2026-01-02T03:04:05.678Z');
    const list = ['a', 'b,c', 'd"e', 'f\\g', "h'i", 'NULL'];
    const [row] = await databaseOf(store).query<{
      b: Uint8Array;
      t: boolean;
      f: boolean;
      z: string | null;
      d: Date;
      a: string[];
    }>(
      'SELECT $1::bytea AS b, $2::boolean AS t, $3::boolean AS f, $4::text AS z, $5::timestamptz AS d, $6::text[] AS a',
      [bytes, true, false, null, when, list],
    );
    expect(Array.from(row?.b ?? [])).toEqual(Array.from(bytes));
    expect(row?.t).toBe(true);
    expect(row?.f).toBe(false);
    expect(row?.z).toBeNull();
    expect(new Date(row?.d ?? 0).toISOString()).toBe(when.toISOString());
    expect(row?.a).toEqual(list);
  });

  it('leaves placeholders inside strings, quoted names, dollar quotes and comments alone', () => {
    const sql = "SELECT '$1', \"$1\", $q$ $1 $q$, E'\\' $1', $1 -- $1\n/* $1 */ , $2";
    expect(inlineParams(sql, ['x', 2])).toBe(
      "SELECT '$1', \"$1\", $q$ $1 $q$, E'\\' $1', 'x' -- $1\n/* $1 */ , '2'",
    );
  });

  it('refuses values it cannot write as a literal, and missing parameters', () => {
    expect(() => sqlLiteral({ a: 1 })).toThrow(/serialise it first/);
    expect(() => sqlLiteral(Number.NaN)).toThrow(/NaN/);
    expect(() => inlineParams('SELECT $2', ['only one'])).toThrow(/\$2 but has 1/);
  });
});

describe('planner statistics (embedded store)', () => {
  it('analyses the statements table as it grows, as autovacuum would', async () => {
    const reltuples = async (): Promise<number> => {
      const [row] = await databaseOf(store).query<{ n: number }>(
        "SELECT reltuples::float8 AS n FROM pg_class WHERE oid = to_regclass('statements')",
      );
      return row?.n ?? -1;
    };
    const before = await reltuples();
    // The first refresh comes after 1,000 statements.
    for (let i = 0; i < 60; i++) await store.insertStatements([newStatement(i)]);
    for (let b = 0; b < 10; b++) {
      await store.insertStatements(Array.from({ length: 100 }, (_, i) => newStatement(i)));
    }
    // The ANALYZE runs in the background; a query waits behind it in PGlite's queue.
    await databaseOf(store).query('SELECT 1');
    await new Promise((r) => setTimeout(r, 50));
    const after = await reltuples();
    expect(before).toBeLessThan(50);
    expect(after).toBeGreaterThanOrEqual(1000);
  });
});

describe('group commit (embedded store)', () => {
  // Commits of statement writes on the database thread so far.
  const commits = async (): Promise<number> =>
    store instanceof SqlStore ? ((await store.statementCommits()) ?? 0) : 0;

  it('stores writes that arrive together in one transaction', async () => {
    const before = await commits();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.insertStatements([newStatement(i)])),
    );
    expect(results.flat()).toHaveLength(20);
    expect((await commits()) - before).toBe(1);
  });

  it('gives a refused write its own error and still stores the others', async () => {
    const taken = newStatement(1);
    await store.insertStatements([taken]);
    const rival = newStatement(2);
    rival.id = taken.id;
    rival.fingerprint = 'different content';
    const before = await commits();
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 9 }, (_, i) => store.insertStatements([newStatement(i)])),
      store.insertStatements([rival]),
      ...Array.from({ length: 10 }, (_, i) => store.insertStatements([newStatement(i)])),
    ]);
    const refused = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [i] : []));
    expect(refused).toEqual([9]);
    const reason = (outcomes[9] as PromiseRejectedResult).reason as { status?: number };
    expect(reason.status).toBe(409);
    // The conflicting write is rolled back to its savepoint: the other 19 are still stored
    // together, in one transaction.
    expect((await commits()) - before).toBe(1);
    const stored = await Promise.all(
      outcomes.flatMap((o) =>
        o.status === 'fulfilled' ? [store.getStatement(o.value.ids[0] ?? '', false)] : [],
      ),
    );
    expect(stored.filter((s) => s !== null)).toHaveLength(19);
    expect((await store.getStatement(taken.id, false))?.statement.id).toBe(taken.id);
  });
});
