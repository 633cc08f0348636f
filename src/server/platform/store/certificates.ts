import { firstRow, fromRow } from '../../db/rows.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';

/** A certificate as stored. */
export interface StoredCertificate {
  /** The verification code, ungrouped. */
  code: string;
  learnerIfi: string;
  learnerName: string;
  trackId: string;
  issuedAt: string;
  expiresAt: string;
  /** The "completed" statement on the track that the LRS holds for it. */
  statementId: string;
}

interface CertificateRow {
  code: string;
  learner_ifi: string;
  learner_name: string;
  track_id: string;
  issued_at: Date | string;
  expires_at: Date | string;
  statement_id: string;
}

const COLUMNS =
  'code, learner_ifi, learner_name, track_id, issued_at, expires_at, statement_id::text AS statement_id';

const toCertificate = (r: CertificateRow): StoredCertificate =>
  fromRow(r, ['issued_at', 'expires_at']);

/** Certificates. */
export class Certificates {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /**
   * Stores `certificate` unless the learner already holds an unexpired one for the track, which
   * is returned instead; two issuances at once for one learner and track are serialised, so a
   * learner never gets two.
   */
  async issue(
    certificate: StoredCertificate,
  ): Promise<{ certificate: StoredCertificate; created: boolean }> {
    return this.#db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [
        `${certificate.learnerIfi}\n${certificate.trackId}`,
      ]);
      const existing = await tx.query<CertificateRow>(
        `SELECT ${COLUMNS} FROM certificates
         WHERE learner_ifi = $1 AND track_id = $2 AND expires_at > now()
         ORDER BY issued_at DESC LIMIT 1`,
        [certificate.learnerIfi, certificate.trackId],
      );
      if (existing[0] !== undefined) {
        return { certificate: toCertificate(existing[0]), created: false };
      }
      await tx.query(
        `INSERT INTO certificates
           (code, learner_ifi, learner_name, track_id, issued_at, expires_at, statement_id)
         VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, $7::uuid)`,
        [
          certificate.code,
          certificate.learnerIfi,
          certificate.learnerName,
          certificate.trackId,
          certificate.issuedAt,
          certificate.expiresAt,
          certificate.statementId,
        ],
      );
      return { certificate, created: true };
    });
  }

  /** Withdraws a certificate that could not be recorded in the LRS. */
  async remove(code: string): Promise<void> {
    await this.#db.query('DELETE FROM certificates WHERE code = $1', [code]);
  }

  /** The learner's unexpired certificate for a track, or null. */
  async current(learnerIfi: string, trackId: string): Promise<StoredCertificate | null> {
    const sql = `SELECT ${COLUMNS} FROM certificates
      WHERE learner_ifi = $1 AND track_id = $2 AND expires_at > now()
      ORDER BY issued_at DESC LIMIT 1`;
    return firstRow(this.#db, sql, [learnerIfi, trackId], toCertificate);
  }

  /** A certificate by its (ungrouped) code, or null. */
  async byCode(code: string): Promise<StoredCertificate | null> {
    const sql = `SELECT ${COLUMNS} FROM certificates WHERE code = $1`;
    return firstRow(this.#db, sql, [code], toCertificate);
  }

  /** Every certificate of a learner, valid or expired, oldest first. */
  async ofLearner(learnerIfi: string): Promise<StoredCertificate[]> {
    const rows = await this.#db.query<CertificateRow>(
      `SELECT ${COLUMNS} FROM certificates WHERE learner_ifi = $1 ORDER BY issued_at`,
      [learnerIfi],
    );
    return rows.map(toCertificate);
  }
}
