import { afterAll, describe, expect, it } from 'vitest';
import { basicAuth, make, q, sleep, storeKinds, type ServiceEnv } from './helpers.ts';
import { exited, startService, type ServiceProcess } from './process-helpers.ts';

// The embedded store is the one whose durability is the LRS's own; with DATABASE_URL the same
// test checks that a killed instance loses nothing that PostgreSQL acknowledged.
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

  // Starting a service twice and creating a data folder take long on a busy machine.
  it('keeps every acknowledged statement after SIGKILL mid-ingest', async () => {
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
    const url = service.url;
    let stop = false;
    const writer = async (batch: number) => {
      while (!stop) {
        const list = Array.from({ length: batch }, answer);
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
    while (acked.size <= 50 && Date.now() < underWay) await sleep(20);
    await sleep(Math.floor(Math.random() * 1200));
    service.child.kill('SIGKILL');
    await exited(service.child);
    stop = true;
    await Promise.all(writers);
    expect(acked.size).toBeGreaterThan(50);

    service = await startService(setup.env);
    const found = new Map<string, Record<string, unknown>>();
    let next = `/xapi/statements?agent=${q(actor)}&limit=500`;
    while (next !== '') {
      const res = await fetch(`${service.url}${next}`, { headers });
      expect(res.status).toBe(200);
      const page = (await res.json()) as { statements: Record<string, unknown>[]; more: string };
      for (const s of page.statements) found.set(String(s.id), s);
      next = page.more;
    }
    const missing = [...acked.keys()].filter((id) => !found.has(id));
    expect(missing, 'acknowledged statements missing after the crash').toEqual([]);
    for (const [id, sent] of acked) {
      expect(found.get(id)?.result, id).toEqual(sent.result);
      expect(found.get(id)?.object, id).toEqual(sent.object);
    }
    service.child.kill('SIGTERM');
    await exited(service.child);
    service = undefined;
  }, 180_000);
});
