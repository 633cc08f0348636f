import { createHash, randomUUID } from 'node:crypto';
import { activityIris, ACTIVITY_TYPES, CMI5, siteBase, VERBS } from '../../../xapi/vocabulary.ts';
import type { NewStatement, Store } from '../../lrs/store/types.ts';
import { agentIfi, indexStatement, statementFingerprint } from '../../lrs/xapi/statement-index.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';
import { validateStatement } from '../../lrs/xapi/validate.ts';
import { groupCode, newCertificateCode } from './codes.ts';
import type { PlatformStore } from '../store/platform-store.ts';
import type { StoredCertificate } from '../store/certificates.ts';
import type { CertificationCatalog, CertificationTrack } from './rules.ts';
import { conflict, forbidden, gone, notFound, tooManyRequests } from '../../http/errors.ts';
import type { AssessmentState } from '../../../api/assessment.ts';
import type { Attempt } from '../store/attempts.ts';
import { drawForm, gradeForm, type FormGrade } from './form.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A wait in words for a message: "3 h 20 min", "12 min", "40 s". */
export function duration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

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
  /**
   * Required modules without a completed statement from the learner: their own device's report,
   * shown for progress only; no certificate depends on it.
   */
  missingModules: string[];
  /** The learner's current (unexpired) certificate, if any. */
  certificate: Certificate | null;
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

/** What the attempt policy says about a learner's next start on a track. */
export type AttemptDecision =
  | { kind: 'open'; attempt: Attempt }
  | { kind: 'wait'; reason: 'attempts_per_day' | 'cool_down'; until: number }
  | { kind: 'start' };

/**
 * The attempt policy, from the attempts started in the last 24 hours (oldest first) and the
 * latest graded one: resume the open attempt (started, not graded, not expired), wait (the day's
 * attempts are used, or the cool-down after an attempt that did not pass runs until `until`), or
 * start one. Starting an attempt and the learner's status both read it, so they never disagree.
 */
export function attemptPolicy(
  rule: CertificationTrack['rule'],
  recent: Attempt[],
  lastGraded: Attempt | null,
  now: number,
): AttemptDecision {
  const open = recent.find(
    (a) => a.grade === null && new Date(a.expiresAt).getTime() > now && a.form !== null,
  );
  if (open !== undefined) return { kind: 'open', attempt: open };
  if (recent.length >= rule.attemptsPerDay) {
    const oldest = new Date(recent[0]?.startedAt ?? now).getTime();
    return { kind: 'wait', reason: 'attempts_per_day', until: oldest + DAY_MS };
  }
  const failedAt =
    lastGraded?.grade?.passed === false ? new Date(lastGraded.grade.submittedAt).getTime() : null;
  const coolDownEnds = failedAt === null ? 0 : failedAt + rule.coolDownMinutes * 60_000;
  if (coolDownEnds > now) return { kind: 'wait', reason: 'cool_down', until: coolDownEnds };
  return { kind: 'start' };
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

  /** The activity id of a track's graded assessment. */
  assessmentId(track: CertificationTrack): string {
    return `${track.rule.track}-certification`;
  }

  /**
   * Starts an attempt on the track for the learner, or hands back their open one (started, not
   * graded, not expired): the form is drawn on the server, its key kept in the attempt's row.
   * Only a learner a trainer admitted may start one: an enrolled learner with a seat in a cohort
   * (403 cohort_required otherwise), on their own enrolment's track (403 other_track). The policy
   * refuses (429, Retry-After) a start beyond the track's attempts per 24 hours or within the
   * cool-down after a failed attempt, and (409) any start after a pass.
   */
  async startAttempt(
    learner: JsonObject,
    track: CertificationTrack,
    lang: string,
  ): Promise<{ attempt: Attempt; resumed: boolean }> {
    const rule = track.rule;
    const language = track.languages.includes(lang) ? lang : 'en';
    const ifi = agentIfi(learner) ?? '';
    const enrolled = await this.platform.learners.byAgent(ifi);
    if (enrolled?.trackId != null && enrolled.trackId !== rule.track) {
      throw forbidden(
        `your enrolment is on the ${enrolled.trackId} track: this assessment is not yours`,
        'other_track',
      );
    }
    if (enrolled?.cohort == null) {
      throw forbidden(
        'graded attempts need a seat in a cohort: ask your trainer for a cohort code and join it',
        'cohort_required',
      );
    }
    if (enrolled.trackId !== rule.track) {
      throw forbidden("this assessment is not on your enrolment's track", 'other_track');
    }
    if (await this.platform.attempts.passed(ifi, rule.track)) {
      throw conflict('you have passed this assessment already', 'already_passed');
    }
    // Read at every start, so a retirement holds at once in every service process.
    const retired = await this.platform.itemStats.retired();
    return this.platform.attempts.start(
      ifi,
      rule.track,
      (recent, lastGraded) => {
        const next = attemptPolicy(rule, recent, lastGraded, Date.now());
        if (next.kind === 'open') return next.attempt;
        if (next.kind === 'start') return null;
        const wait = Math.max(1, Math.ceil((next.until - Date.now()) / 1000));
        throw tooManyRequests(
          next.reason === 'attempts_per_day'
            ? `at most ${rule.attemptsPerDay} attempts in 24 hours: the next may start in ${duration(wait)}; review the modules meanwhile`
            : `after an attempt that did not pass, wait ${duration(wait)} before the next; review the outcomes not met meanwhile`,
          wait,
          next.reason,
        );
      },
      () => {
        const { questions, form } = drawForm(track.modules, language, retired);
        const startedAt = new Date();
        return {
          id: randomUUID(),
          assessmentId: this.assessmentId(track),
          language,
          startedAt: startedAt.toISOString(),
          expiresAt: new Date(startedAt.getTime() + rule.attemptMinutes * 60_000).toISOString(),
          form,
          questions,
        };
      },
    );
  }

  /**
   * Grades the learner's answers to their open attempt (every item answered, by the form's ids;
   * else 400), records passed or failed in the LRS under the service's authority and the grade in
   * the attempt's row, then issues a certificate if the learner now qualifies. 404 for an attempt
   * that is not the learner's, 409 for one already graded, 410 for one expired.
   */
  async submitAttempt(
    learner: JsonObject,
    track: CertificationTrack,
    attemptId: string,
    responses: unknown,
  ): Promise<{ attempt: Attempt; grade: FormGrade; status: CertificationStatus }> {
    const ifi = agentIfi(learner) ?? '';
    const attempt = await this.platform.attempts.byId(attemptId);
    if (attempt?.learnerIfi !== ifi || attempt.trackId !== track.rule.track) {
      throw notFound('no such attempt of yours on this track');
    }
    if (attempt.grade !== null) throw conflict('this attempt was graded already', 'graded');
    if (attempt.form === null) throw conflict('this attempt has no form', 'graded');
    if (new Date(attempt.expiresAt).getTime() <= Date.now()) {
      throw gone('this attempt has expired: start a new one', 'expired');
    }
    const lang = attempt.language;
    const grade = gradeForm(track.modules, lang, attempt.form, responses, track.rule.masteryScore);
    const submittedAt = new Date().toISOString();
    const statement = this.#statement({
      actor: learner,
      verb: {
        id: grade.passed ? VERBS.passed : VERBS.failed,
        display: { en: grade.passed ? 'passed' : 'failed' },
      },
      object: {
        objectType: 'Activity',
        id: this.assessmentIri(attempt.assessmentId),
        definition: {
          type: ACTIVITY_TYPES.assessment,
          ...(track.titles[lang] === undefined ? {} : { name: { [lang]: track.titles[lang] } }),
        },
      },
      result: {
        score: { raw: grade.raw, min: 0, max: grade.max, scaled: grade.scaled },
        success: grade.passed,
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
    const recorded = await this.platform.attempts.grade(attempt.id, {
      ...grade,
      submittedAt,
      statementId: statement.id,
    });
    if (!recorded) throw conflict('this attempt was graded already', 'graded');
    // The grade claims the attempt (two submissions racing grade it once), then its statement
    // goes to the LRS through the store; if that write fails the grade is withdrawn, so a graded
    // attempt is always one the LRS holds, and the learner can submit again.
    try {
      await this.store.insertStatements([statement]);
    } catch (error) {
      await this.platform.attempts.ungrade(attempt.id);
      throw error;
    }
    return { attempt, grade, status: await this.status(learner, track, true) };
  }

  /**
   * Where the learner stands on the track: a pass recorded by this service (never a learner's own
   * "passed" statement), and the required modules the learner's statements completed (reported by
   * their device, for progress only). With `issue`, a learner whose graded attempt passed and who
   * has no current certificate gets one: the certificate rests on the graded attempt alone, which
   * assesses every learning outcome of the track's modules, never on what a device reported.
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
    if (certificate === null && issue && passed) {
      certificate = await this.#issue(learner, ifi, track);
    }
    return { trackId: rule.track, passed, missingModules, certificate };
  }

  /**
   * Where the learner stands with the track's graded assessment, read only: passed, an open
   * attempt, the latest graded one, the attempts left in the last 24 hours and when the next may
   * start, by the same policy that starting an attempt applies.
   */
  async assessmentState(learner: JsonObject, track: CertificationTrack): Promise<AssessmentState> {
    const ifi = agentIfi(learner) ?? '';
    const rule = track.rule;
    const [passed, recent, last] = await Promise.all([
      this.platform.attempts.passed(ifi, rule.track),
      this.platform.attempts.recent(ifi, rule.track),
      this.platform.attempts.lastGraded(ifi, rule.track),
    ]);
    const next = attemptPolicy(rule, recent, last, Date.now());
    return {
      passed,
      open: !passed && next.kind === 'open' ? { expiresAt: next.attempt.expiresAt } : null,
      last:
        last?.grade == null
          ? null
          : { passed: last.grade.passed, submittedAt: last.grade.submittedAt },
      attemptsLeft: Math.max(0, rule.attemptsPerDay - recent.length),
      attemptsPerDay: rule.attemptsPerDay,
      nextAttemptAt: !passed && next.kind === 'wait' ? new Date(next.until).toISOString() : null,
      waitReason: !passed && next.kind === 'wait' ? next.reason : null,
    };
  }

  /**
   * How far the learner's own statements say they went in each required module of the track:
   * `passed` (a passed knowledge check, or completed), `in-progress` (launched), or absent.
   * Progress their device reports, for their home page; nothing depends on it.
   */
  async moduleProgress(
    learner: JsonObject,
    track: CertificationTrack,
  ): Promise<Record<string, 'passed' | 'in-progress'>> {
    const ifi = agentIfi(learner) ?? '';
    const modules = track.rule.requiredModules;
    const results = await this.store.latestResults({
      agents: [ifi],
      activityIds: modules.map((m) => this.moduleIri(m)),
      verbs: [VERBS.passed, VERBS.completed, VERBS.launched],
    });
    const progress: Record<string, 'passed' | 'in-progress'> = {};
    for (const m of modules) {
      const mine = results.filter((r) => r.activityId === this.moduleIri(m));
      if (mine.some((r) => r.verbId === VERBS.passed || r.verbId === VERBS.completed)) {
        progress[m] = 'passed';
      } else if (mine.length > 0) progress[m] = 'in-progress';
    }
    return progress;
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
