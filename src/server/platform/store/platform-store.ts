import { migrate } from '../../db/migrate.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import { Attempts } from './attempts.ts';
import { Certificates } from './certificates.ts';
import { Cohorts } from './cohorts.ts';
import { ItemStats } from './item-stats.ts';
import { LearnerSessions } from './learner-sessions.ts';
import { Learners } from './learners.ts';
import { LiveRecords } from './live.ts';
import { ReportQueries } from './report-queries.ts';
import { SignInCodes } from './sign-in-codes.ts';
import { Staff } from './staff.ts';

/** The platform schema's migrations (SQL files, applied in version order). */
export const PLATFORM_MIGRATIONS = new URL('./migrations/', import.meta.url);

/**
 * The platform's repository: its own tables, one module per kind of record. Nothing else in the
 * platform writes SQL or holds the database handle.
 */
export class PlatformStore {
  readonly learners: Learners;
  readonly cohorts: Cohorts;
  readonly staff: Staff;
  readonly signInCodes: SignInCodes;
  readonly attempts: Attempts;
  readonly certificates: Certificates;
  readonly reports: ReportQueries;
  readonly itemStats: ItemStats;
  readonly live: LiveRecords;
  readonly learnerSessions: LearnerSessions;

  constructor(db: SqlDatabase) {
    this.learners = new Learners(db);
    this.cohorts = new Cohorts(db);
    this.staff = new Staff(db);
    this.signInCodes = new SignInCodes(db);
    this.attempts = new Attempts(db);
    this.certificates = new Certificates(db);
    this.reports = new ReportQueries(db);
    this.itemStats = new ItemStats(db);
    this.live = new LiveRecords(db);
    this.learnerSessions = new LearnerSessions(db);
  }
}

/** Brings the platform's tables up to date on a database and opens its repository there. */
export async function openPlatformStore(db: SqlDatabase): Promise<PlatformStore> {
  await migrate(db, 'platform', PLATFORM_MIGRATIONS);
  return new PlatformStore(db);
}
