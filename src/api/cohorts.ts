// The cohort API's limits and the shape of PATCH /api/cohorts/:code's answer, shared by the
// service and the trainer's dashboard.

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
