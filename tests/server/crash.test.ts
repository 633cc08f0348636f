import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, startService, type ServiceProcess } from './process-helpers.ts';

// The embedded store is the one whose durability is the LRS's own; with DATABASE_URL the same
// test checks that a killed instance loses nothing that PostgreSQL acknowledged.
const targets = [
  { name: 'pglite', env: { DATABASE_URL: '' } as Record<string, string> },
  ...(process.env.DATABASE_URL
    ? [
        {
          name: 'postgres',
          env: {
            DATABASE_URL: process.env.DATABASE_URL,
            DATABASE_SCHEMA: `lrs_crash_${randomUUID().slice(0, 8)}`,
          },
        },
      ]
    : []),
];

describe.each(targets)('crash safety on $name', ({ env }) => {
  let dataDir = '';
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    if (service) {
      service.child.kill('SIGKILL');
      await exited(service.child);
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    if (env.DATABASE_URL && env.DATABASE_SCHEMA !== undefined) {
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${env.DATABASE_SCHEMA} CASCADE`);
      await client.end();
    }
  });

  // Starting a service twice and creating a data folder take long on a busy machine.
  it('keeps every acknowledged statement after SIGKILL mid-ingest', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'lrs-crash-'));
    const fullEnv = { DATA_DIR: dataDir, ...env };
    service = await startService(fullEnv);
    const key = /key:\s+(\S+)/.exec(service.output())?.[1];
    const secret = /secret:\s+(\S+)/.exec(service.output())?.[1];
    expect(key).toBeDefined();
    const headers = {
      Authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`,
      'X-Experience-API-Version': '1.0.3',
      'Content-Type': 'application/json',
    };
    const actor = { mbox: `mailto:${randomUUID()}@example.org` };
    const acked = new Map<string, Record<string, unknown>>();
    const make = () => ({
      id: randomUUID(),
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: `https://peacekeeping.example.org/q/${randomUUID()}` },
      result: { response: randomUUID() },
    });
    const url = service.url;
    let stop = false;
    const writer = async (batch: number) => {
      while (!stop) {
        const list = Array.from({ length: batch }, make);
        try {
          const res = await fetch(`${url}/xapi/statements`, {
            method: 'POST',
            headers,
            body: JSON.stringify(batch === 1 ? list[0] : list),
          });
          if (res.status === 200) for (const s of list) acked.set(s.id, s);
        } catch {
          return; // The process is gone: this request was never acknowledged.
        }
      }
    };
    const writers = [writer(1), writer(1), writer(10), writer(25)];
    // Kill at a random moment once ingest is well under way: after the first 50 acknowledgements
    // (however slow a loaded machine makes them), then up to 1.2 s more.
    const underWay = Date.now() + 60_000;
    while (acked.size <= 50 && Date.now() < underWay) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 1200)));
    service.child.kill('SIGKILL');
    await exited(service.child);
    stop = true;
    await Promise.all(writers);
    expect(acked.size).toBeGreaterThan(50);

    service = await startService(fullEnv);
    const found = new Map<string, Record<string, unknown>>();
    let next = `/xapi/statements?agent=${encodeURIComponent(JSON.stringify(actor))}&limit=500`;
    while (next !== '') {
      const res = await fetch(`${service.url}${next}`, { headers });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { statements: Record<string, unknown>[]; more: string };
      for (const s of page.statements) found.set(String(s.id), s);
      next = page.more;
    }
    for (const [id, sent] of acked) {
      const got = found.get(id);
      expect(got, `acknowledged statement ${id} is missing`).toBeDefined();
      expect(got?.result).toEqual(sent.result);
      expect(got?.object).toEqual(sent.object);
    }
    service.child.kill('SIGTERM');
    await exited(service.child);
    service = undefined;
  }, 180_000);
});
