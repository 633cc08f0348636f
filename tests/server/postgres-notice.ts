// Vitest global setup: says once per run whether the LRS tests run on PostgreSQL too, so that
// the PostgreSQL half is never left out in silence. In CI without DATABASE_URL the store loop of
// every LRS suite fails (see storeKinds in helpers.ts); this line says why, up front.
import { inCi, POSTGRES_MISSING_IN_CI, POSTGRES_SETUP } from './helpers.ts';

/** Prints which stores the LRS suites run on. */
export default function postgresNotice(): void {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    console.log('LRS tests: on the embedded store and on PostgreSQL (DATABASE_URL).');
  } else if (inCi()) {
    console.error(`LRS tests: ${POSTGRES_MISSING_IN_CI}`);
  } else {
    console.log(
      `LRS tests: PostgreSQL half skipped, DATABASE_URL is unset (\`${POSTGRES_SETUP}\` to run it).`,
    );
  }
}
