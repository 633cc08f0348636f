import { afterAll, describe, expect, it } from 'vitest';
import { basicAuth, make, q, sleep, storeKinds, type ServiceEnv } from './helpers.ts';
import { exited, startService, type ServiceProcess } from './process-helpers.ts';

// SIGKILL at random moments under concurrent ingest, several times over: every statement the
// service answered 200 for is stored, once, with the content sent. On the embedded store this is
// the LRS's own durability; on PostgreSQL, that a killed instance loses nothing acknowledged.
const KILLS = 3;
const CLIENTS = 6;

describe.each(storeKinds())('crash safety on $name', (kind) => {
  let setup: ServiceEnv | undefined;
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    if (service) {
      service.child.kill('SIGKILL');
      await exited(service.child);
    }
    await setup?.cleanup();
  });

  it(`keeps every acknowledged statement, once, through ${KILLS} SIGKILLs mid-ingest`, async () => {
    setup = await kind.serviceEnv();
    service = await startService(setup.env);
    // The first start prints the credential it made.
    const key = /key:\s+(\S+)/.exec(service.output())?.[1] ?? '';
    const secret = /secret:\s+(\S+)/.exec(service.output())?.[1] ?? '';
    expect(key).not.toBe('');
    expect(secret).not.toBe('');
    const headers = {
      Authorization: basicAuth(key, secret),
      'X-Experience-API-Version': '1.0.3',
      'Content-Type': 'application/json',
    };
    const actor = make.agent();
    const acked = new Map<string, Record<string, unknown>>();
    const answer = () => ({
      id: make.uuid(),
      actor,
      verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
      object: { id: make.activity('q') },
      result: { response: make.uuid() },
    });

    for (let round = 0; round < KILLS; round++) {
      if (round > 0) service = await startService(setup.env);
      const { url, child } = service;
      let stop = false;
      // A client posts batches of 1 to 10 until the process is gone.
      const client = async () => {
        while (!stop) {
          const list = Array.from({ length: 1 + Math.floor(Math.random() * 10) }, answer);
          try {
            const res = await fetch(`${url}/xapi/statements`, {
              method: 'POST',
              headers,
              body: JSON.stringify(list.length === 1 ? list[0] : list),
            });
            if (res.status === 200) for (const s of list) acked.set(s.id, s);
            else expect(res.status).toBe(503);
          } catch {
            return; // The process is gone: this request was never acknowledged.
          }
        }
      };
      const before = acked.size;
      const clients = Array.from({ length: CLIENTS }, client);
      // Kill at a random moment once ingest is under way (however slow a loaded machine makes
      // it): after 20 more acknowledgements, then up to 0.8 s more.
      const underWay = Date.now() + 30_000;
      while (acked.size < before + 20 && Date.now() < underWay) await sleep(10);
      await sleep(Math.floor(Math.random() * 800));
      child.kill('SIGKILL');
      await exited(child);
      stop = true;
      await Promise.all(clients);
      expect(acked.size).toBeGreaterThan(before);
    }

    service = await startService(setup.env);
    const found = new Map<string, Record<string, unknown>>();
    let listed = 0;
    let next = `/xapi/statements?agent=${q(actor)}&limit=500`;
    while (next !== '') {
      const res = await fetch(`${service.url}${next}`, { headers });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { statements: Record<string, unknown>[]; more: string };
      for (const s of page.statements) found.set(String(s.id), s);
      listed += page.statements.length;
      next = page.more;
    }
    expect(listed, 'a statement listed twice').toBe(found.size);
    const missing = [...acked.keys()].filter((id) => !found.has(id));
    expect(missing, 'acknowledged statements missing after the crashes').toEqual([]);
    for (const [id, sent] of acked) {
      expect(found.get(id)?.result, id).toEqual(sent.result);
      expect(found.get(id)?.object, id).toEqual(sent.object);
    }
    service.child.kill('SIGTERM');
    await exited(service.child);
    service = undefined;
  }, 180_000);
});
