// The shapes of the platform's report API (/api/reports/...), shared by the service that answers
// and the dashboards that read it. Types only: nothing here runs in either place.

/** What a learner gave about their service at enrolment. */
export interface ServiceRecord {
  name: string;
  serviceNumber: string;
  mission: string;
  country: string;
  unit: string;
  role: string;
}

/** Counts for a group of learners, or for all of them. */
export interface ReportTotals {
  enrolled: number;
  started: number;
  completed: number;
  certified: number;
}

/** Counts for one group of learners (one mission, country, unit, role, track or cohort). */
export interface ReportGroup extends ReportTotals {
  key: string;
}

/** One learner's line in a report. */
export interface ReportLearner extends ServiceRecord {
  learnerId: string;
  cohort: string | null;
  track: string | null;
  enrolledAt: string;
  started: boolean;
  modulesDone: number;
  modulesRequired: number;
  completed: boolean;
  certificateCode: string | null;
  certifiedAt: string | null;
  expiresAt: string | null;
}

/** A learner's progress through one required module. */
export interface ModuleProgress {
  module: string;
  /** When the learner first completed it, or null. */
  completedAt: string | null;
  /** The latest scaled score of its knowledge check, or null. */
  score: number | null;
}

/** A learning outcome, with its text in the asked language. */
export interface GlanceOutcome {
  module: string;
  outcome: string;
  text: string;
}

/** A cohort at a glance (GET /api/cohorts/:code). */
export interface CohortGlance {
  learners: {
    learnerId: string;
    name: string;
    started: boolean;
    certified: boolean;
    certificateCode: string | null;
    modules: ModuleProgress[];
    modulesDone: number;
    /** Required modules whose knowledge check has a score. */
    checksDone: number;
    /** Graded assessment attempts on the cohort's track. */
    attempts: number;
    passed: boolean;
    bestScore: number | null;
    /** Outcomes not met in any graded attempt; null before the first. */
    outcomesNotMet: GlanceOutcome[] | null;
  }[];
  /** At most five outcomes some assessed learners have not met, the least met first. */
  weakest: (GlanceOutcome & { met: number; assessed: number })[];
}
