import type { SqlClient } from '../../db/sql-database.ts';

/** A graded attempt as scored on the server. */
export interface Attempt {
  /** Also the id of the passed or failed statement recorded in the LRS. */
  id: string;
  learnerIfi: string;
  trackId: string;
  assessmentId: string;
  language: string;
  raw: number;
  max: number;
  scaled: number;
  passed: boolean;
  submittedAt: string;
}

/** Graded attempts. */
export class Attempts {
  readonly #db: SqlClient;

  constructor(db: SqlClient) {
    this.#db = db;
  }

  /** Records an attempt. */
  async record(attempt: Attempt): Promise<void> {
    await this.#db.query(
      `INSERT INTO attempts (id, learner_ifi, track_id, assessment_id, language, raw, max, scaled,
         passed, submitted_at)
       VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz)`,
      [
        attempt.id,
        attempt.learnerIfi,
        attempt.trackId,
        attempt.assessmentId,
        attempt.language,
        attempt.raw,
        attempt.max,
        attempt.scaled,
        attempt.passed,
        attempt.submittedAt,
      ],
    );
  }

  /** How many attempts a learner made on a track in the last 24 hours. */
  async countLastDay(learnerIfi: string, trackId: string): Promise<number> {
    const rows = await this.#db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM attempts
       WHERE learner_ifi = $1 AND track_id = $2 AND submitted_at > now() - interval '1 day'`,
      [learnerIfi, trackId],
    );
    return rows[0]?.n ?? 0;
  }

  /** Whether a learner passed a track's graded assessment. */
  async passed(learnerIfi: string, trackId: string): Promise<boolean> {
    const rows = await this.#db.query(
      'SELECT 1 FROM attempts WHERE learner_ifi = $1 AND track_id = $2 AND passed LIMIT 1',
      [learnerIfi, trackId],
    );
    return rows.length > 0;
  }

  /** A learner's attempts, oldest first. */
  async ofLearner(learnerIfi: string): Promise<Attempt[]> {
    const rows = await this.#db.query<{
      id: string;
      track_id: string;
      assessment_id: string;
      language: string;
      raw: number;
      max: number;
      scaled: number;
      passed: boolean;
      submitted_at: Date | string;
    }>(
      `SELECT id::text AS id, track_id, assessment_id, language, raw, max, scaled, passed,
         submitted_at
       FROM attempts WHERE learner_ifi = $1 ORDER BY submitted_at, id`,
      [learnerIfi],
    );
    return rows.map((r) => ({
      id: r.id,
      learnerIfi,
      trackId: r.track_id,
      assessmentId: r.assessment_id,
      language: r.language,
      raw: r.raw,
      max: r.max,
      scaled: r.scaled,
      passed: r.passed,
      submittedAt: new Date(r.submitted_at).toISOString(),
    }));
  }
}
