// The SQL that writes credentials and State documents, on the store's connection or inside one
// of its transactions (SqlStore only: nothing outside the store writes the LRS's tables).
import { createHash } from 'node:crypto';
import type { SqlClient } from '../../db/sql-database.ts';
import type { CredentialRecord, DocumentWrite, StateKey } from './types.ts';

/** Inserts a credential (its secret already hashed). */
export async function insertCredential(client: SqlClient, r: CredentialRecord): Promise<void> {
  await client.query(
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

/** Serialises writers of one State document until the transaction ends. */
export async function lockStateDocument(
  tx: SqlClient,
  key: StateKey,
  stateId: string,
): Promise<void> {
  const lockKey = JSON.stringify([key.activityId, key.agentIfi, key.registration, stateId]);
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey]);
}

/** Creates or replaces a State document, with its ETag (SHA-1 of the content). */
export async function upsertStateDocument(
  client: SqlClient,
  key: StateKey,
  stateId: string,
  doc: DocumentWrite,
): Promise<void> {
  const etag = createHash('sha1').update(doc.content).digest('hex');
  await client.query(
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
