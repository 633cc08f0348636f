import { firstRow, fromRow } from '../../db/rows.ts';
import type { SqlClient, SqlDatabase } from '../../db/sql-database.ts';

export { DEFAULT_SEATS, MAX_SEATS } from '../../../api/cohorts.ts';

/** A trainer's cohort. */
export interface Cohort {
  code: string;
  name: string;
  trackId: string;
  /** The id of the trainer who opened it. */
  createdBy: string;
  createdAt: string;
  /** How many learners its code admits. */
  seats: number;
  /** When its trainer closed it to new members, or null while open. */
  closedAt: string | null;
}

/** Why a cohort did not admit a learner. */
export type Refusal = 'unknown' | 'closed' | 'full' | 'other-track';

interface CohortRow {
  code: string;
  name: string;
  track_id: string;
  created_by: string;
  created_at: Date | string;
  seats: number;
  closed_at: Date | string | null;
}

/** The columns of a cohort, as toCohort reads them. */
export const COHORT_COLUMNS = 'code, name, track_id, created_by, created_at, seats, closed_at';

const toCohort = (r: CohortRow): Cohort => fromRow(r, ['created_at', 'closed_at']);

/**
 * Locks a cohort's row until the transaction ends and says whether it admits one more learner
 * (of `trackId`, when given): open, a seat left. Seats are counted under the lock, so learners
 * enrolling or joining at once never take more seats than there are.
 */
export async function admission(
  tx: SqlClient,
  code: string,
  trackId: string | null,
): Promise<{ cohort: Cohort } | { refused: Refusal }> {
  const rows = await tx.query<CohortRow>(
    `SELECT ${COHORT_COLUMNS} FROM cohorts WHERE code = $1 FOR UPDATE`,
    [code],
  );
  const row = rows[0];
  if (row === undefined) return { refused: 'unknown' };
  const cohort = toCohort(row);
  if (cohort.closedAt !== null) return { refused: 'closed' };
  if (trackId !== null && cohort.trackId !== trackId) return { refused: 'other-track' };
  const taken = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM learners WHERE cohort = $1',
    [code],
  );
  if ((taken[0]?.n ?? 0) >= cohort.seats) return { refused: 'full' };
  return { cohort };
}

/** Trainers' cohorts. */
export class Cohorts {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /** Opens a cohort. */
  async create(cohort: Omit<Cohort, 'createdAt' | 'closedAt'>): Promise<Cohort> {
    const rows = await this.#db.query<CohortRow>(
      `INSERT INTO cohorts (code, name, track_id, created_by, seats) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${COHORT_COLUMNS}`,
      [cohort.code, cohort.name, cohort.trackId, cohort.createdBy, cohort.seats],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('the cohort insert returned no row');
    return toCohort(row);
  }

  /** A cohort by its code, or null. */
  async byCode(code: string): Promise<Cohort | null> {
    const sql = `SELECT ${COHORT_COLUMNS} FROM cohorts WHERE code = $1`;
    return firstRow(this.#db, sql, [code], toCohort);
  }

  /**
   * Changes a cohort's seats (never below the learners who hold one) or closes or reopens it;
   * the cohort as it is now, or null when `seats` is fewer than the seats taken. The cohort's row
   * is locked before the seats are counted, as admission() does, so a join that holds it commits
   * first and is counted (one UPDATE counting in a subquery saw the seats as they were when it
   * began, and could set fewer seats than learners).
   */
  async update(code: string, change: { seats?: number; closed?: boolean }): Promise<Cohort | null> {
    return this.#db.transaction(async (tx) => {
      const locked = await tx.query<{ code: string }>(
        'SELECT code FROM cohorts WHERE code = $1 FOR UPDATE',
        [code],
      );
      if (locked.length === 0) return null;
      const rows = await tx.query<CohortRow>(
        `UPDATE cohorts SET
           seats = coalesce($2, seats),
           closed_at = CASE WHEN $3::boolean IS NULL THEN closed_at
             WHEN $3::boolean THEN coalesce(closed_at, now()) ELSE NULL END
         WHERE code = $1
           AND coalesce($2, seats) >= (SELECT count(*) FROM learners WHERE cohort = $1)
         RETURNING ${COHORT_COLUMNS}`,
        [code, change.seats ?? null, change.closed ?? null],
      );
      return rows[0] === undefined ? null : toCohort(rows[0]);
    });
  }

  /** A trainer's cohorts, newest first, with how many learners took a seat in each. */
  async ofTrainer(userId: string): Promise<(Cohort & { learners: number })[]> {
    const rows = await this.#db.query<CohortRow & { learners: number }>(
      `SELECT c.code, c.name, c.track_id, c.created_by, c.created_at, c.seats, c.closed_at,
         (SELECT count(*)::int FROM learners l WHERE l.cohort = c.code) AS learners
       FROM cohorts c WHERE c.created_by = $1 ORDER BY c.created_at DESC`,
      [userId],
    );
    return rows.map((r) => ({ ...toCohort(r), learners: r.learners }));
  }

  /** The learners who hold a seat: who, and when they took it, in that order. */
  async seatsTaken(
    code: string,
  ): Promise<{ learnerId: string; name: string; serviceNumber: string; joinedAt: string }[]> {
    const rows = await this.#db.query<{
      learner_id: string;
      name: string;
      service_number: string;
      joined: Date | string;
    }>(
      `SELECT learner_id, name, service_number, coalesce(cohort_joined_at, enrolled_at) AS joined
       FROM learners WHERE cohort = $1 ORDER BY joined, learner_id`,
      [code],
    );
    return rows.map((r) => ({
      learnerId: r.learner_id,
      name: r.name,
      serviceNumber: r.service_number,
      joinedAt: new Date(r.joined).toISOString(),
    }));
  }
}
