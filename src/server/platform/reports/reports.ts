import { VERBS } from '../../../xapi/vocabulary.ts';
import { groupCode } from '../certification/codes.ts';
import type { CertificationService } from '../certification/service.ts';
import type {
  CohortGlance,
  GlanceOutcome,
  ModuleProgress,
  ReportGroup,
  ReportLearner,
} from '../../../api/reports.ts';
import { serviceRecord } from '../store/learners.ts';
import type { GroupBy, ReportFilters } from '../store/report-queries.ts';

export type { ModuleProgress, ReportGroup, ReportLearner } from '../../../api/reports.ts';

export {
  CERTIFICATION_STATUSES,
  GROUP_BY,
  type GroupBy,
  type ReportFilters,
} from '../store/report-queries.ts';

/**
 * The DPO reports. Learners, cohorts, attempts and certificates come from the platform's tables;
 * what learners did (module completions, knowledge-check scores, whether they started at all)
 * from their statements, through the LRS store's public operations. Nothing is read out of xAPI
 * documents, so nothing a learner sends changes a profile in a report.
 */
export class Reports {
  readonly #svc: CertificationService;
  // Every track's required modules (as activity ids), in one order, for activityCounts.
  readonly #trackIds: string[];
  readonly #moduleSets: string[][];

  constructor(svc: CertificationService) {
    this.#svc = svc;
    this.#trackIds = [...svc.catalog.keys()];
    this.#moduleSets = [...svc.catalog.values()].map((track) => [
      ...new Set(track.rule.requiredModules.map((m) => svc.moduleIri(m))),
    ]);
  }

  /** Whether a certification track of this id exists. */
  hasTrack(trackId: string): boolean {
    return this.#svc.track(trackId) !== undefined;
  }

  /** The modules a track requires ([] for an unknown track). */
  requiredModules(trackId: string): string[] {
    return this.#svc.track(trackId)?.rule.requiredModules ?? [];
  }

  // Per learner who has any statement: how many of each track's required modules they completed.
  async #progress(agents: readonly string[]): Promise<Map<string, number[]>> {
    if (agents.length === 0) return new Map();
    const counts = await this.#svc.store.activityCounts({
      verb: VERBS.completed,
      activitySets: this.#moduleSets,
      agents,
    });
    return new Map(counts.map((c) => [c.agentIfi, c.counts]));
  }

  // Modules done and required on the learner's track.
  #modules(trackId: string | null, counts: number[] | undefined) {
    const index = trackId === null ? -1 : this.#trackIds.indexOf(trackId);
    const required = index < 0 ? 0 : (this.#moduleSets[index]?.length ?? 0);
    const done = index < 0 ? 0 : (counts?.[index] ?? 0);
    return { done, required, completed: required > 0 && done >= required };
  }

  /**
   * Enrolled, started, completed and certified learners per group of the chosen dimension,
   * counted by the database in one query (ReportQueries.completion).
   */
  async completion(filters: ReportFilters, groupBy: GroupBy): Promise<ReportGroup[]> {
    const groups = await this.#svc.platform.reports.completion(filters, groupBy, {
      verb: VERBS.completed,
      tracks: this.#trackIds.map((trackId, i) => ({
        trackId,
        activityIds: this.#moduleSets[i] ?? [],
      })),
    });
    // By key, learners without a value ('') last.
    return groups
      .map(({ key, enrolled, started, completed, certified }) => ({
        key,
        enrolled,
        started,
        completed,
        certified,
      }))
      .sort((a, b) => (a.key === '' ? 1 : b.key === '' ? -1 : a.key.localeCompare(b.key)));
  }

  /** The learners that match, by name, at most `limit` from `offset`. */
  async learners(
    filters: ReportFilters,
    limit: number,
    offset: number,
  ): Promise<{ total: number; learners: ReportLearner[] }> {
    const page = await this.#svc.platform.reports.learners(filters, limit, offset);
    const progress = await this.#progress(page.learners.map((l) => l.agentIfi));
    return {
      total: page.total,
      learners: page.learners.map((l) => {
        const counts = progress.get(l.agentIfi);
        const modules = this.#modules(l.trackId, counts);
        return {
          learnerId: l.learnerId,
          ...serviceRecord(l),
          cohort: l.cohort,
          track: l.trackId,
          enrolledAt: l.enrolledAt,
          started: counts !== undefined,
          modulesDone: modules.done,
          modulesRequired: modules.required,
          completed: modules.completed,
          certificateCode: l.certificate === null ? null : groupCode(l.certificate.code),
          certifiedAt: l.certificate?.issuedAt ?? null,
          expiresAt: l.certificate?.expiresAt ?? null,
        };
      }),
    };
  }

  /** A cohort's learners (at most 500), each with their progress through the track's modules. */
  async cohortLearners(cohort: string, trackId: string) {
    const { learners } = await this.#svc.platform.reports.learners({ cohort }, 500, 0);
    const ifis = learners.map((l) => l.agentIfi);
    const [started, modules] = await Promise.all([
      this.#progress(ifis),
      this.moduleProgress(ifis, trackId),
    ]);
    return learners.map((l) => ({
      learnerId: l.learnerId,
      agentIfi: l.agentIfi,
      name: l.name,
      started: started.has(l.agentIfi),
      certified: l.certificate !== null,
      certificateCode: l.certificate === null ? null : groupCode(l.certificate.code),
      modules: modules.get(l.agentIfi) ?? [],
    }));
  }

  /**
   * A cohort at a glance, for its trainer and the DPO: per learner the modules done, the
   * knowledge checks with a score, the graded attempts (from the platform's attempts table) and
   * the learning outcomes not yet met in any of them; and the cohort's weakest outcomes, by the
   * share of learners who have met them among those assessed on them.
   */
  async cohortGlance(cohort: string, trackId: string, lang: string): Promise<CohortGlance> {
    const [learners, attempts] = await Promise.all([
      this.cohortLearners(cohort, trackId),
      this.#svc.platform.reports.cohortAttempts(cohort, trackId),
    ]);
    const track = this.#svc.track(trackId);
    const outcomeOf = (module: string, outcome: string): GlanceOutcome => {
      const bank = track?.modules.find((m) => m.module === module);
      const texts = bank?.outcomes[lang] ?? bank?.outcomes.en ?? [];
      return {
        module,
        outcome,
        text: texts.find((o) => o.id === outcome)?.text ?? outcome,
      };
    };
    // Per learner: their attempts, and per outcome whether they ever met it.
    const byLearner = new Map<string, { attempts: typeof attempts; met: Map<string, boolean> }>();
    for (const a of attempts) {
      let mine = byLearner.get(a.learnerIfi);
      if (mine === undefined) {
        mine = { attempts: [], met: new Map() };
        byLearner.set(a.learnerIfi, mine);
      }
      mine.attempts.push(a);
      for (const o of a.outcomes) {
        const key = `${o.module}\u0000${o.outcome}`;
        mine.met.set(key, (mine.met.get(key) ?? false) || o.met);
      }
    }
    const tally = new Map<string, { met: number; assessed: number }>();
    for (const { met } of byLearner.values()) {
      for (const [key, ok] of met) {
        const t = tally.get(key) ?? { met: 0, assessed: 0 };
        t.assessed += 1;
        if (ok) t.met += 1;
        tally.set(key, t);
      }
    }
    const split = (key: string): [string, string] => {
      const [module = '', outcome = ''] = key.split('\u0000');
      return [module, outcome];
    };
    const weakest = [...tally.entries()]
      .filter(([, t]) => t.met < t.assessed)
      .sort(([ka, a], [kb, b]) => a.met / a.assessed - b.met / b.assessed || ka.localeCompare(kb))
      .slice(0, 5)
      .map(([key, t]) => ({ ...outcomeOf(...split(key)), met: t.met, assessed: t.assessed }));
    return {
      learners: learners.map((l) => {
        const mine = byLearner.get(l.agentIfi);
        const graded = mine?.attempts ?? [];
        return {
          learnerId: l.learnerId,
          name: l.name,
          started: l.started,
          certified: l.certified,
          certificateCode: l.certificateCode,
          modules: l.modules,
          modulesDone: l.modules.filter((m) => m.completedAt !== null).length,
          checksDone: l.modules.filter((m) => m.score !== null).length,
          attempts: graded.length,
          passed: graded.some((a) => a.passed),
          bestScore: graded.length === 0 ? null : Math.max(...graded.map((a) => a.scaled)),
          outcomesNotMet:
            mine === undefined
              ? null
              : [...mine.met.entries()]
                  .filter(([, ok]) => !ok)
                  .map(([k]) => outcomeOf(...split(k))),
        };
      }),
      weakest,
    };
  }

  /** Certificates issued per month to the matching learners (valid or since expired). */
  certifiedOverTime(filters: ReportFilters): Promise<{ month: string; certified: number }[]> {
    return this.#svc.platform.reports.certifiedPerMonth(filters);
  }

  /**
   * One learner in detail: profile, each required module (completed, knowledge-check score) and
   * the graded attempts; null for an unknown learner.
   */
  async learner(learnerId: string) {
    const { platform } = this.#svc;
    const learner = await platform.learners.byId(learnerId);
    if (learner === null) return null;
    const ifi = learner.agentIfi;
    const [modules, attempts, certificates] = await Promise.all([
      this.moduleProgress([ifi], learner.trackId),
      platform.attempts.ofLearner(ifi),
      platform.certificates.ofLearner(ifi),
    ]);
    return {
      profile: {
        learnerId,
        ...serviceRecord(learner),
        cohort: learner.cohort,
        enrolledAt: learner.enrolledAt,
      },
      track: learner.trackId,
      modules: modules.get(ifi) ?? [],
      attempts: attempts.flatMap((a) =>
        a.grade === null
          ? []
          : [{ passed: a.grade.passed, scaled: a.grade.scaled, at: a.grade.submittedAt }],
      ),
      certificates: certificates.map((c) => ({
        code: groupCode(c.code),
        track: c.trackId,
        issuedAt: c.issuedAt,
        expiresAt: c.expiresAt,
        valid: new Date(c.expiresAt).getTime() > Date.now(),
      })),
    };
  }

  /** For each learner (by agent IFI), each required module of the track: completed when, latest check score. */
  async moduleProgress(
    ifis: string[],
    trackId: string | null,
  ): Promise<Map<string, ModuleProgress[]>> {
    const track = trackId === null ? undefined : this.#svc.track(trackId);
    const result = new Map<string, ModuleProgress[]>();
    if (track === undefined || ifis.length === 0) return result;
    const modules = track.rule.requiredModules;
    const results = await this.#svc.store.latestResults({
      agents: ifis,
      activityIds: modules.map((m) => this.#svc.moduleIri(m)),
      verbs: [VERBS.completed, VERBS.passed, VERBS.failed],
    });
    for (const ifi of ifis) {
      const mine = results.filter((r) => r.agentIfi === ifi);
      result.set(
        ifi,
        modules.map((m) => {
          const completed = mine.find(
            (r) => r.activityId === this.#svc.moduleIri(m) && r.verbId === VERBS.completed,
          );
          // The knowledge check's latest scored result: the tracker records passed or failed on
          // the module activity, naming the quiz in contextActivities.other.
          const scored = mine
            .filter(
              (r) =>
                r.activityId === this.#svc.moduleIri(m) &&
                r.verbId !== VERBS.completed &&
                r.latestScaled !== null,
            )
            .sort((a, b) => a.latestStored.localeCompare(b.latestStored))
            .at(-1);
          return {
            module: m,
            completedAt: completed?.firstStored ?? null,
            score: scored?.latestScaled ?? null,
          };
        }),
      );
    }
    return result;
  }
}
