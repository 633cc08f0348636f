import type { SqlDatabase } from './sql-database.ts';

/** When to refresh planner statistics: after this many changed rows plus a share of the table. */
export interface AutoAnalyzeOptions {
  /** Rows added before the first ANALYZE (like PostgreSQL's autovacuum_analyze_threshold). */
  threshold?: number;
  /** Share of the table that must be added again (like autovacuum_analyze_scale_factor). */
  scaleFactor?: number;
  /** Told of an ANALYZE that failed; the store goes on without fresh statistics. */
  onError?: (error: unknown) => void;
}

// ANALYZE blocks the embedded store while it runs. Measured on 36,000 statements (all tables):
// 613 ms with PostgreSQL's defaults, 191 ms with a sample of 6,000 rows per table (target 20)
// and no statistics on the statement JSON (migration 10). Refreshing after 1,000 + 20% new rows
// keeps the amortised cost near 0.05 ms per statement; autovacuum's own 50 + 10% cost about
// 0.2 ms per statement, a sixth of a batched insert.
const DEFAULT_THRESHOLD = 1000;
const DEFAULT_SCALE = 0.2;
const STATISTICS_TARGET = 20;

/**
 * PostgreSQL's autovacuum daemon refreshes planner statistics as tables grow; PGlite has no
 * such daemon. Without fresh statistics, plans chosen while the store was small (and cached by
 * PL/pgSQL for the life of the process) stay in use as it grows: single-statement ingest went
 * from 1 ms to 53 ms at 68,000 statements. This applies autovacuum's rule to the statements
 * and documents the store writes: ANALYZE once `threshold + scaleFactor × rows` have been added
 * since the last one. ANALYZE reads a fixed-size sample, so its cost stays bounded as the store
 * grows.
 */
export class AutoAnalyze {
  readonly #db: SqlDatabase;
  readonly #threshold: number;
  readonly #scale: number;
  readonly #onError: (error: unknown) => void;
  #rows = 0;
  #changed = 0;
  #running: Promise<void> | null = null;
  #runs = 0;

  constructor(db: SqlDatabase, options: AutoAnalyzeOptions = {}) {
    this.#db = db;
    this.#threshold = options.threshold ?? DEFAULT_THRESHOLD;
    this.#scale = options.scaleFactor ?? DEFAULT_SCALE;
    this.#onError =
      options.onError ??
      ((error) => {
        console.error('ANALYZE failed:', error);
      });
  }

  /** Reads the statistics as they stand, and analyses now if the store outgrew them. */
  async start(): Promise<void> {
    const [stats] = await this.#db.query<{ reltuples: number }>(
      `SELECT reltuples::float8 AS reltuples FROM pg_class
       WHERE oid = to_regclass('statements')`,
    );
    const known = stats?.reltuples ?? -1;
    this.#rows = Math.max(0, known);
    // Count no further than the first threshold would need: enough to decide.
    const limit = Math.ceil(this.#threshold + this.#scale * this.#rows) + 1;
    const [row] = await this.#db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM statements OFFSET ${Math.floor(this.#rows)} LIMIT ${limit}) AS s`,
    );
    this.#changed = row?.n ?? 0;
    if (this.#due()) await this.#analyze();
  }

  /** How many times statistics were refreshed since start (for tests and logs). */
  get runs(): number {
    return this.#runs;
  }

  /** Notes `count` added rows; starts an ANALYZE in the background when one is due. */
  noteWrites(count: number): void {
    this.#changed += count;
    if (this.#running === null && this.#due()) {
      this.#running = this.#analyze().finally(() => {
        this.#running = null;
      });
    }
  }

  /** Waits for an ANALYZE in progress, so the database can be closed. */
  async settle(): Promise<void> {
    await this.#running;
  }

  #due(): boolean {
    return this.#changed > this.#threshold + this.#scale * this.#rows;
  }

  async #analyze(): Promise<void> {
    try {
      await this.#db.transaction(async (tx) => {
        await tx.query(`SET LOCAL default_statistics_target = ${STATISTICS_TARGET}`);
        await tx.query('ANALYZE');
      });
      const [stats] = await this.#db.query<{ reltuples: number }>(
        `SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = to_regclass('statements')`,
      );
      this.#rows = Math.max(0, stats?.reltuples ?? 0);
      this.#changed = 0;
      this.#runs += 1;
    } catch (error) {
      this.#onError(error);
    }
  }
}
