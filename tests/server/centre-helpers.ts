// A training centre's records for the backup and export tests: a store of either kind that the
// command-line tools can reach (its DATA_DIR or DATABASE_URL + DATABASE_SCHEMA), filled over HTTP
// with statements (one voided, two with attachments), documents of the three kinds, credentials,
// staff, a cohort, learners, attempts and a certificate; and every table's rows, to compare two
// stores row for row.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { countRows } from '../../src/server/db/dump.ts';
import { databaseOf, openStore } from '../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../src/server/lrs/store/types.ts';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import type { PlatformStore } from '../../src/server/platform/store/platform-store.ts';
import {
  api,
  catalogOf,
  certificationStatus,
  completeModules,
  enrol,
  POLICE,
  sitAttempt,
  SITE,
  startPlatform,
  trackIn,
} from './certification-helpers.ts';
import {
  createCredential,
  dropSchema,
  newSchema,
  newTempDir,
  postgresUrl,
  removeDir,
  xapi,
  type TestCredential,
  type TestServer,
} from './helpers.ts';
import { attachmentObject, sendMultipart } from './multipart-helpers.ts';
import { runCli } from './process-helpers.ts';

export type CentreKind = 'pglite' | 'postgres';

/** A store of one kind and the settings that point the command-line tools at it. */
export interface CentreStore {
  kind: CentreKind;
  env: Record<string, string>;
  /** Opens the store (the embedded one allows one opener at a time). */
  open(): Promise<Store>;
  /** Removes the folder or schema. */
  cleanup(): Promise<void>;
}

/** A fresh, empty place for a store of `kind` (nothing created until it is opened). */
export async function newCentreStore(kind: CentreKind): Promise<CentreStore> {
  const dir = await newTempDir('lrs-centre-');
  if (kind === 'pglite') {
    const dataDir = `${dir}/data`;
    return {
      kind,
      env: { DATA_DIR: dataDir, DATABASE_URL: '' },
      open: () => openStore({ dataDir }),
      cleanup: () => removeDir(dir),
    };
  }
  const url = postgresUrl();
  const schema = newSchema('lrs_centre');
  return {
    kind,
    env: { DATA_DIR: `${dir}/data`, DATABASE_URL: url, DATABASE_SCHEMA: schema },
    open: () => openStore({ databaseUrl: url, schema }),
    async cleanup() {
      await dropSchema(url, schema);
      await removeDir(dir);
    },
  };
}

/** Runs src/server/backup-cli.ts with a command, on the store `env` points at. */
export function runBackupCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(args, env, 'backup');
}

/** What fillCentre wrote, to look for after a restore. */
export interface CentreRecords {
  client: TestCredential;
  statementIds: string[];
  voidedId: string;
  attachmentShas: string[];
  learnerIds: string[];
  learnerAuthorization: string;
  certificateCode: string;
  attemptIds: string[];
}

const VERB = { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { en: 'experienced' } };

/** Fills a centre over HTTP (and the staff account and cohort through the repository). */
export async function fillCentre(
  server: TestServer,
  store: Store,
  platform: PlatformStore,
): Promise<CentreRecords> {
  const client = await createCredential(store, ['all']);
  const agent = { mbox: 'mailto:observer@example.org', name: 'Observer' };
  const statementIds: string[] = [];
  const statements = Array.from({ length: 25 }, (_, i) => {
    const id = randomUUID();
    statementIds.push(id);
    return {
      id,
      actor: agent,
      verb: VERB,
      object: { id: `${SITE}/xapi/activities/page/${i}` },
      context: { registration: randomUUID(), extensions: { 'https://example.org/n': i } },
      result: { score: { scaled: i / 25 } },
    };
  });
  const posted = await xapi(server, client, '/xapi/statements', { body: statements });
  expect(posted.status, posted.text).toBe(200);
  const voidedId = statementIds[3] ?? '';
  const voiding = randomUUID();
  statementIds.push(voiding);
  const voided = await xapi(server, client, '/xapi/statements', {
    body: {
      id: voiding,
      actor: agent,
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } },
      object: { objectType: 'StatementRef', id: voidedId },
    },
  });
  expect(voided.status, voided.text).toBe(200);
  const contents = [Buffer.from('field notes, page one'), Buffer.alloc(200_000, 7)];
  const withAttachments = randomUUID();
  statementIds.push(withAttachments);
  const sent = await sendMultipart(
    server,
    client,
    '/xapi/statements',
    {
      id: withAttachments,
      actor: agent,
      verb: VERB,
      object: { id: `${SITE}/xapi/activities/notes` },
      attachments: contents.map((c) => attachmentObject(c)),
    },
    contents.map((content) => ({ content })),
  );
  expect(sent.status, sent.text).toBe(200);
  const agentParam = encodeURIComponent(JSON.stringify(agent));
  const activity = encodeURIComponent(`${SITE}/xapi/activities/notes`);
  for (const [path, headers] of [
    [`/xapi/activities/state?activityId=${activity}&agent=${agentParam}&stateId=progress`, {}],
    [
      `/xapi/activities/profile?activityId=${activity}&profileId=settings`,
      { 'If-None-Match': '*' },
    ],
    [`/xapi/agents/profile?agent=${agentParam}&profileId=preferences`, { 'If-None-Match': '*' }],
  ] as const) {
    const put = await xapi(server, client, path, {
      method: 'PUT',
      body: { path, bytes: 'é€😀' },
      headers,
    });
    expect(put.status, put.text).toBe(204);
  }
  const binary = await xapi(
    server,
    client,
    `/xapi/activities/state?activityId=${activity}&agent=${agentParam}&stateId=photo`,
    {
      method: 'PUT',
      raw: Buffer.from([0, 1, 2, 255, 254, 0x5c, 0x78]),
      headers: { 'Content-Type': 'image/png' },
    },
  );
  expect(binary.status, binary.text).toBe(204);

  // The platform: a trainer and a cohort, learners enrolled in it, a pass with a certificate and
  // a fail.
  const trainer = await createStaffUser(
    platform.staff,
    'trainer-amina',
    'trainer',
    'p4ssw0rd-long',
  );
  await platform.cohorts.create({
    code: 'DAKAR-2026-03',
    name: 'Dakar, March 2026',
    trackId: POLICE,
    createdBy: trainer.id,
    seats: 40,
  });
  const catalog = await catalogOf();
  const track = trackIn(catalog, POLICE);
  const passer = await enrol(server, { name: 'Jean Mukendi', cohort: 'DAKAR-2026-03' });
  const failer = await enrol(server, { name: 'Awa Traoré', cohort: 'DAKAR-2026-03' });
  const passed = await sitAttempt(server, passer, track, true);
  const failed = await sitAttempt(server, failer, track, false);
  await completeModules(server, passer, track.rule.requiredModules);
  const status = await certificationStatus(server, passer);
  const certificate = (status.json as { certificate: { code: string } | null }).certificate;
  expect(certificate, status.text).not.toBeNull();
  return {
    client,
    statementIds,
    voidedId,
    attachmentShas: contents.map((c) => attachmentObject(c).sha2 as string),
    learnerIds: [passer.learnerId, failer.learnerId],
    learnerAuthorization: passer.authorization,
    certificateCode: certificate?.code ?? '',
    attemptIds: [passed.started.attempt, failed.started.attempt],
  };
}

/** Fills a fresh centre store through the service (see fillCentre), closed after. */
export async function fillNewCentre(centre: CentreStore): Promise<CentreRecords> {
  const store = await centre.open();
  try {
    const { server, platform } = await startPlatform(store);
    try {
      return await fillCentre(server, store, platform);
    } finally {
      await server.close();
    }
  } finally {
    await store.close();
  }
}

/**
 * Exports `from` to `file` and imports it into the empty `to` with the command-line tool; every
 * row arrives as it was, and the centre works there (checkCentre).
 */
export async function moveCentre(
  from: CentreStore,
  to: CentreStore,
  file: string,
  records: CentreRecords,
): Promise<void> {
  const rows = await rowsOf(from);
  const exported = await runBackupCli(['export', file], from.env);
  expect(exported.code, exported.stderr).toBe(0);
  const imported = await runBackupCli(['import', file], to.env);
  expect(imported.code, imported.stderr + imported.stdout).toBe(0);
  expect(await rowsOf(to)).toEqual(rows);
  await checkCentre(to, records);
}

/** Every table's rows as PostgreSQL's JSON text (timestamps in UTC), sorted, per table. */
export async function tableRows(db: SqlDatabase): Promise<Record<string, string[]>> {
  return db.transaction(async (tx) => {
    await tx.query("SET LOCAL TimeZone = 'UTC'");
    const rows: Record<string, string[]> = {};
    for (const table of Object.keys(await countRows(tx))) {
      const found = await tx.query<{ j: string }>(
        `SELECT row_to_json(t)::text AS j FROM "${table}" t ORDER BY 1`,
      );
      rows[table] = found.map((r) => r.j);
    }
    return rows;
  });
}

/** The rows of a store opened for a moment (the embedded one must not be open elsewhere). */
export async function rowsOf(centre: CentreStore): Promise<Record<string, string[]>> {
  const store = await centre.open();
  try {
    return await tableRows(databaseOf(store));
  } finally {
    await store.close();
  }
}

/**
 * Checks a restored or imported centre over HTTP: the certificate verifies, the learner's
 * credential signs in and sees it, the voided statement stays voided, and a new statement is
 * stored.
 */
export async function checkCentre(centre: CentreStore, records: CentreRecords): Promise<void> {
  const store = await centre.open();
  try {
    const { server } = await startPlatform(store);
    try {
      const verified = await api(server, `/api/certificates/${records.certificateCode}`);
      expect(verified.status, verified.text).toBe(200);
      expect(verified.json).toMatchObject({ code: records.certificateCode, status: 'valid' });
      const status = await api(server, `/api/certification/${POLICE}/status`, {
        authorization: records.learnerAuthorization,
      });
      expect(status.status, status.text).toBe(200);
      expect(status.json).toMatchObject({ certificate: { code: records.certificateCode } });
      const byId = `/xapi/statements?statementId=${records.voidedId}`;
      expect((await xapi(server, records.client, byId)).status).toBe(404);
      const asVoided = `/xapi/statements?voidedStatementId=${records.voidedId}`;
      const voided = await xapi(server, records.client, asVoided);
      expect(voided.status, voided.text).toBe(200);
      const fresh = await xapi(server, records.client, '/xapi/statements', {
        body: {
          actor: { mbox: 'mailto:after@example.org' },
          verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
          object: { id: `https://example.org/after-restore/${randomUUID()}` },
        },
      });
      expect(fresh.status, fresh.text).toBe(200);
    } finally {
      await server.close();
    }
  } finally {
    await store.close();
  }
}
