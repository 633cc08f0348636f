import { migrate, type MigrateResult } from '../../db/migrate.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';

/** The platform schema's migrations (SQL files, applied in version order). */
export const PLATFORM_MIGRATIONS = new URL('./migrations/', import.meta.url);

/** Brings the platform's own tables up to date on the database the LRS store also uses. */
export function migratePlatform(db: SqlDatabase): Promise<MigrateResult> {
  return migrate(db, 'platform', PLATFORM_MIGRATIONS);
}
