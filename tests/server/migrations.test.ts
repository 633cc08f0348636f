import { describe, expect, it } from 'vitest';
import { migrate } from '../../src/server/lrs/store/migrations.ts';
import { openPgliteDatabase } from '../../src/server/lrs/store/pglite-database.ts';
import { SqlStore } from '../../src/server/lrs/store/sql-store.ts';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';
import { indexStatement, statementFingerprint } from '../../src/server/lrs/xapi/statement-index.ts';
import { make, useTempDir } from './helpers.ts';

function row(s: JsonObject, ord: number) {
  const full = { ...s, stored: new Date().toISOString(), authority: { mbox: 'mailto:a@x.org' } };
  const index = indexStatement(full);
  return {
    ord,
    id: s.id,
    statement: full,
    fingerprint: statementFingerprint(s),
    stored: full.stored,
    verb_id: index.verbId,
    actor_ifi: index.actorIfi,
    registration: index.registration,
    voids: index.voids,
    credential_key: 'k',
    agents: index.agents,
    activities: index.activities,
  };
}

describe('migration 7 (StatementRefs)', () => {
  const tempDir = useTempDir('each', 'lrs-migrate-');

  it('links the references of statements stored before it', async () => {
    const db = await openPgliteDatabase(tempDir());
    try {
      expect(await migrate(db, 6)).toEqual([1, 2, 3, 4, 5, 6]);
      const ben = make.agent('ben');
      const a = make.statement({ actor: ben });
      const b = make.statement({ object: make.ref(a.id) });
      const c = make.statement({ object: make.ref(b.id) });
      // c and b target statements that are missing when they are stored; a arrives last.
      const dangling = make.statement({ object: make.ref(make.uuid()) });
      for (const s of [c, b, a, dangling]) {
        await db.query('SELECT lrs_insert_statements($1::jsonb)', [JSON.stringify([row(s, 0)])]);
      }
      expect(await migrate(db, 7)).toEqual([7]);
      const store = new SqlStore(db);
      const page = await store.queryStatements({
        agentIfi: `agent|mbox|${ben.mbox}`,
        relatedActivities: false,
        relatedAgents: false,
        ascending: true,
        limit: 10,
      });
      expect(page.statements.map((s) => s.id)).toEqual([c.id, b.id, a.id]);
      const awaited = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM statement_awaited_refs',
      );
      expect(awaited[0]?.n).toBe(1);
    } finally {
      await db.close();
    }
  });
});
