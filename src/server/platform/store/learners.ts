import type { ServiceRecord } from '../../../api/reports.ts';
import { firstRow } from '../../db/rows.ts';
import type { SqlDatabase } from '../../db/sql-database.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';
import { personKey } from './person-key.ts';
import { admission, type Cohort, type Refusal } from './cohorts.ts';

/** What a learner gave at enrolment, and the track it puts them on. */
export interface LearnerProfile extends ServiceRecord {
  language: string;
  /** The cohort code a trainer gave them, if any. */
  cohort: string | null;
  /** The certification track: the cohort's, else the one for their role; null if none. */
  trackId: string | null;
}

/** An enrolled learner. */
export interface Learner extends LearnerProfile {
  /** The opaque id, the name of their xAPI account on the site. */
  learnerId: string;
  /** The identifier (IFI) of their Agent, as the LRS indexes statements by. */
  agentIfi: string;
  /** The Agent their statements carry. */
  actor: JsonObject;
  /** The registration their tracker uses. */
  registration: string;
  enrolledAt: string;
}

/** The service record's columns of a learners row. */
export interface ServiceRecordRow {
  name: string;
  service_number: string;
  mission: string;
  country: string;
  unit: string;
  role: string;
}

/** The service record of a learners row, as reports and the learner's own record show it. */
export function serviceRecordOf(row: ServiceRecordRow): ServiceRecord {
  return {
    name: row.name,
    serviceNumber: row.service_number,
    mission: row.mission,
    country: row.country,
    unit: row.unit,
    role: row.role,
  };
}

/** Just the service record of a learner or a report line, for answers that show no more. */
export function serviceRecord(from: ServiceRecord): ServiceRecord {
  const { name, serviceNumber, mission, country, unit, role } = from;
  return { name, serviceNumber, mission, country, unit, role };
}

interface LearnerRow extends ServiceRecordRow {
  learner_id: string;
  agent_ifi: string;
  actor: JsonObject;
  registration: string;
  track_id: string | null;
  language: string;
  cohort: string | null;
  enrolled_at: Date | string;
}

/** The columns of a learner, as toLearner reads them. */
export const LEARNER_COLUMNS = `learner_id, agent_ifi, actor, registration::text AS registration,
  name, service_number, mission, country, unit, role, track_id, language, cohort, enrolled_at`;

/** A learners row as a Learner. */
export function toLearner(row: LearnerRow): Learner {
  return {
    learnerId: row.learner_id,
    agentIfi: row.agent_ifi,
    actor: row.actor,
    registration: row.registration,
    ...serviceRecordOf(row),
    trackId: row.track_id,
    language: row.language,
    cohort: row.cohort,
    enrolledAt: new Date(row.enrolled_at).toISOString(),
  };
}

/** Why an enrolment was not recorded: the person is enrolled, or their cohort did not admit them. */
export type NotAdded = 'already-enrolled' | Refusal;

/** Enrolled learners and their profiles. */
export class Learners {
  readonly #db: SqlDatabase;

  constructor(db: SqlDatabase) {
    this.#db = db;
  }

  /**
   * Records an enrolment; `enrolledAt` is set from the database clock. One learner per person:
   * nothing is recorded when a learner with the same person key (country code and service
   * number, see personKey) is enrolled already. With a cohort, the enrolment takes one of its
   * seats, under the cohort's lock: nothing is recorded when the cohort is closed or full.
   */
  async add(learner: Omit<Learner, 'enrolledAt'>): Promise<Learner | { notAdded: NotAdded }> {
    return this.#db.transaction(async (tx) => {
      if (learner.cohort !== null) {
        const admitted = await admission(tx, learner.cohort, null);
        if ('refused' in admitted) return { notAdded: admitted.refused };
      }
      const rows = await tx.query<LearnerRow>(
        `INSERT INTO learners (learner_id, agent_ifi, actor, registration, name, service_number,
           mission, country, unit, role, track_id, language, cohort, person_key, cohort_joined_at)
         VALUES ($1, $2, $3::jsonb, $4::uuid, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
           CASE WHEN $13::text IS NULL THEN NULL ELSE now() END)
         ON CONFLICT (person_key) DO NOTHING
         RETURNING ${LEARNER_COLUMNS}`,
        [
          learner.learnerId,
          learner.agentIfi,
          JSON.stringify(learner.actor),
          learner.registration,
          learner.name,
          learner.serviceNumber,
          learner.mission,
          learner.country,
          learner.unit,
          learner.role,
          learner.trackId,
          learner.language,
          learner.cohort,
          personKey(learner.country, learner.serviceNumber),
        ],
      );
      const row = rows[0];
      return row === undefined ? { notAdded: 'already-enrolled' as const } : toLearner(row);
    });
  }

  /**
   * A learner without a cohort takes a seat in one: the cohort must be open, have a seat left and
   * be of the learner's track (a learner without a track takes the cohort's). The learner as they
   * are now, or why not; 'already-enrolled' when they hold a seat in a cohort already.
   */
  async join(
    learnerId: string,
    code: string,
  ): Promise<{ learner: Learner; cohort: Cohort } | { notAdded: NotAdded }> {
    return this.#db.transaction(async (tx) => {
      const current = await tx.query<LearnerRow>(
        `SELECT ${LEARNER_COLUMNS} FROM learners WHERE learner_id = $1 FOR UPDATE`,
        [learnerId],
      );
      const row = current[0];
      if (row === undefined) return { notAdded: 'unknown' as const };
      if (row.cohort !== null) return { notAdded: 'already-enrolled' as const };
      const admitted = await admission(tx, code, row.track_id);
      if ('refused' in admitted) return { notAdded: admitted.refused };
      const updated = await tx.query<LearnerRow>(
        `UPDATE learners SET cohort = $2, track_id = $3, cohort_joined_at = now()
         WHERE learner_id = $1 RETURNING ${LEARNER_COLUMNS}`,
        [learnerId, code, admitted.cohort.trackId],
      );
      const learner = updated[0];
      if (learner === undefined) throw new Error('the learner update returned no row');
      return { learner: toLearner(learner), cohort: admitted.cohort };
    });
  }

  /** A learner by their opaque id, or null. */
  async byId(learnerId: string): Promise<Learner | null> {
    const sql = `SELECT ${LEARNER_COLUMNS} FROM learners WHERE learner_id = $1`;
    return firstRow(this.#db, sql, [learnerId], toLearner);
  }

  /** A learner by the identifier of their Agent, or null. */
  async byAgent(agentIfi: string): Promise<Learner | null> {
    const sql = `SELECT ${LEARNER_COLUMNS} FROM learners WHERE agent_ifi = $1`;
    return firstRow(this.#db, sql, [agentIfi], toLearner);
  }
}
