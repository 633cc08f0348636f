import type { JsonObject } from '../xapi/types.ts';
import type { StatementIndex } from '../xapi/statement-index.ts';

/** A validated statement ready to be written, with the columns derived from it. */
export interface NewStatement {
  id: string;
  statement: JsonObject;
  fingerprint: string;
  stored: string;
  index: StatementIndex;
  credentialKey: string;
  /** The client sent no timestamp, so it takes the value of `stored`. */
  timestampFromStored?: boolean;
}

/** The content of an attachment, stored once per sha2 whatever the statements that carry it. */
export interface AttachmentContent {
  /** The SHA-2 of the content, lower-case hex, as the statement's attachment object gives it. */
  sha2: string;
  contentType: string;
  content: Uint8Array;
}

/** What storing a batch of statements returns. */
export interface InsertedStatements {
  /** The ids of all statements, re-sent identical ones included, in order. */
  ids: string[];
  /** X-Experience-API-Consistent-Through as of the commit, read in the same round trip. */
  consistentThrough: string;
}

/** Restricts a read to one credential's own statements (the statements/read/mine scope). */
export interface MineFilter {
  /** The IFI of the authority Agent the LRS records for this credential. */
  authorityIfi: string;
  /** The learner the credential acts for, if any. */
  actorIfi: string | null;
}

/** The filters of a statement query, already validated and canonicalised. */
export interface StatementQuery {
  agentIfi?: string;
  verbId?: string;
  activityId?: string;
  registration?: string;
  relatedActivities: boolean;
  relatedAgents: boolean;
  since?: string;
  until?: string;
  ascending: boolean;
  limit: number;
  /** Continue after this sequence number (exclusive), from a `more` link. */
  afterSeq?: number;
  mine?: MineFilter;
}

/** One page of query results. */
export interface StatementPage {
  statements: JsonObject[];
  lastSeq: number | null;
  hasMore: boolean;
}

/** A stored statement and who stored it. */
export interface StoredStatement {
  statement: JsonObject;
  credentialKey: string;
  actorIfi: string | null;
}

/** Identifies a state document set (stateId absent) or one document. */
export interface StateKey {
  activityId: string;
  agentIfi: string;
  registration: string | null;
}

/** A document of the State resource. */
export interface StoredDocument {
  contentType: string;
  content: Uint8Array;
  etag: string;
  updated: string;
}

/** What a state write puts in place. */
export interface DocumentWrite {
  contentType: string;
  content: Uint8Array;
}

/** Identifies the documents of one Activity Profile or Agent Profile subject. */
export interface ProfileKey {
  kind: 'activity' | 'agent';
  /** The activity id, or the agent's identifier string (agentIfi). */
  subject: string;
}

/** A credential as stored: the secret only as a salted hash. */
export interface CredentialRecord {
  key: string;
  secretHash: string;
  name: string;
  scopes: string[];
  /** The learner this credential acts for; null for service credentials. */
  agent: JsonObject | null;
  agentIfi: string | null;
  createdAt: string;
  revokedAt: string | null;
}

/**
 * Which results to read: statements not voided, with one of `verbs`, whose object is one of
 * `activityIds`, by the agents given (every agent when absent).
 */
export interface ResultQuery {
  activityIds: readonly string[];
  verbs: readonly string[];
  /** Actor identifiers (IFIs). */
  agents?: readonly string[];
}

/** What one agent's statements with one verb about one activity add up to. */
export interface AgentResult {
  agentIfi: string;
  activityId: string;
  verbId: string;
  /** When the first and the latest such statement were stored. */
  firstStored: string;
  latestStored: string;
  /** result.score.scaled of the latest such statement that has one. */
  latestScaled: number | null;
}

/** Per agent, how many distinct activities of each set it has statements with `verb` about. */
export interface ActivityCountQuery {
  verb: string;
  activitySets: readonly (readonly string[])[];
  /** Only these agents (IFIs); every agent when absent. */
  agents?: readonly string[];
}

/** An agent's counts, one per set of ActivityCountQuery.activitySets. */
export interface AgentActivityCounts {
  agentIfi: string;
  counts: number[];
}

/** The storage behind the LRS; PGlite and PostgreSQL implement it with the same SQL. */
export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Stores new statements and the attachment contents sent with them atomically. `stored` is
   * set from the database clock.
   */
  insertStatements(
    statements: NewStatement[],
    attachments?: readonly AttachmentContent[],
  ): Promise<InsertedStatements>;
  /** Attachment contents by sha2; unknown ones are left out. */
  getAttachments(sha2s: readonly string[]): Promise<AttachmentContent[]>;
  /**
   * A time before which every statement that is or will be stored has been committed: the
   * value of X-Experience-API-Consistent-Through.
   */
  consistentThrough(): Promise<string>;
  getStatement(id: string, voided: boolean): Promise<StoredStatement | null>;
  queryStatements(query: StatementQuery): Promise<StatementPage>;
  getState(key: StateKey, stateId: string): Promise<StoredDocument | null>;
  listStateIds(key: StateKey, since: string | null): Promise<string[]>;
  /** Like listStateIds, with the time of the most recently updated document listed. */
  listStateIdsUpdated(
    key: StateKey,
    since: string | null,
  ): Promise<{ ids: string[]; updated: string | null }>;
  /** Runs `update` on the current document under a lock and writes what it returns. */
  writeState(
    key: StateKey,
    stateId: string,
    update: (current: StoredDocument | null) => DocumentWrite,
  ): Promise<void>;
  deleteState(key: StateKey, stateId: string | null): Promise<void>;
  getProfile(key: ProfileKey, profileId: string): Promise<StoredDocument | null>;
  /** Profile ids of a subject, updated after `since` when given, with the latest update. */
  listProfileIds(
    key: ProfileKey,
    since: string | null,
  ): Promise<{ ids: string[]; updated: string | null }>;
  /**
   * Runs `update` on the current profile document under a lock and writes what it returns;
   * `null` from `update` deletes the document.
   */
  writeProfile(
    key: ProfileKey,
    profileId: string,
    update: (current: StoredDocument | null) => DocumentWrite | null,
  ): Promise<void>;
  /** Activity definitions that trusted credentials (`all`, `define`) sent, newest first. */
  activityDefinitions(activityId: string, limit: number): Promise<JsonObject[]>;
  /** Names statements gave the agent with this identifier as actor, newest first, distinct. */
  agentNames(agentIfi: string, limit: number): Promise<string[]>;
  /**
   * Per agent, activity and verb, what the matching statements add up to (first and latest
   * stored, latest score): how a consumer such as the platform's reports reads learners'
   * completions and knowledge-check scores.
   */
  latestResults(query: ResultQuery): Promise<AgentResult[]>;
  /**
   * Every agent that some statement names directly (as actor or object), or only the agents
   * given, with how many distinct activities of each set it has non-voided statements with the
   * verb about: a learner's progress through a track's modules, for many learners at once.
   */
  activityCounts(query: ActivityCountQuery): Promise<AgentActivityCounts[]>;
  createCredential(record: CredentialRecord): Promise<void>;
  findCredential(key: string): Promise<CredentialRecord | null>;
  listCredentials(): Promise<CredentialRecord[]>;
  revokeCredential(key: string): Promise<boolean>;
  close(): Promise<void>;
}
