import { createHash } from 'node:crypto';
import { badRequest, conflict } from '../../http/errors.ts';
import type { JsonObject } from '../xapi/types.ts';
import type { AutoAnalyze } from '../../db/auto-analyze.ts';
import { insertCredential, lockStateDocument, upsertStateDocument } from './record-sql.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { WorkerDatabase } from '../../db/worker-database.ts';
import type {
  ActivityCountQuery,
  AgentActivityCounts,
  AgentResult,
  AttachmentContent,
  CredentialRecord,
  DocumentWrite,
  InsertedStatements,
  NewStatement,
  ProfileKey,
  ResultQuery,
  StateKey,
  StatementPage,
  StatementQuery,
  Store,
  StoredDocument,
  StoredStatement,
} from './types.ts';

interface CredentialRow {
  key: string;
  secret_hash: string;
  name: string;
  scopes: string[];
  agent: JsonObject | null;
  agent_ifi: string | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
}

/** One statement as lrs_insert_statements takes it (the call adds its position, ord). */
interface StatementRow {
  id: string;
  statement: JsonObject;
  fingerprint: string;
  stored: string;
  verb_id: string;
  actor_ifi: string | null;
  registration: string | null;
  voids: string | null;
  credential_key: string;
  agents: unknown;
  activities: unknown;
  /** The client sent no timestamp: it becomes `stored`, set from the database clock. */
  timestamp_from_stored: boolean;
}

interface DocumentRow {
  content_type: string;
  content: Uint8Array;
  etag: string;
  updated: Date | string;
}

// The newest update time of a listing, which its Last-Modified header reports.
function latestOf(rows: readonly { updated: Date | string }[]): string | null {
  let latest: string | null = null;
  for (const r of rows) {
    const at = iso(r.updated);
    if (latest === null || at > latest) latest = at;
  }
  return latest;
}

function iso(value: Date | string): string {
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

function toCredential(row: CredentialRow): CredentialRecord {
  return {
    key: row.key,
    secretHash: row.secret_hash,
    name: row.name,
    scopes: row.scopes,
    agent: row.agent,
    agentIfi: row.agent_ifi,
    createdAt: iso(row.created_at),
    revokedAt: row.revoked_at === null ? null : iso(row.revoked_at),
  };
}

function toDocument(row: DocumentRow): StoredDocument {
  return {
    contentType: row.content_type,
    content: row.content,
    etag: row.etag,
    updated: iso(row.updated),
  };
}

// The insert's refusals (SQLSTATEs LRS09 and LRS00, see migration 9) as HTTP errors.
function storeRefusal(error: unknown): unknown {
  const { code, message } = error as { code?: string; message: string };
  if (code === 'LRS09') return conflict(message);
  if (code === 'LRS00') return badRequest(message);
  return error;
}

// A B-tree index entry holds at most about 2,700 bytes, and the widest index (migration 2)
// holds a statement's verb, object id and actor together. Longer keys would fail in the
// database with an error that is no fault of the store; they are refused first, with a 400.
const MAX_KEY_BYTES = 700;

function checkIndexable(s: NewStatement): void {
  const object = s.statement.object as { id?: unknown } | undefined;
  const keys: [string, string | null | undefined][] = [
    ['verb id', s.index.verbId],
    ['object id', typeof object?.id === 'string' ? object.id : null],
    ...s.index.agents.map((a): [string, string] => ['agent identifier', a.ifi]),
    ...s.index.activities.map((a): [string, string] => ['activity id', a.id]),
  ];
  for (const [what, key] of keys) {
    const bytes = key === null || key === undefined ? 0 : Buffer.byteLength(key);
    if (bytes > MAX_KEY_BYTES) {
      throw badRequest(
        `statement ${s.id}: its ${what} is ${bytes} bytes long; this LRS indexes values of at most ${MAX_KEY_BYTES} bytes`,
      );
    }
  }
}

/** The Store over any SqlDatabase: one set of SQL for the embedded and the PostgreSQL store. */
// Up to this many agents, activityCounts looks their statements up by index.
const ACTIVITY_COUNT_LOOKUPS = 1000;

export class SqlStore implements Store {
  readonly kind: 'pglite' | 'postgres';
  readonly #db: SqlDatabase;
  readonly #onClose: () => Promise<void>;
  readonly #autoAnalyze: AutoAnalyze | null;
  // The embedded store's database thread (for its commit count, in tests); null on PostgreSQL.
  readonly #worker: WorkerDatabase | null;
  // Credentials already seen, embedded store only. Its data folder admits one process, so every
  // revocation passes through this object (the credentials command needs the service stopped)
  // and the cache cannot go stale; it saves a query on every request. PostgreSQL instances
  // share their database with other processes, so they always ask it.
  readonly #credentials: Map<string, CredentialRecord> | undefined;
  // Rows are numbered across requests, so that writes joined by group commit keep their order.
  #ord = 0;

  /**
   * `autoAnalyze` keeps planner statistics fresh as statements and state documents arrive, for a database without
   * an autovacuum daemon (the embedded store); it must have been started.
   */
  constructor(
    db: SqlDatabase,
    onClose: () => Promise<void> = () => Promise.resolve(),
    autoAnalyze: AutoAnalyze | null = null,
  ) {
    this.#db = db;
    this.kind = db.kind;
    this.#onClose = onClose;
    this.#autoAnalyze = autoAnalyze;
    this.#credentials = db.kind === 'pglite' ? new Map() : undefined;
    this.#worker = db instanceof WorkerDatabase ? db : null;
  }

  /**
   * Commits of statement writes on the embedded store's current database thread, for tests;
   * null on PostgreSQL.
   */
  async statementCommits(): Promise<number | null> {
    return this.#worker === null ? null : await this.#worker.commits();
  }

  get database(): SqlDatabase {
    return this.#db;
  }

  async insertStatements(
    statements: NewStatement[],
    attachments: readonly AttachmentContent[] = [],
  ): Promise<InsertedStatements> {
    const ids = statements.map((s) => s.id.toLowerCase());
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) throw badRequest(`the batch holds statement id ${id} more than once`);
      seen.add(id);
    }
    for (const s of statements) checkIndexable(s);
    const batchVoiding = new Map<string, boolean>();
    for (const s of statements) batchVoiding.set(s.id.toLowerCase(), s.index.voids !== null);

    for (const s of statements) {
      const target = s.index.voids;
      if (target !== null && batchVoiding.get(target) === true) {
        throw badRequest(
          `statement ${s.id} voids ${target}, which is itself a voiding statement; ` +
            'a voiding statement cannot be voided',
        );
      }
    }
    const rows = statements.map((s) => ({
      id: s.id,
      statement: s.statement,
      fingerprint: s.fingerprint,
      stored: s.stored,
      verb_id: s.index.verbId,
      actor_ifi: s.index.actorIfi,
      registration: s.index.registration,
      voids: s.index.voids,
      credential_key: s.credentialKey,
      agents: s.index.agents,
      activities: s.index.activities,
      timestamp_from_stored: s.timestampFromStored === true,
    }));
    // Answered once committed and on disk. Writes that arrive together share a commit.
    const through = await this.#insertRows(rows, attachments);
    if (this.kind === 'postgres') await this.#settleVoiding(statements);
    this.#autoAnalyze?.noteWrites(statements.length);
    return {
      ids: statements.map((s) => s.id),
      consistentThrough: through ?? (await this.consistentThrough()),
    };
  }

  // On PostgreSQL a voiding statement and its target can be stored by concurrent transactions,
  // neither seeing the other's row before it commits, so the target stayed listed (21 of 30
  // pairs sent at once, in a test). After its own commit, each write voids the statements it
  // stored or targets that a committed voiding statement targets: whichever of the two writes
  // commits last sees both. A crash between commit and this step is settled at start-up.
  async #settleVoiding(statements: NewStatement[]): Promise<void> {
    const ids = statements.flatMap((s) =>
      s.index.voids === null ? [s.id] : [s.id, s.index.voids],
    );
    await this.#void('AND s.id = ANY($1::uuid[])', [ids]);
  }

  /** Voids every statement a stored voiding statement targets (see #settleVoiding). */
  async settleAllVoiding(): Promise<void> {
    await this.#void('', []);
  }

  // Voids the targets of stored voiding statements of the same authority (lrs_may_void), driven
  // from the voiding statements (a partial index), among the ids `filter` keeps.
  async #void(filter: string, params: unknown[]): Promise<void> {
    await this.#db.query(
      `UPDATE statements s SET voided = true FROM statements v
       WHERE v.voids = s.id AND s.voids IS NULL AND NOT s.voided ${filter}
         AND lrs_may_void(v.credential_key, s.credential_key)`,
      params,
    );
  }

  // Stores rows (and attachment contents) in one transaction; returns the consistent-through
  // time read in the same round trip.
  async #insertRows(
    rows: StatementRow[],
    attachments: readonly AttachmentContent[] = [],
  ): Promise<string | undefined> {
    // The answer's consistent-through comes with the insert, in the same round trip.
    const insert = `SELECT lrs_store_statements($1::jsonb) AS done,
      ${this.#consistentThroughSql()} AS t`;
    const batch = JSON.stringify(rows.map((row) => ({ ord: this.#ord++, ...row })));
    let through: string | undefined;
    try {
      if (attachments.length === 0) {
        const ids = rows.map((r) => r.id.toLowerCase());
        through = (await this.#db.groupCommit<{ t: string }>(insert, batch, ids))[0]?.t;
      } else {
        // Contents first, in the statements' transaction: both are stored or neither is.
        await this.#db.transaction(async (tx) => {
          for (const a of attachments) {
            await tx.query(
              `INSERT INTO attachments (sha2, content_type, content) VALUES ($1, $2, $3)
               ON CONFLICT (sha2) DO NOTHING`,
              [a.sha2.toLowerCase(), a.contentType, a.content],
            );
          }
          through = (await tx.query<{ t: string }>(insert, [batch]))[0]?.t;
        });
      }
    } catch (error) {
      throw storeRefusal(error);
    }
    return through;
  }

  async getAttachments(sha2s: readonly string[]): Promise<AttachmentContent[]> {
    if (sha2s.length === 0) return [];
    const rows = await this.#db.query<{ sha2: string; content_type: string; content: Uint8Array }>(
      'SELECT sha2, content_type, content FROM attachments WHERE sha2 = ANY($1::text[]) ORDER BY sha2',
      [sha2s.map((h) => h.toLowerCase())],
    );
    return rows.map((r) => ({ sha2: r.sha2, contentType: r.content_type, content: r.content }));
  }

  // Statements take the start of their inserting transaction as "stored" (lrs_stamp), so none
  // still to be committed is stored before the oldest transaction the service's connections
  // have open, on any instance working on the same schema: they share this connection's
  // application_name (pg-database.ts). A read-only snapshot renames its own transaction
  // (dump.ts), as it stores nothing. The embedded store runs one transaction at a time on its one
  // connection, so nothing else is in flight while this runs. Truncated to milliseconds, as
  // stored times are.
  #consistentThroughSql(): string {
    const inFlight =
      this.kind === 'postgres'
        ? `(SELECT min(xact_start) FROM pg_stat_activity
            WHERE application_name = current_setting('application_name')
              AND pid <> pg_backend_pid() AND datname = current_database())`
        : 'NULL::timestamptz';
    return `to_char(least(statement_timestamp(), ${inFlight}) AT TIME ZONE 'UTC',
      'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  }

  async consistentThrough(): Promise<string> {
    const rows = await this.#db.query<{ t: string }>(`SELECT ${this.#consistentThroughSql()} AS t`);
    return rows[0]?.t ?? new Date().toISOString();
  }

  async getStatement(id: string, voided: boolean): Promise<StoredStatement | null> {
    const rows = await this.#db.query<{
      statement: JsonObject;
      credential_key: string;
      actor_ifi: string | null;
      voided: boolean;
      voids: string | null;
    }>(
      `SELECT statement, credential_key, actor_ifi, voided, voids::text AS voids
       FROM statements WHERE id = $1::uuid`,
      [id],
    );
    const row = rows[0];
    if (row?.voided !== voided) return null;
    return { statement: row.statement, credentialKey: row.credential_key, actorIfi: row.actor_ifi };
  }

  async queryStatements(q: StatementQuery): Promise<StatementPage> {
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = ['NOT s.voided'];
    // The most selective list filter drives the query: walking its (key, seq) index in seq
    // order lets the database stop at the limit instead of sorting every match.
    let from = 'statements s';
    let order = 's.seq';
    const activityFilter = (alias: string, id: string): string =>
      `${alias}.activity_id = ${p(id)}${q.relatedActivities ? '' : ` AND ${alias}.direct`}`;
    if (q.agentIfi !== undefined) {
      from = 'statement_agents d JOIN statements s ON s.seq = d.seq';
      order = 'd.seq';
      where.push(`d.ifi = ${p(q.agentIfi)}`);
      if (!q.relatedAgents) where.push('d.direct');
      if (q.activityId !== undefined) {
        where.push(
          `EXISTS (SELECT 1 FROM statement_activities c WHERE c.seq = s.seq AND ${activityFilter('c', q.activityId)})`,
        );
      }
    } else if (q.activityId !== undefined) {
      from = 'statement_activities d JOIN statements s ON s.seq = d.seq';
      order = 'd.seq';
      where.push(activityFilter('d', q.activityId));
    }
    if (q.verbId !== undefined) where.push(`s.verb_id = ${p(q.verbId)}`);
    if (q.registration !== undefined) where.push(`s.registration = ${p(q.registration)}::uuid`);
    // Time, sequence and access conditions apply to the statement returned (alias `a`), never
    // to a statement it targets.
    const own = (a: string, seq: string): string[] => {
      const out: string[] = [];
      if (q.since !== undefined) out.push(`${a}.stored > ${p(q.since)}::timestamptz`);
      if (q.until !== undefined) out.push(`${a}.stored <= ${p(q.until)}::timestamptz`);
      if (q.afterSeq !== undefined) {
        out.push(`${seq} ${q.ascending ? '>' : '<'} ${p(q.afterSeq)}::bigint`);
      }
      if (q.mine !== undefined) {
        // Mine: stored with this credential (its authority) or about its learner (actor/object).
        const authority = p(q.mine.authorityIfi);
        const learner = q.mine.actorIfi === null ? null : p(q.mine.actorIfi);
        out.push(
          `EXISTS (SELECT 1 FROM statement_agents m WHERE m.seq = ${a}.seq AND (m.ifi = ${authority}${
            learner === null ? '' : ` OR (m.ifi = ${learner} AND m.direct)`
          }))`,
        );
      }
      return out;
    };
    const direction = q.ascending ? 'ASC' : 'DESC';
    const limit = p(q.limit + 1);
    const matched = `SELECT ${order} AS seq FROM ${from}
       WHERE ${[...where, ...own('s', order)].join(' AND ')}
       ORDER BY ${order} ${direction} LIMIT ${limit}`;
    // Filter Conditions for StatementRefs (Communication 2.1.3): a statement whose object is a
    // StatementRef meets a filter when a statement of its chain (itself or what it targets,
    // directly or not, voided or not) meets it. statement_ref_keys holds those keys for every
    // targeting statement, so this part walks one key's index by seq like the part above.
    const keys: { kind: string; key: string; direct: boolean }[] = [];
    if (q.agentIfi !== undefined) {
      keys.push({ kind: 'a', key: q.agentIfi, direct: !q.relatedAgents });
    }
    if (q.activityId !== undefined) {
      keys.push({ kind: 'c', key: q.activityId, direct: !q.relatedActivities });
    }
    if (q.verbId !== undefined) keys.push({ kind: 'v', key: q.verbId, direct: false });
    if (q.registration !== undefined) {
      keys.push({ kind: 'r', key: q.registration, direct: false });
    }
    const [drive, ...others] = keys;
    let sql = `SELECT s.seq::float8 AS seq, s.statement FROM statements s
       WHERE s.seq IN (${matched})
       ORDER BY s.seq ${direction}
       LIMIT ${limit}`;
    if (drive !== undefined) {
      const keyCondition = (alias: string, k: (typeof keys)[number]) =>
        `${alias}.kind = ${p(k.kind)} AND ${alias}.key = ${p(k.key)}${k.direct ? ` AND ${alias}.direct` : ''}`;
      // When the statements matching on their own fill the page, only a targeting statement
      // beyond the last of them can still enter it: the walk starts past that bound.
      const bound = q.ascending
        ? `(SELECT CASE WHEN count(*) >= ${limit} THEN max(seq) ELSE ${Number.MAX_SAFE_INTEGER} END FROM m)`
        : `(SELECT CASE WHEN count(*) >= ${limit} THEN min(seq) ELSE 0 END FROM m)`;
      const conditions = [
        keyCondition('k', drive),
        `k.seq ${q.ascending ? '<' : '>'} ${bound}`,
        'NOT r.voided',
        ...own('r', 'k.seq'),
        ...others.map(
          (k, i) =>
            `EXISTS (SELECT 1 FROM statement_ref_keys k${i} WHERE k${i}.seq = k.seq AND ${keyCondition(`k${i}`, k)})`,
        ),
      ];
      sql = `WITH m AS MATERIALIZED (${matched})
        SELECT s.seq::float8 AS seq, s.statement FROM statements s
        WHERE s.seq IN (
          SELECT seq FROM m
          UNION
          (SELECT k.seq FROM statement_ref_keys k JOIN statements r ON r.seq = k.seq
           WHERE ${conditions.join(' AND ')}
           ORDER BY k.seq ${direction} LIMIT ${limit}))
        ORDER BY s.seq ${direction}
        LIMIT ${limit}`;
    }
    const rows = await this.#db.query<{ seq: number; statement: JsonObject }>(sql, params);
    const hasMore = rows.length > q.limit;
    const page = hasMore ? rows.slice(0, q.limit) : rows;
    return {
      statements: page.map((r) => r.statement),
      lastSeq: page.length === 0 ? null : Number(page[page.length - 1]?.seq),
      hasMore,
    };
  }

  async getState(key: StateKey, stateId: string): Promise<StoredDocument | null> {
    const rows = await this.#db.query<DocumentRow>(
      `SELECT content_type, content, etag, updated FROM state_documents
       WHERE activity_id = $1 AND agent_ifi = $2 AND registration = $3 AND state_id = $4`,
      [key.activityId, key.agentIfi, key.registration ?? '', stateId],
    );
    const row = rows[0];
    return row === undefined ? null : toDocument(row);
  }

  async listStateIds(key: StateKey, since: string | null): Promise<string[]> {
    const rows = await this.#db.query<{ state_id: string }>(
      `SELECT state_id FROM state_documents
       WHERE activity_id = $1 AND agent_ifi = $2 AND registration = $3
         AND ($4::timestamptz IS NULL OR updated > $4::timestamptz)
       ORDER BY state_id`,
      [key.activityId, key.agentIfi, key.registration ?? '', since],
    );
    return rows.map((r) => r.state_id);
  }

  async listStateIdsUpdated(
    key: StateKey,
    since: string | null,
  ): Promise<{ ids: string[]; updated: string | null }> {
    const rows = await this.#db.query<{ state_id: string; updated: Date | string }>(
      `SELECT state_id, updated FROM state_documents
       WHERE activity_id = $1 AND agent_ifi = $2 AND registration = $3
         AND ($4::timestamptz IS NULL OR updated > $4::timestamptz)
       ORDER BY state_id`,
      [key.activityId, key.agentIfi, key.registration ?? '', since],
    );
    return { ids: rows.map((r) => r.state_id), updated: latestOf(rows) };
  }

  async writeState(
    key: StateKey,
    stateId: string,
    update: (current: StoredDocument | null) => DocumentWrite,
  ): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await lockStateDocument(tx, key, stateId);
      const rows = await tx.query<DocumentRow>(
        `SELECT content_type, content, etag, updated FROM state_documents
         WHERE activity_id = $1 AND agent_ifi = $2 AND registration = $3 AND state_id = $4`,
        [key.activityId, key.agentIfi, key.registration ?? '', stateId],
      );
      await upsertStateDocument(
        tx,
        key,
        stateId,
        update(rows[0] === undefined ? null : toDocument(rows[0])),
      );
    });
    // Enrolment and resume documents feed the reports; their statistics matter too.
    this.#autoAnalyze?.noteWrites(1);
  }

  async deleteState(key: StateKey, stateId: string | null): Promise<void> {
    await this.#db.query(
      `DELETE FROM state_documents
       WHERE activity_id = $1 AND agent_ifi = $2 AND registration = $3
         AND ($4::text IS NULL OR state_id = $4::text)`,
      [key.activityId, key.agentIfi, key.registration ?? '', stateId],
    );
  }

  async getProfile(key: ProfileKey, profileId: string): Promise<StoredDocument | null> {
    const rows = await this.#db.query<DocumentRow>(
      `SELECT content_type, content, etag, updated FROM profile_documents
       WHERE kind = $1 AND subject = $2 AND profile_id = $3`,
      [key.kind, key.subject, profileId],
    );
    const row = rows[0];
    return row === undefined ? null : toDocument(row);
  }

  async listProfileIds(
    key: ProfileKey,
    since: string | null,
  ): Promise<{ ids: string[]; updated: string | null }> {
    const rows = await this.#db.query<{ profile_id: string; updated: Date | string }>(
      `SELECT profile_id, updated FROM profile_documents
       WHERE kind = $1 AND subject = $2
         AND ($3::timestamptz IS NULL OR updated > $3::timestamptz)
       ORDER BY profile_id`,
      [key.kind, key.subject, since],
    );
    return { ids: rows.map((r) => r.profile_id), updated: latestOf(rows) };
  }

  async writeProfile(
    key: ProfileKey,
    profileId: string,
    update: (current: StoredDocument | null) => DocumentWrite | null,
  ): Promise<void> {
    await this.#db.transaction(async (tx) => {
      // Serialises writers of one document across instances, so a precondition checked here
      // still holds when the write lands.
      const lockKey = JSON.stringify(['profile', key.kind, key.subject, profileId]);
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
      const rows = await tx.query<DocumentRow>(
        `SELECT content_type, content, etag, updated FROM profile_documents
         WHERE kind = $1 AND subject = $2 AND profile_id = $3`,
        [key.kind, key.subject, profileId],
      );
      const current = rows[0] === undefined ? null : toDocument(rows[0]);
      const next = update(current);
      if (next === null) {
        await tx.query(
          'DELETE FROM profile_documents WHERE kind = $1 AND subject = $2 AND profile_id = $3',
          [key.kind, key.subject, profileId],
        );
        return;
      }
      const etag = createHash('sha1').update(next.content).digest('hex');
      await tx.query(
        `INSERT INTO profile_documents
           (kind, subject, profile_id, content_type, content, etag, updated)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (kind, subject, profile_id) DO UPDATE SET
           content_type = EXCLUDED.content_type, content = EXCLUDED.content,
           etag = EXCLUDED.etag, updated = EXCLUDED.updated`,
        [key.kind, key.subject, profileId, next.contentType, next.content, etag],
      );
    });
  }

  async activityDefinitions(activityId: string, limit: number): Promise<JsonObject[]> {
    // Any place in a statement may carry the activity (object, context activities, a
    // sub-statement), so the path searches the whole document for it.
    const rows = await this.#db.query<{ definition: JsonObject }>(
      `SELECT d.definition FROM statement_activities a
       JOIN statements s ON s.seq = a.seq
       JOIN credentials c ON c.key = s.credential_key
       CROSS JOIN LATERAL jsonb_path_query(
         s.statement,
         'strict $.** ? (@.id == $id && exists(@.definition)).definition',
         jsonb_build_object('id', $1::text)) AS d(definition)
       WHERE a.activity_id = $1
         AND (c.scopes @> '["all"]'::jsonb OR c.scopes @> '["define"]'::jsonb)
       ORDER BY a.seq DESC
       LIMIT $2`,
      [activityId, limit],
    );
    return rows.map((r) => r.definition);
  }

  async agentNames(agentIfi: string, limit: number): Promise<string[]> {
    const rows = await this.#db.query<{ name: string }>(
      `SELECT s.statement->'actor'->>'name' AS name FROM statement_agents a
       JOIN statements s ON s.seq = a.seq
       WHERE a.ifi = $1 AND a.direct AND s.actor_ifi = $1
         AND s.statement->'actor'->>'name' IS NOT NULL
       ORDER BY a.seq DESC
       LIMIT $2`,
      [agentIfi, limit],
    );
    return [...new Set(rows.map((r) => r.name))];
  }

  async latestResults(query: ResultQuery): Promise<AgentResult[]> {
    if (query.activityIds.length === 0 || query.verbs.length === 0) return [];
    const params: unknown[] = [[...query.activityIds], [...query.verbs]];
    let agents = '';
    if (query.agents !== undefined) {
      if (query.agents.length === 0) return [];
      params.push([...query.agents]);
      agents = 'AND actor_ifi = ANY($3::text[])';
    }
    const rows = await this.#db.query<{
      actor_ifi: string;
      object_id: string;
      verb_id: string;
      first: Date | string;
      latest: Date | string;
      scaled: number | null;
    }>(
      `SELECT actor_ifi, object_id, verb_id, min(stored) AS first, max(stored) AS latest,
         (array_agg((statement->'result'->'score'->>'scaled')::float8 ORDER BY seq DESC)
           FILTER (WHERE statement->'result'->'score'->>'scaled' IS NOT NULL))[1] AS scaled
       FROM statements
       WHERE object_id = ANY($1::text[]) AND verb_id = ANY($2::text[]) AND NOT voided
         AND actor_ifi IS NOT NULL ${agents}
       GROUP BY actor_ifi, object_id, verb_id`,
      params,
    );
    return rows.map((r) => ({
      agentIfi: r.actor_ifi,
      activityId: r.object_id,
      verbId: r.verb_id,
      firstStored: new Date(r.first).toISOString(),
      latestStored: new Date(r.latest).toISOString(),
      latestScaled: r.scaled,
    }));
  }

  async activityCounts(query: ActivityCountQuery): Promise<AgentActivityCounts[]> {
    const params: unknown[] = [query.verb];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    // The agents asked about (as one JSON text: an array parameter of 100,000 strings costs
    // more to send), or every agent some statement names directly.
    let agents = 'SELECT DISTINCT ifi FROM statement_agents WHERE direct';
    let named = 'true';
    let actors = '';
    if (query.agents !== undefined) {
      if (query.agents.length === 0) return [];
      agents = `SELECT DISTINCT value AS ifi FROM json_array_elements_text(${p(JSON.stringify(query.agents))}::json)`;
      named = `(per.actor_ifi IS NOT NULL OR EXISTS (
        SELECT 1 FROM statement_agents g WHERE g.ifi = a.ifi AND g.direct))`;
      // A few agents are looked up by the index; for many, one pass over every completion
      // (in index order, no sort) costs less than filtering it.
      if (query.agents.length <= ACTIVITY_COUNT_LOOKUPS) {
        actors = `AND actor_ifi = ANY(${p([...query.agents])}::text[])`;
      }
    }
    const counts = query.activitySets.map(
      (set, i) =>
        `count(DISTINCT object_id) FILTER (WHERE object_id = ANY(${p([...set])}::text[])) AS n${i}`,
    );
    const rows = await this.#db.query<{ json: string }>(
      `WITH agents AS (${agents}),
       per AS (
         SELECT actor_ifi${counts.map((c) => `, ${c}`).join('')} FROM statements
         WHERE verb_id = $1 AND NOT voided AND actor_ifi IS NOT NULL ${actors}
         GROUP BY actor_ifi
       )
       SELECT COALESCE(json_agg(json_build_array(a.ifi${query.activitySets
         .map((_, i) => `, COALESCE(per.n${i}, 0)`)
         .join('')})), '[]')::text AS json
       FROM agents a LEFT JOIN per ON per.actor_ifi = a.ifi
       WHERE ${named}`,
      params,
    );
    // One JSON text rather than a row per agent: far cheaper out of the embedded database's thread.
    const list = JSON.parse(rows[0]?.json ?? '[]') as [string, ...number[]][];
    return list.map(([agentIfi, ...n]) => ({ agentIfi, counts: n }));
  }

  async createCredential(r: CredentialRecord): Promise<void> {
    await insertCredential(this.#db, r);
  }

  async findCredential(key: string): Promise<CredentialRecord | null> {
    const cached = this.#credentials?.get(key);
    if (cached !== undefined) return cached;
    const rows = await this.#db.query<CredentialRow>('SELECT * FROM credentials WHERE key = $1', [
      key,
    ]);
    const found = rows[0] === undefined ? null : toCredential(rows[0]);
    if (found !== null && this.#credentials !== undefined) {
      if (this.#credentials.size >= 10_000) this.#credentials.clear();
      this.#credentials.set(key, found);
    }
    return found;
  }

  async listCredentials(): Promise<CredentialRecord[]> {
    const rows = await this.#db.query<CredentialRow>(
      'SELECT * FROM credentials ORDER BY created_at, key',
    );
    return rows.map(toCredential);
  }

  async revokeCredential(key: string): Promise<boolean> {
    this.#credentials?.delete(key);
    const rows = await this.#db.query<{ key: string }>(
      'UPDATE credentials SET revoked_at = now() WHERE key = $1 AND revoked_at IS NULL RETURNING key',
      [key],
    );
    return rows.length > 0;
  }

  async close(): Promise<void> {
    await this.#autoAnalyze?.settle();
    await this.#db.close();
    await this.#onClose();
  }
}
