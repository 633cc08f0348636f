import type { SqlClient } from '../../db/sql-database.ts';

/** A trainer's cohort. */
export interface Cohort {
  code: string;
  name: string;
  trackId: string;
  /** The id of the trainer who opened it. */
  createdBy: string;
  createdAt: string;
}

interface CohortRow {
  code: string;
  name: string;
  track_id: string;
  created_by: string;
  created_at: Date | string;
}

const toCohort = (r: CohortRow): Cohort => ({
  code: r.code,
  name: r.name,
  trackId: r.track_id,
  createdBy: r.created_by,
  createdAt: new Date(r.created_at).toISOString(),
});

/** Trainers' cohorts. */
export class Cohorts {
  readonly #db: SqlClient;

  constructor(db: SqlClient) {
    this.#db = db;
  }

  /** Opens a cohort. */
  async create(cohort: Omit<Cohort, 'createdAt'>): Promise<Cohort> {
    const rows = await this.#db.query<CohortRow>(
      `INSERT INTO cohorts (code, name, track_id, created_by) VALUES ($1, $2, $3, $4)
       RETURNING code, name, track_id, created_by, created_at`,
      [cohort.code, cohort.name, cohort.trackId, cohort.createdBy],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('the cohort insert returned no row');
    return toCohort(row);
  }

  /** A cohort by its code, or null. */
  async byCode(code: string): Promise<Cohort | null> {
    const rows = await this.#db.query<CohortRow>(
      'SELECT code, name, track_id, created_by, created_at FROM cohorts WHERE code = $1',
      [code],
    );
    return rows[0] === undefined ? null : toCohort(rows[0]);
  }

  /** A trainer's cohorts, newest first, with how many learners enrolled in each. */
  async ofTrainer(userId: string): Promise<(Cohort & { learners: number })[]> {
    const rows = await this.#db.query<CohortRow & { learners: number }>(
      `SELECT c.code, c.name, c.track_id, c.created_by, c.created_at,
         (SELECT count(*)::int FROM learners l WHERE l.cohort = c.code) AS learners
       FROM cohorts c WHERE c.created_by = $1 ORDER BY c.created_at DESC`,
      [userId],
    );
    return rows.map((r) => ({ ...toCohort(r), learners: r.learners }));
  }
}
