import type { ServiceRecord } from '../../../api/reports.ts';
import type { SqlClient } from '../../db/sql-database.ts';
import type { JsonObject } from '../../lrs/xapi/types.ts';

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

/**
 * The person a learner is, from the service number ($6) and country ($8): the same expression as
 * the learners_person index of migration 002.
 */
const PERSON_KEY = `lower(regexp_replace($8, '\\s+', '', 'g')) || '/' ||
  lower(regexp_replace($6, '[\\s-]+', '', 'g'))`;

/** Enrolled learners and their profiles. */
export class Learners {
  readonly #db: SqlClient;

  constructor(db: SqlClient) {
    this.#db = db;
  }

  /**
   * Records an enrolment; `enrolledAt` is set from the database clock. One learner per person:
   * null, and nothing recorded, when a learner with the same service number and country (compared
   * without case, spaces or hyphens) is enrolled already.
   */
  async add(learner: Omit<Learner, 'enrolledAt'>): Promise<Learner | null> {
    const rows = await this.#db.query<LearnerRow>(
      `INSERT INTO learners (learner_id, agent_ifi, actor, registration, name, service_number,
         mission, country, unit, role, track_id, language, cohort, person_key)
       VALUES ($1, $2, $3::jsonb, $4::uuid, $5, $6, $7, $8, $9, $10, $11, $12, $13, ${PERSON_KEY})
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
      ],
    );
    const row = rows[0];
    return row === undefined ? null : toLearner(row);
  }

  /** A learner by their opaque id, or null. */
  async byId(learnerId: string): Promise<Learner | null> {
    const rows = await this.#db.query<LearnerRow>(
      `SELECT ${LEARNER_COLUMNS} FROM learners WHERE learner_id = $1`,
      [learnerId],
    );
    return rows[0] === undefined ? null : toLearner(rows[0]);
  }

  /** A learner by the identifier of their Agent, or null. */
  async byAgent(agentIfi: string): Promise<Learner | null> {
    const rows = await this.#db.query<LearnerRow>(
      `SELECT ${LEARNER_COLUMNS} FROM learners WHERE agent_ifi = $1`,
      [agentIfi],
    );
    return rows[0] === undefined ? null : toLearner(rows[0]);
  }
}
