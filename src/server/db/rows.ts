// What the stores do with the rows a query answers: timestamps as ISO strings, snake_case columns
// as the camelCase fields of a record, and "the first row, or null".
import type { SqlClient } from './sql-database.ts';

/** A timestamp column (a Date from node-postgres, a string from some PGlite paths) as ISO 8601. */
export function isoTime(value: Date | string): string {
  return new Date(value).toISOString();
}

/** The same for a column that may be null. */
export function isoTimeOrNull(value: Date | string | null): string | null {
  return value === null ? null : isoTime(value);
}

/** A snake_case name in camelCase: `learner_ifi` is `learnerIfi`. */
type Camel<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;

/** An ISO string for each timestamp (null stays null). */
type Iso<V> = V extends null ? null : string;

/** A row as a record: each column under its camelCase name, the timestamp columns `T` as ISO strings. */
export type RowRecord<R, T extends keyof R> = {
  [K in keyof R as Camel<K & string>]: K extends T ? Iso<R[K]> : R[K];
};

/**
 * A row as a record (see RowRecord): its columns, renamed, and its timestamps `timestamps` as ISO
 * strings. The record has the row's columns and no others: select the ones the record needs.
 */
export function fromRow<R extends object, T extends keyof R & string = never>(
  row: R,
  timestamps: readonly T[] = [],
): RowRecord<R, T> {
  const record: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    const field = column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
    record[field] =
      timestamps.includes(column as T) && value !== null ? isoTime(value as Date | string) : value;
  }
  return record as RowRecord<R, T>;
}

/**
 * The first row a query answers, made a record by `map` (which says what the row holds: the
 * driver's rows are not checked); null when it answers none.
 */
export async function firstRow<T>(
  db: SqlClient,
  text: string,
  params: unknown[],
  map: (row: never) => T,
): Promise<T | null> {
  const [row] = await db.query<unknown>(text, params);
  return row === undefined ? null : map(row as never);
}
