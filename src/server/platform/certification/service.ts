import { createHash, randomUUID } from 'node:crypto';
import { scoreAttempt, type AttemptScore, type QuestionResponse } from '../../../quiz/scoring.ts';
import { activityIris, ACTIVITY_TYPES, CMI5, siteBase, VERBS } from '../../../xapi/vocabulary.ts';
import type { Store } from '../../lrs/store/types.ts';
import { agentIfi, indexStatement, statementFingerprint } from '../../lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';
import { validateStatement } from '../../lrs/xapi/validate.ts';
import { groupCode, newCertificateCode } from './codes.ts';
import type { CertificationCatalog, CertificationTrack } from './rules.ts';

/**
 * The result extension of a certificate statement: the SHA-256 (hex) of the certificate's stored
 * code. The code itself never goes into the LRS, where learners and other systems can read it;
 * the hash lets anyone holding a code match it to its statement.
 */
export function certificateCodeExtension(site: string): string {
  return `${siteBase(site)}/xapi/extensions/certificate-code-sha256`;
}

/** The result extension of a certificate statement: when the certificate expires (ISO 8601). */
export function certificateExpiresExtension(site: string): string {
  return `${siteBase(site)}/xapi/extensions/certificate-expires`;
}

/** The SHA-256 (hex) of a certificate code as stored (ungrouped). */
export function certificateCodeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/**
 * The credential key recorded on the statements this service writes. Credential keys of real
 * credentials are random base64url strings, so no learner credential can carry this one.
 */
export const SERVICE_CREDENTIAL_KEY = 'service:certification';

/** A certificate as stored. */
export interface Certificate {
  /** The verification code, grouped for reading: ABCD-EFGH-JKMN-PQRS. */
  code: string;
  learnerName: string;
  trackId: string;
  issuedAt: string;
  expiresAt: string;
}

/** Where a learner stands on a track. */
export interface CertificationStatus {
  trackId: string;
  /** Whether the service has recorded a pass of the graded assessment. */
  passed: boolean;
  /** Required modules without a completed statement from the learner. */
  missingModules: string[];
  /** The learner's current (unexpired) certificate, if any. */
  certificate: Certificate | null;
}

/** The outcome of a graded attempt. */
export interface AttemptOutcome {
  score: AttemptScore;
  status: CertificationStatus;
}

interface CertificateRow {
  code: string;
  learner_name: string;
  track_id: string;
  issued_at: Date | string;
  expires_at: Date | string;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

/** A stored certificate row as the API shows it. */
export function toCertificate(row: CertificateRow): Certificate {
  return {
    code: groupCode(row.code),
    learnerName: row.learner_name,
    trackId: row.track_id,
    issuedAt: iso(row.issued_at),
    expiresAt: iso(row.expires_at),
  };
}

/** Adds calendar months, clamping to the month's last day (31 January + 1 month = 28/29 February). */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + months);
  const last = new Date(
    Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0),
  ).getUTCDate();
  result.setUTCDate(Math.min(day, last));
  return result;
}

/**
 * Scores graded assessments, records passed or failed under the service's own authority, and
 * issues certificates when a learner meets a track's rule.
 */
export class CertificationService {
  readonly store: Store;
  readonly catalog: CertificationCatalog;
  readonly site: string;
  readonly authority: JsonObject;
  readonly #iris: ReturnType<typeof activityIris>;

  constructor(
    store: Store,
    catalog: CertificationCatalog,
    siteUrl: string,
    authorityHomePage: string,
  ) {
    this.store = store;
    this.catalog = catalog;
    this.site = siteBase(siteUrl);
    this.#iris = activityIris(siteUrl);
    this.authority = {
      objectType: 'Agent',
      name: 'Certification service',
      account: { homePage: authorityHomePage, name: SERVICE_CREDENTIAL_KEY },
    };
  }

  /** The activity IRI of a graded assessment. */
  assessmentIri(assessmentId: string): string {
    return `${this.site}/xapi/activities/assessment/${encodeURIComponent(assessmentId)}`;
  }

  /** The activity IRI of a module (the tracker's). */
  moduleIri(moduleId: string): string {
    return this.#iris.module(moduleId);
  }

  /** The activity IRI of a track (the tracker's). */
  trackIri(trackId: string): string {
    return this.#iris.track(trackId);
  }

  /** The track, or undefined for an unknown id. */
  track(trackId: string): CertificationTrack | undefined {
    return this.catalog.get(trackId);
  }

  /**
   * Scores responses to a track's graded assessment, records passed or failed for the learner
   * under the service's authority, then issues a certificate if the learner now qualifies.
   */
  async submit(
    learner: JsonObject,
    track: CertificationTrack,
    lang: string,
    responses: Readonly<Record<string, QuestionResponse | undefined>>,
  ): Promise<AttemptOutcome> {
    const assessment = track.assessments[lang] ?? track.assessments.en;
    if (assessment === undefined) throw new Error(`no assessment for ${track.rule.track}`);
    const score = scoreAttempt(assessment.questions, responses, track.rule.masteryScore);
    const stored = new Date().toISOString();
    const actor = learner;
    const id = randomUUID();
    const raw: JsonObject = {
      id,
      actor,
      verb: {
        id: score.success ? VERBS.passed : VERBS.failed,
        display: { en: score.success ? 'passed' : 'failed' },
      },
      object: {
        objectType: 'Activity',
        id: this.assessmentIri(assessment.id),
        definition: {
          type: ACTIVITY_TYPES.assessment,
          name: { [lang]: assessment.title },
        },
      },
      result: {
        score: { raw: score.raw, min: score.min, max: score.max, scaled: score.scaled },
        success: score.success,
        completion: true,
      },
      context: {
        contextActivities: {
          parent: [{ objectType: 'Activity', id: this.trackIri(track.rule.track) }],
        },
        extensions: { [CMI5.masteryScore]: track.rule.masteryScore },
        language: lang,
      },
      timestamp: stored,
    };
    const checked = validateStatement(raw, 'statement');
    const statement: JsonObject = {
      ...checked,
      stored,
      authority: this.authority,
      version: '1.0.3',
    };
    await this.store.insertStatements([
      {
        id,
        statement,
        fingerprint: statementFingerprint(checked),
        stored,
        index: indexStatement(statement),
        credentialKey: SERVICE_CREDENTIAL_KEY,
      },
    ]);
    return { score, status: await this.status(learner, track, true) };
  }

  /**
   * Where the learner stands on the track. With `issue`, a learner who meets the rule and has no
   * current certificate gets one.
   */
  async status(
    learner: JsonObject,
    track: CertificationTrack,
    issue: boolean,
  ): Promise<CertificationStatus> {
    const ifi = agentIfi(learner) ?? '';
    const rule = track.rule;
    const modules = rule.requiredModules.map((m) => this.moduleIri(m));
    const db = this.store.database;
    // Only passes this service recorded count: a learner's own "passed" carries their key.
    const rows = await db.query<{ passed: boolean; done: string[] }>(
      `SELECT
         EXISTS (SELECT 1 FROM statements WHERE verb_id = $1 AND object_id = $2 AND actor_ifi = $3
                 AND NOT voided AND credential_key = $4) AS passed,
         ARRAY(SELECT DISTINCT object_id FROM statements WHERE verb_id = $5
               AND object_id = ANY($6::text[]) AND actor_ifi = $3 AND NOT voided) AS done`,
      [
        VERBS.passed,
        this.assessmentIri(rule.assessment),
        ifi,
        SERVICE_CREDENTIAL_KEY,
        VERBS.completed,
        modules,
      ],
    );
    const passed = rows[0]?.passed === true;
    const done = new Set(rows[0]?.done ?? []);
    const missingModules = rule.requiredModules.filter((m) => !done.has(this.moduleIri(m)));
    let certificate = await this.currentCertificate(ifi, rule.track);
    if (certificate === null && issue && passed && missingModules.length === 0) {
      certificate = await this.#issue(learner, ifi, track);
    }
    return { trackId: rule.track, passed, missingModules, certificate };
  }

  /** The learner's unexpired certificate for a track, if any. */
  async currentCertificate(ifi: string, trackId: string): Promise<Certificate | null> {
    const rows = await this.store.database.query<CertificateRow>(
      `SELECT code, learner_name, track_id, issued_at, expires_at FROM certificates
       WHERE learner_ifi = $1 AND track_id = $2 AND expires_at > now()
       ORDER BY issued_at DESC LIMIT 1`,
      [ifi, trackId],
    );
    return rows[0] === undefined ? null : toCertificate(rows[0]);
  }

  async #issue(learner: JsonObject, ifi: string, track: CertificationTrack): Promise<Certificate> {
    const issuedAt = new Date();
    const expiresAt = addMonths(issuedAt, track.rule.validityMonths);
    const name = typeof learner.name === 'string' ? learner.name : '';
    return this.store.database.transaction(async (tx) => {
      // Two submissions at once must not give one learner two certificates.
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7))', [
        `${ifi}\n${track.rule.track}`,
      ]);
      const existing = await tx.query<CertificateRow>(
        `SELECT code, learner_name, track_id, issued_at, expires_at FROM certificates
         WHERE learner_ifi = $1 AND track_id = $2 AND expires_at > now() LIMIT 1`,
        [ifi, track.rule.track],
      );
      if (existing[0] !== undefined) return toCertificate(existing[0]);
      const code = newCertificateCode();
      const statement = this.#certificateStatement(learner, track, code, issuedAt, expiresAt);
      const rows = await tx.query<CertificateRow>(
        `INSERT INTO certificates
           (code, learner_ifi, learner_name, track_id, issued_at, expires_at, statement_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING code, learner_name, track_id, issued_at, expires_at`,
        [
          code,
          ifi,
          name,
          track.rule.track,
          issuedAt.toISOString(),
          expiresAt.toISOString(),
          statement.id,
        ],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('the certificate insert returned no row');
      // The statement is written in the certificate's own transaction (through the same database
      // function the LRS uses), so there is never a certificate the LRS does not know about.
      const index = indexStatement(statement.statement);
      // lrs_store_statements sets stored from the database clock, as for every statement (see
      // consistentThrough in the store); the timestamp stays the time of issue.
      await tx.query('SELECT lrs_store_statements($1::jsonb)', [
        JSON.stringify([
          {
            ord: 0,
            id: statement.id,
            statement: statement.statement,
            fingerprint: statement.fingerprint,
            stored: statement.stored,
            verb_id: index.verbId,
            actor_ifi: index.actorIfi,
            registration: index.registration,
            voids: index.voids,
            credential_key: SERVICE_CREDENTIAL_KEY,
            agents: index.agents,
            activities: index.activities,
          },
        ]),
      ]);
      return toCertificate(row);
    });
  }

  // "completed" on the track activity, under the service's authority: other LRS consumers see
  // the certification without reading the service's tables, and only the code's hash.
  #certificateStatement(
    learner: JsonObject,
    track: CertificationTrack,
    code: string,
    issuedAt: Date,
    expiresAt: Date,
  ): { id: string; statement: JsonObject; fingerprint: string; stored: string } {
    const id = randomUUID();
    const stored = issuedAt.toISOString();
    const raw: JsonObject = {
      id,
      actor: learner,
      verb: { id: VERBS.completed, display: { en: 'completed' } },
      object: {
        objectType: 'Activity',
        id: this.trackIri(track.rule.track),
        definition: {
          type: ACTIVITY_TYPES.track,
          ...(Object.keys(track.titles).length > 0 ? { name: { ...track.titles } } : {}),
        },
      },
      result: {
        completion: true,
        success: true,
        extensions: {
          [certificateCodeExtension(this.site)]: certificateCodeHash(code),
          [certificateExpiresExtension(this.site)]: expiresAt.toISOString(),
        },
      },
      timestamp: stored,
    };
    const checked = validateStatement(raw, 'statement');
    return {
      id,
      statement: { ...checked, stored, authority: this.authority, version: '1.0.3' },
      fingerprint: statementFingerprint(checked),
      stored,
    };
  }

  /** A certificate by its stored code, or null. */
  async findCertificate(code: string): Promise<Certificate | null> {
    const rows = await this.store.database.query<CertificateRow>(
      'SELECT code, learner_name, track_id, issued_at, expires_at FROM certificates WHERE code = $1',
      [code],
    );
    return rows[0] === undefined ? null : toCertificate(rows[0]);
  }
}
