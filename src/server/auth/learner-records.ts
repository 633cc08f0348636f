// Writes that must land together or not at all: a learner's credential with their enrolment
// profile, and a sign-in code's use with the credential it was exchanged for. The Store writes
// each record in its own transaction; these run the same SQL inside one transaction of the
// store's database instead.
import { createHash } from 'node:crypto';
import type { SqlClient, SqlDatabase } from '../store/sql-database.ts';
import type { CredentialRecord, DocumentWrite, StateKey } from '../store/types.ts';

/** Inserts a credential (as Store.createCredential does) on a transaction's connection. */
export async function insertCredential(tx: SqlClient, r: CredentialRecord): Promise<void> {
  await tx.query(
    `INSERT INTO credentials (key, secret_hash, name, scopes, agent, agent_ifi, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::timestamptz)`,
    [
      r.key,
      r.secretHash,
      r.name,
      JSON.stringify(r.scopes),
      r.agent === null ? null : JSON.stringify(r.agent),
      r.agentIfi,
      r.createdAt,
    ],
  );
}

/** Writes a State document (as Store.writeState does, without a read) on a transaction's connection. */
export async function putStateDocument(
  tx: SqlClient,
  key: StateKey,
  stateId: string,
  doc: DocumentWrite,
): Promise<void> {
  const lockKey = JSON.stringify([key.activityId, key.agentIfi, key.registration, stateId]);
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
  const etag = createHash('sha1').update(doc.content).digest('hex');
  await tx.query(
    `INSERT INTO state_documents
       (activity_id, agent_ifi, registration, state_id, content_type, content, etag, updated)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (activity_id, agent_ifi, registration, state_id) DO UPDATE SET
       content_type = EXCLUDED.content_type, content = EXCLUDED.content,
       etag = EXCLUDED.etag, updated = EXCLUDED.updated`,
    [
      key.activityId,
      key.agentIfi,
      key.registration ?? '',
      stateId,
      doc.contentType,
      doc.content,
      etag,
    ],
  );
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
