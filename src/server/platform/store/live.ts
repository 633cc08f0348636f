import { firstRow, fromRow } from '../../db/rows.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';

/** A question put to a cohort's room. */
export interface LiveQuestion {
  id: string;
  cohort: string;
  moduleId: string;
  questionId: string;
  language: string;
  /** The source option ids in the order the room sees them (as A, B, C...). */
  options: string[];
  startedBy: string;
  startedAt: string;
  revealedAt: string | null;
  closedAt: string | null;
  /** How many participants have answered. */
  answers: number;
}

interface LiveQuestionRow {
  id: string;
  cohort: string;
  module_id: string;
  question_id: string;
  language: string;
  options: string[];
  started_by: string;
  started_at: Date | string;
  revealed_at: Date | string | null;
  closed_at: Date | string | null;
  answers: number;
}

const COLUMNS = `id, cohort, module_id, question_id, language, options, started_by, started_at,
  revealed_at, closed_at,
  (SELECT count(*)::int FROM live_answers a WHERE a.question_id = live_questions.id) AS answers`;

const toQuestion = (r: LiveQuestionRow): LiveQuestion =>
  fromRow(r, ['started_at', 'revealed_at', 'closed_at']);

/** One participant's answer, as recorded. */
export interface LiveAnswer {
  questionId: string;
  /** The learner's Agent identifier, or "anon:" and the SHA-256 of a phone's token. */
  participant: string;
  learnerIfi: string | null;
  /** The shown letters chosen. */
  choice: string[];
  statementId: string;
}

/**
 * Live questions and their answers: the only state of a live question, shared by every service
 * process on the database.
 */
export class LiveRecords {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /**
   * Puts a question to a room: closes the room's open question, if any, and opens this one, in
   * one transaction. Null when another start won the race for the room's one open question.
   */
  async start(
    q: Pick<LiveQuestion, 'id' | 'cohort' | 'moduleId' | 'questionId' | 'language' | 'options'> & {
      startedBy: string;
    },
  ): Promise<LiveQuestion | null> {
    try {
      return await this.#db.transaction(async (tx) => {
        await tx.query(
          'UPDATE live_questions SET closed_at = now() WHERE cohort = $1 AND closed_at IS NULL',
          [q.cohort],
        );
        const rows = await tx.query<LiveQuestionRow>(
          `INSERT INTO live_questions (id, cohort, module_id, question_id, language, options, started_by)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) RETURNING ${COLUMNS}`,
          [
            q.id,
            q.cohort,
            q.moduleId,
            q.questionId,
            q.language,
            JSON.stringify(q.options),
            q.startedBy,
          ],
        );
        const row = rows[0];
        if (row === undefined) throw new Error('the live question insert returned no row');
        return toQuestion(row);
      });
    } catch (error) {
      // Two starts at once: the partial unique index lets one open question per room.
      if ((error as { code?: string }).code === '23505') return null;
      throw error;
    }
  }

  /** The room's open question, or else its latest one (closed), or null. */
  async current(cohort: string): Promise<LiveQuestion | null> {
    const sql = `SELECT ${COLUMNS} FROM live_questions WHERE cohort = $1
      ORDER BY (closed_at IS NULL) DESC, started_at DESC LIMIT 1`;
    return firstRow(this.#db, sql, [cohort], toQuestion);
  }

  /** A question by id, or null. */
  async byId(id: string): Promise<LiveQuestion | null> {
    const sql = `SELECT ${COLUMNS} FROM live_questions WHERE id = $1`;
    return firstRow(this.#db, sql, [id], toQuestion);
  }

  /** Marks a question revealed (once); answers its row as it now stands, or null if unknown. */
  async reveal(id: string): Promise<LiveQuestion | null> {
    return this.#stamp(id, 'revealed_at');
  }

  /** Closes a question (once); answers its row as it now stands, or null if unknown. */
  async close(id: string): Promise<LiveQuestion | null> {
    return this.#stamp(id, 'closed_at');
  }

  /** Sets a question's time `column` to now unless it is set; its row, or null if unknown. */
  async #stamp(id: string, column: 'revealed_at' | 'closed_at'): Promise<LiveQuestion | null> {
    const sql = `UPDATE live_questions SET ${column} = coalesce(${column}, now()) WHERE id = $1
      RETURNING ${COLUMNS}`;
    return firstRow(this.#db, sql, [id], toQuestion);
  }

  /**
   * Records an answer to an open, unrevealed question: 'recorded', 'duplicate' when the
   * participant has answered it already (the first answer stands), or 'closed' when the question
   * is revealed, closed or unknown.
   */
  async answer(a: LiveAnswer): Promise<'recorded' | 'duplicate' | 'closed'> {
    // One statement, so one round trip and one commit. The share lock orders the answer before a
    // reveal or close that has not committed yet, and after one that has; answers do not write
    // the question's row, so they never wait on each other.
    const inserted = await this.#db.query<{ participant: string }>(
      `INSERT INTO live_answers (question_id, participant, learner_ifi, choice, statement_id)
       SELECT $1, $2, $3, $4::jsonb, $5::uuid
       WHERE EXISTS (
         SELECT 1 FROM live_questions
         WHERE id = $1 AND closed_at IS NULL AND revealed_at IS NULL FOR SHARE
       )
       ON CONFLICT (question_id, participant) DO NOTHING RETURNING participant`,
      [a.questionId, a.participant, a.learnerIfi, JSON.stringify(a.choice), a.statementId],
    );
    if (inserted.length > 0) return 'recorded';
    const answered = await this.#db.query<{ participant: string }>(
      'SELECT participant FROM live_answers WHERE question_id = $1 AND participant = $2',
      [a.questionId, a.participant],
    );
    return answered.length > 0 ? 'duplicate' : 'closed';
  }

  /** Withdraws an answer whose statement could not be stored, so the participant may send again. */
  async withdraw(questionId: string, participant: string): Promise<void> {
    await this.#db.query('DELETE FROM live_answers WHERE question_id = $1 AND participant = $2', [
      questionId,
      participant,
    ]);
  }

  /** How many answers chose each shown letter (a multiple-response answer counts for each). */
  async counts(questionId: string): Promise<Record<string, number>> {
    const rows = await this.#db.query<{ letter: string; n: number }>(
      `SELECT c.letter, count(*)::int AS n
       FROM live_answers a, jsonb_array_elements_text(a.choice) AS c(letter)
       WHERE a.question_id = $1 GROUP BY c.letter`,
      [questionId],
    );
    return Object.fromEntries(rows.map((r) => [r.letter, r.n]));
  }

  /** The answers to a question, oldest first (for tests and reports). */
  async answers(questionId: string): Promise<LiveAnswer[]> {
    const rows = await this.#db.query<{
      question_id: string;
      participant: string;
      learner_ifi: string | null;
      choice: string[];
      statement_id: string;
    }>(
      `SELECT question_id, participant, learner_ifi, choice, statement_id::text AS statement_id
       FROM live_answers WHERE question_id = $1 ORDER BY answered_at`,
      [questionId],
    );
    return rows.map((r) => ({
      questionId: r.question_id,
      participant: r.participant,
      learnerIfi: r.learner_ifi,
      choice: r.choice,
      statementId: r.statement_id,
    }));
  }
}
