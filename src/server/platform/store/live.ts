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

/** What recording an answer did (LiveRecords.answer). */
export type AnswerOutcome =
  | { outcome: 'recorded' | 'unchanged' | 'closed' | 'full' }
  | { outcome: 'replaced'; previous: { choice: string[]; statementId: string } };

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
   * Records a participant's answer to an open, unrevealed question: 'recorded' for their first,
   * 'replaced' (with the answer it replaces) when they had answered it already, 'unchanged' when
   * they send the same choice again, 'closed' when the question is revealed, closed or unknown,
   * and 'full' when a phone's first answer would make more answers from phones than
   * `maxAnonymous` (a phone's token is its own choice: without a bound, one phone sending new
   * tokens could outvote the room).
   */
  async answer(a: LiveAnswer, maxAnonymous: number): Promise<AnswerOutcome> {
    try {
      return await this.#answer(a, maxAnonymous);
    } catch (error) {
      // Two first answers of one participant at once: the second finds the first's row.
      if ((error as { code?: string }).code !== '23505') throw error;
      return this.#answer(a, maxAnonymous);
    }
  }

  #answer(a: LiveAnswer, maxAnonymous: number): Promise<AnswerOutcome> {
    return this.#db.transaction(async (tx) => {
      // The lock orders the answer before a reveal or close that has not committed yet, and
      // after one that has; answers do not write the question's row. A phone's answer takes it
      // exclusively, so phones' answers count the seats one after another and never overshoot.
      const open = await tx.query(
        `SELECT 1 FROM live_questions
         WHERE id = $1 AND closed_at IS NULL AND revealed_at IS NULL
         FOR ${a.learnerIfi === null ? 'UPDATE' : 'SHARE'}`,
        [a.questionId],
      );
      if (open.length === 0) return { outcome: 'closed' };
      const [before] = await tx.query<{ choice: string[]; statement_id: string }>(
        `SELECT choice, statement_id::text AS statement_id FROM live_answers
         WHERE question_id = $1 AND participant = $2 FOR UPDATE`,
        [a.questionId, a.participant],
      );
      if (before !== undefined) {
        if (JSON.stringify(before.choice) === JSON.stringify(a.choice)) {
          return { outcome: 'unchanged' };
        }
        await tx.query(
          `UPDATE live_answers SET choice = $3::jsonb, statement_id = $4::uuid, answered_at = now()
           WHERE question_id = $1 AND participant = $2`,
          [a.questionId, a.participant, JSON.stringify(a.choice), a.statementId],
        );
        return {
          outcome: 'replaced',
          previous: { choice: before.choice, statementId: before.statement_id },
        };
      }
      if (a.learnerIfi === null) {
        const [phones] = await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM live_answers
           WHERE question_id = $1 AND learner_ifi IS NULL`,
          [a.questionId],
        );
        if ((phones?.n ?? 0) >= maxAnonymous) return { outcome: 'full' };
      }
      await tx.query(
        `INSERT INTO live_answers (question_id, participant, learner_ifi, choice, statement_id)
         VALUES ($1, $2, $3, $4::jsonb, $5::uuid)`,
        [a.questionId, a.participant, a.learnerIfi, JSON.stringify(a.choice), a.statementId],
      );
      return { outcome: 'recorded' };
    });
  }

  /**
   * Puts back the answer a replacement replaced, when the replacement's statement (`failed`)
   * could not be stored; a later answer that has replaced it since stays.
   */
  async restore(
    a: Pick<LiveAnswer, 'questionId' | 'participant' | 'statementId'>,
    previous: { choice: string[]; statementId: string },
  ): Promise<void> {
    await this.#db.query(
      `UPDATE live_answers SET choice = $4::jsonb, statement_id = $5::uuid
       WHERE question_id = $1 AND participant = $2 AND statement_id = $3::uuid`,
      [
        a.questionId,
        a.participant,
        a.statementId,
        JSON.stringify(previous.choice),
        previous.statementId,
      ],
    );
  }

  /**
   * Withdraws an answer whose statement could not be stored, so the participant may send again;
   * a later answer that has replaced it since stays.
   */
  async withdraw(a: Pick<LiveAnswer, 'questionId' | 'participant' | 'statementId'>): Promise<void> {
    await this.#db.query(
      `DELETE FROM live_answers
       WHERE question_id = $1 AND participant = $2 AND statement_id = $3::uuid`,
      [a.questionId, a.participant, a.statementId],
    );
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
