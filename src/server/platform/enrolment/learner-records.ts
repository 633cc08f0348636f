// Writes that must land together or not at all: a learner's credential with their enrolment
// profile, and a sign-in code's use with the credential it was exchanged for. The Store writes
// each record in its own transaction; these run the same SQL inside one transaction of the
// store's database instead.
import {
  insertCredential,
  lockStateDocument,
  upsertStateDocument,
} from '../../lrs/store/record-sql.ts';
import type { SqlClient, SqlDatabase } from '../../db/sql-database.ts';
import type { CredentialRecord, DocumentWrite, StateKey } from '../../lrs/store/types.ts';

/** Writes a State document (as Store.writeState does, without a read) on a transaction's connection. */
async function putStateDocument(
  tx: SqlClient,
  key: StateKey,
  stateId: string,
  doc: DocumentWrite,
): Promise<void> {
  await lockStateDocument(tx, key, stateId);
  await upsertStateDocument(tx, key, stateId, doc);
}

/**
 * Stores a new learner's credential and enrolment profile in one transaction: if the profile
 * cannot be written, no credential is left behind (and the other way round).
 */
export async function storeEnrolment(
  db: SqlDatabase,
  credential: CredentialRecord,
  key: StateKey,
  stateId: string,
  profile: DocumentWrite,
): Promise<void> {
  await db.transaction(async (tx) => {
    await insertCredential(tx, credential);
    await putStateDocument(tx, key, stateId, profile);
  });
}
