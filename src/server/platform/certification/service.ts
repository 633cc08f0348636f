import { createHash, randomUUID } from 'node:crypto';
import { scoreAttempt, type AttemptScore, type QuestionResponse } from '../../../quiz/scoring.ts';
import { activityIris, ACTIVITY_TYPES, CMI5, siteBase, VERBS } from '../../../xapi/vocabulary.ts';
import type { NewStatement, Store } from '../../lrs/store/types.ts';
import { agentIfi, indexStatement, statementFingerprint } from '../../lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';
import { validateStatement } from '../../lrs/xapi/validate.ts';
import { groupCode, newCertificateCode } from './codes.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import type { StoredCertificate } from '../store/certificates.ts';
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

/** A stored certificate as the API shows it. */
export function toCertificate(stored: StoredCertificate): Certificate {
  return {
    code: groupCode(stored.code),
    learnerName: stored.learnerName,
    trackId: stored.trackId,
    issuedAt: stored.issuedAt,
    expiresAt: stored.expiresAt,
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
  readonly platform: PlatformStore;
  readonly catalog: CertificationCatalog;
  readonly site: string;
  readonly authority: JsonObject;
  readonly #iris: ReturnType<typeof activityIris>;

  constructor(
    store: Store,
    platform: PlatformStore,
    catalog: CertificationCatalog,
    siteUrl: string,
    authorityHomePage: string,
  ) {
    this.store = store;
    this.platform = platform;
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

  /** The track meant for a role (its audience), or null when none is. */
  trackForRole(role: string): string | null {
    for (const [id, track] of this.catalog) if (track.audience === role) return id;
    return null;
  }

  /** Graded attempts the learner made on the track in the last 24 hours. */
  attemptsLastDay(learner: JsonObject, track: CertificationTrack): Promise<number> {
    return this.platform.attempts.countLastDay(agentIfi(learner) ?? '', track.rule.track);
  }

  /**
   * Scores responses to a track's graded assessment, records passed or failed for the learner in
   * the LRS under the service's authority and the attempt in the platform's table, then issues a
   * certificate if the learner now qualifies.
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
    const submittedAt = new Date().toISOString();
    const statement = this.#statement({
      actor: learner,
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
      timestamp: submittedAt,
    });
    // The statement first: an attempt the platform counts is always one the LRS holds.
    await this.store.insertStatements([statement]);
    await this.platform.attempts.record({
      id: statement.id,
      learnerIfi: agentIfi(learner) ?? '',
      trackId: track.rule.track,
      assessmentId: assessment.id,
      language: lang,
      raw: score.raw,
      max: score.max,
      scaled: score.scaled,
      passed: score.success,
      submittedAt,
    });
    return { score, status: await this.status(learner, track, true) };
  }

  /**
   * Where the learner stands on the track: a pass recorded by this service (never a learner's own
   * "passed" statement), and the required modules the learner's statements completed. With
   * `issue`, a learner who meets the rule and has no current certificate gets one.
   */
  async status(
    learner: JsonObject,
    track: CertificationTrack,
    issue: boolean,
  ): Promise<CertificationStatus> {
    const ifi = agentIfi(learner) ?? '';
    const rule = track.rule;
    const [passed, completions] = await Promise.all([
      this.platform.attempts.passed(ifi, rule.track),
      this.store.latestResults({
        agents: [ifi],
        activityIds: rule.requiredModules.map((m) => this.moduleIri(m)),
        verbs: [VERBS.completed],
      }),
    ]);
    const done = new Set(completions.map((c) => c.activityId));
    const missingModules = rule.requiredModules.filter((m) => !done.has(this.moduleIri(m)));
    let certificate = await this.currentCertificate(ifi, rule.track);
    if (certificate === null && issue && passed && missingModules.length === 0) {
      certificate = await this.#issue(learner, ifi, track);
    }
    return { trackId: rule.track, passed, missingModules, certificate };
  }

  /** The learner's unexpired certificate for a track, if any. */
  async currentCertificate(ifi: string, trackId: string): Promise<Certificate | null> {
    const stored = await this.platform.certificates.current(ifi, trackId);
    return stored === null ? null : toCertificate(stored);
  }

  // The certificate row first (one per learner and track, under a lock), then its statement in
  // the LRS through the store like every other; if that write fails the certificate is withdrawn,
  // so there is never a certificate the LRS does not know about once the answer is sent.
  async #issue(learner: JsonObject, ifi: string, track: CertificationTrack): Promise<Certificate> {
    const issuedAt = new Date();
    const expiresAt = addMonths(issuedAt, track.rule.validityMonths);
    const code = newCertificateCode();
    const statement = this.#certificateStatement(learner, track, code, issuedAt, expiresAt);
    const { certificate, created } = await this.platform.certificates.issue({
      code,
      learnerIfi: ifi,
      learnerName: typeof learner.name === 'string' ? learner.name : '',
      trackId: track.rule.track,
      issuedAt: issuedAt.toISOString(),
      expiresAt: expiresAt.toISOString(),
      statementId: statement.id,
    });
    if (created) {
      try {
        await this.store.insertStatements([statement]);
      } catch (error) {
        await this.platform.certificates.remove(code);
        throw error;
      }
    }
    return toCertificate(certificate);
  }

  // A statement under the service's authority, ready for the store.
  #statement(raw: JsonObject): NewStatement {
    const id = randomUUID();
    const checked = validateStatement({ id, ...raw }, 'statement');
    const stored = typeof raw.timestamp === 'string' ? raw.timestamp : new Date().toISOString();
    const statement: JsonObject = {
      ...checked,
      stored,
      authority: this.authority,
      version: '1.0.3',
    };
    return {
      id,
      statement,
      fingerprint: statementFingerprint(checked),
      stored,
      index: indexStatement(statement),
      credentialKey: SERVICE_CREDENTIAL_KEY,
    };
  }

  // "completed" on the track activity, under the service's authority: other LRS consumers see
  // the certification without reading the platform's tables, and only the code's hash.
  #certificateStatement(
    learner: JsonObject,
    track: CertificationTrack,
    code: string,
    issuedAt: Date,
    expiresAt: Date,
  ): NewStatement {
    return this.#statement({
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
      timestamp: issuedAt.toISOString(),
    });
  }

  /** A certificate by its stored code, or null. */
  async findCertificate(code: string): Promise<Certificate | null> {
    const stored = await this.platform.certificates.byCode(code);
    return stored === null ? null : toCertificate(stored);
  }
}
