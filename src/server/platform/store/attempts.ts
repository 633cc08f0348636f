import { firstRow, fromRow, isoTime as iso } from '../../db/rows.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import type { PublicQuestion } from '../../../api/assessment.ts';

/** One item of a drawn form, as the server keeps it (never sent to the learner). */
export interface FormItem {
  /** The item's random id in this attempt's form. */
  id: string;
  /** The module and learning outcome the item assesses. */
  module: string;
  outcome: string;
  /** The item's id in the bank. */
  item: string;
  /** The random id of the follow-up question, when the item has one. */
  followUp?: string;
  /** Each random option, step, matching item and target id of the form to the bank's id. */
  ids: Record<string, string>;
  /** The same for the follow-up question's options. */
  followUpIds?: Record<string, string>;
}

/** Per learning outcome of a graded attempt. */
export interface OutcomeResult {
  module: string;
  outcome: string;
  met: boolean;
}

/** One item's result in a graded attempt, for the item statistics. */
export interface ItemResult {
  item: string;
  score: number;
  /** The bank ids the learner chose (options), where the item has options. */
  chosen: string[];
}

/** A graded attempt's result. */
export interface Grade {
  raw: number;
  max: number;
  scaled: number;
  passed: boolean;
  submittedAt: string;
  statementId: string;
  outcomes: OutcomeResult[];
  items: ItemResult[];
}

/** An attempt: started with a drawn form, graded once. */
export interface Attempt {
  id: string;
  learnerIfi: string;
  trackId: string;
  /** The activity id's last segment of the graded assessment. */
  assessmentId: string;
  language: string;
  startedAt: string;
  expiresAt: string;
  /** The drawn form, in the order shown; null for attempts from before forms were drawn. */
  form: FormItem[] | null;
  /** The form as the learner was given it (no key); null for attempts from before. */
  questions: PublicQuestion[] | null;
  /** Null until graded. */
  grade: Grade | null;
}

interface AttemptRow {
  id: string;
  learner_ifi: string;
  track_id: string;
  assessment_id: string;
  language: string;
  started_at: Date | string;
  expires_at: Date | string;
  form: FormItem[] | null;
  questions: PublicQuestion[] | null;
  raw: number | null;
  max: number | null;
  scaled: number | null;
  passed: boolean | null;
  submitted_at: Date | string | null;
  statement_id: string | null;
  outcomes: OutcomeResult[] | null;
  item_results: ItemResult[] | null;
}

const COLUMNS = `id::text AS id, learner_ifi, track_id, assessment_id, language, started_at,
  expires_at, form, questions, raw, max, scaled, passed, submitted_at, statement_id::text AS statement_id,
  outcomes, item_results`;

// The attempts started in the last 24 hours, and the latest graded one: what the attempt policy
// decides on, both when an attempt starts and when a learner's home asks where they stand.
const RECENT = `SELECT ${COLUMNS} FROM attempts
  WHERE learner_ifi = $1 AND track_id = $2 AND started_at > now() - interval '1 day'
  ORDER BY started_at, id`;
const LAST_GRADED = `SELECT ${COLUMNS} FROM attempts
  WHERE learner_ifi = $1 AND track_id = $2 AND submitted_at IS NOT NULL
  ORDER BY submitted_at DESC, id LIMIT 1`;

function toAttempt(row: AttemptRow): Attempt {
  const { raw, max, scaled, passed, submitted_at, statement_id, outcomes, item_results, ...rest } =
    row;
  return {
    ...fromRow(rest, ['started_at', 'expires_at']),
    grade:
      submitted_at === null || passed === null
        ? null
        : {
            raw: raw ?? 0,
            max: max ?? 0,
            scaled: scaled ?? 0,
            passed,
            submittedAt: iso(submitted_at),
            statementId: statement_id ?? row.id,
            outcomes: outcomes ?? [],
            items: item_results ?? [],
          },
  };
}

/** What starting an attempt records. */
export interface NewAttempt {
  id: string;
  assessmentId: string;
  language: string;
  startedAt: string;
  expiresAt: string;
  form: FormItem[];
  questions: PublicQuestion[];
}

/** Graded attempts and the forms drawn for them. */
export class Attempts {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /**
   * Starts an attempt under the learner's lock on the track: `decide` sees the attempts started in
   * the last 24 hours and the latest graded one, and either returns an open attempt to resume,
   * throws (the policy refuses), or returns null, and then `attempt()` is recorded and returned.
   * Two starts at once are decided one after the other, so neither can exceed the policy.
   */
  async start(
    learnerIfi: string,
    trackId: string,
    decide: (recent: Attempt[], lastGraded: Attempt | null) => Attempt | null,
    attempt: () => NewAttempt,
  ): Promise<{ attempt: Attempt; resumed: boolean }> {
    return this.#db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 18))', [
        `${learnerIfi}\n${trackId}`,
      ]);
      const recent = (await tx.query<AttemptRow>(RECENT, [learnerIfi, trackId])).map(toAttempt);
      const graded = await tx.query<AttemptRow>(LAST_GRADED, [learnerIfi, trackId]);
      const open = decide(recent, graded[0] === undefined ? null : toAttempt(graded[0]));
      if (open !== null) return { attempt: open, resumed: true };
      const a = attempt();
      await tx.query(
        `INSERT INTO attempts (id, learner_ifi, track_id, assessment_id, language, started_at,
           expires_at, form, questions)
         VALUES ($1::uuid, $2, $3, $4, $5, $6::timestamptz, $7::timestamptz, $8::jsonb, $9::jsonb)`,
        [
          a.id,
          learnerIfi,
          trackId,
          a.assessmentId,
          a.language,
          a.startedAt,
          a.expiresAt,
          JSON.stringify(a.form),
          JSON.stringify(a.questions),
        ],
      );
      return {
        attempt: { ...a, learnerIfi, trackId, grade: null },
        resumed: false,
      };
    });
  }

  /**
   * Records the grade of an attempt that has none yet; false when it was graded meanwhile (two
   * submissions racing: only one is graded).
   */
  async grade(id: string, grade: Grade): Promise<boolean> {
    const rows = await this.#db.query(
      `UPDATE attempts SET raw = $2, max = $3, scaled = $4, passed = $5,
         submitted_at = $6::timestamptz, statement_id = $7::uuid, outcomes = $8::jsonb,
         item_results = $9::jsonb
       WHERE id = $1::uuid AND submitted_at IS NULL
       RETURNING id`,
      [
        id,
        grade.raw,
        grade.max,
        grade.scaled,
        grade.passed,
        grade.submittedAt,
        grade.statementId,
        JSON.stringify(grade.outcomes),
        JSON.stringify(grade.items),
      ],
    );
    return rows.length > 0;
  }

  /** Withdraws a grade whose statement could not be written, so the attempt can be submitted again. */
  async ungrade(id: string): Promise<void> {
    await this.#db.query(
      `UPDATE attempts SET raw = NULL, max = NULL, scaled = NULL, passed = NULL,
         submitted_at = NULL, statement_id = NULL, outcomes = NULL, item_results = NULL
       WHERE id = $1::uuid`,
      [id],
    );
  }

  /** An attempt by id, or null (also for a malformed id). */
  async byId(id: string): Promise<Attempt | null> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
    return firstRow(
      this.#db,
      `SELECT ${COLUMNS} FROM attempts WHERE id = $1::uuid`,
      [id],
      toAttempt,
    );
  }

  /** When a learner started attempts on a track in the last 24 hours, oldest first. */
  async startedLastDay(learnerIfi: string, trackId: string): Promise<string[]> {
    const rows = await this.#db.query<{ started_at: Date | string }>(
      `SELECT started_at FROM attempts
       WHERE learner_ifi = $1 AND track_id = $2 AND started_at > now() - interval '1 day'
       ORDER BY started_at`,
      [learnerIfi, trackId],
    );
    return rows.map((r) => iso(r.started_at));
  }

  /** The learner's latest graded attempt on a track, or null. */
  async lastGraded(learnerIfi: string, trackId: string): Promise<Attempt | null> {
    return firstRow(this.#db, LAST_GRADED, [learnerIfi, trackId], toAttempt);
  }

  /** The attempts a learner started on a track in the last 24 hours, oldest first (what `start` decides on). */
  async recent(learnerIfi: string, trackId: string): Promise<Attempt[]> {
    return (await this.#db.query<AttemptRow>(RECENT, [learnerIfi, trackId])).map(toAttempt);
  }

  /** Whether a learner passed a track's graded assessment. */
  async passed(learnerIfi: string, trackId: string): Promise<boolean> {
    const rows = await this.#db.query(
      'SELECT 1 FROM attempts WHERE learner_ifi = $1 AND track_id = $2 AND passed LIMIT 1',
      [learnerIfi, trackId],
    );
    return rows.length > 0;
  }

  /** A learner's graded attempts, oldest first. */
  async ofLearner(learnerIfi: string): Promise<Attempt[]> {
    const rows = await this.#db.query<AttemptRow>(
      `SELECT ${COLUMNS} FROM attempts WHERE learner_ifi = $1 AND submitted_at IS NOT NULL
       ORDER BY submitted_at, id`,
      [learnerIfi],
    );
    return rows.map(toAttempt);
  }
}
