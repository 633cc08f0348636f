import type { RetirementEntry } from '../../../api/items.ts';
import { fromRow } from '../../db/rows.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import type { ItemResult } from './attempts.ts';

/** One graded attempt as the item statistics read it. */
export interface GradedAttemptRow {
  language: string;
  items: ItemResult[];
}

/** Graded attempts' item results, and the bank items retired from new forms. */
export class ItemStats {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /** The item results of graded attempts on a track, of one cohort's learners if given. */
  async graded(trackId: string, cohort: string | null): Promise<GradedAttemptRow[]> {
    const rows = await this.#db.query<{ language: string; item_results: ItemResult[] }>(
      `SELECT a.language, a.item_results FROM attempts a
       ${cohort === null ? '' : 'JOIN learners l ON l.agent_ifi = a.learner_ifi'}
       WHERE a.track_id = $1 AND a.submitted_at IS NOT NULL AND a.item_results IS NOT NULL
       ${cohort === null ? '' : 'AND l.cohort = $2'}
       ORDER BY a.submitted_at, a.id`,
      cohort === null ? [trackId] : [trackId, cohort],
    );
    return rows.map((r) => ({ language: r.language, items: r.item_results }));
  }

  /** Ids of the retired items. */
  async retired(): Promise<Set<string>> {
    const rows = await this.#db.query<{ item_id: string }>('SELECT item_id FROM retired_items');
    return new Set(rows.map((r) => r.item_id));
  }

  /**
   * Retires an item from new forms (or brings it back) and logs the change in the same
   * transaction; false when the item was already so (nothing changed, nothing logged).
   */
  async setRetired(
    itemId: string,
    retired: boolean,
    by: { id: string; name: string },
  ): Promise<boolean> {
    return this.#db.transaction(async (tx) => {
      const changed = retired
        ? await tx.query(
            `INSERT INTO retired_items (item_id, retired_by) VALUES ($1, $2)
             ON CONFLICT (item_id) DO NOTHING RETURNING item_id`,
            [itemId, by.id],
          )
        : await tx.query('DELETE FROM retired_items WHERE item_id = $1 RETURNING item_id', [
            itemId,
          ]);
      if (changed.length === 0) return false;
      await tx.query(
        `INSERT INTO item_retirements (item_id, retired, actor_id, actor_name)
         VALUES ($1, $2, $3, $4)`,
        [itemId, retired, by.id, by.name],
      );
      return true;
    });
  }

  /** The log of retirements and restorations, newest first: at most `limit`. */
  async retirements(limit: number): Promise<RetirementEntry[]> {
    const rows = await this.#db.query<{
      item: string;
      retired: boolean;
      by: string;
      at: Date | string;
    }>(
      `SELECT item_id AS item, retired, actor_name AS "by", at FROM item_retirements
       ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r) => fromRow(r, ['at']));
  }
}
