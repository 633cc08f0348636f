// The cohort API's limits and the shapes of its answers, shared by the service and the staff
// dashboards. Types and constants only.

import type { ModuleProgress } from './reports.ts';

/** Seats of a cohort when its trainer sets none. */
export const DEFAULT_SEATS = 40;
/** The most seats a cohort may have. */
export const MAX_SEATS = 200;

/** A cohort's summary, as POST /api/cohorts and PATCH /api/cohorts/:code answer it. */
export interface CohortSummary {
  code: string;
  name: string;
  track: string;
  createdAt: string;
  seats: number;
  /** Learners who hold a seat. */
  learners: number;
  closed: boolean;
  closedAt: string | null;
}

/** A learning outcome, with its text in the asked language. */
export interface GlanceOutcome {
  module: string;
  outcome: string;
  text: string;
}

/** A learner's line in the cohort at a glance. */
export interface GlanceLearner {
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
}

/** What the reports give of a cohort at a glance: its learners and its weakest outcomes. */
export interface CohortGlance {
  learners: GlanceLearner[];
  /** At most five outcomes some assessed learners have not met, the least met first. */
  weakest: (GlanceOutcome & { met: number; assessed: number })[];
}

/** A cohort at a glance, as GET /api/cohorts/:code answers it. */
export interface CohortView
  extends Omit<CohortSummary, 'createdAt' | 'learners' | 'closedAt'>, CohortGlance {
  /** The learners who took a seat, in the order they took it. */
  seatsTaken: { learnerId: string; name: string; serviceNumber: string; joinedAt: string }[];
  /** The track's required modules. */
  modules: string[];
}
