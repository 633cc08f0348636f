import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Shares of statement batches the proxy disturbs, each from 0 to 1 (the rest pass untouched). */
export interface Faults {
  /** Cut the connection before the LRS sees the batch. */
  drop: number;
  /** Let the LRS store the batch, then cut the connection before the answer: a lost ack. */
  dropAnswer: number;
  /** Answer 500 without forwarding. */
  error: number;
  /** Hold the batch up to `maxDelayMs` before forwarding. */
  delay: number;
  maxDelayMs: number;
  /**
   * Disturb the first this-many batches for certain, in turn a drop, a 500 and a lost answer,
   * before leaving it to chance: each kind of fault is met however the sender groups batches.
   */
  forceFirst?: number;
}

/** A proxy in front of the service that disturbs POST /xapi/statements as told. */
export interface FaultProxy {
  url: string;
  faults: Faults;
  /** Every statement id in every batch that reached the LRS, in order (repeats included). */
  forwarded: string[];
  /** How many batches each fault hit. */
  hits: Record<'drop' | 'dropAnswer' | 'error' | 'delay' | 'clean', number>;
  close(): Promise<void>;
}

const NONE: Faults = { drop: 0, dropAnswer: 0, error: 0, delay: 0, maxDelayMs: 0 };

/** Starts a proxy on 127.0.0.1 forwarding everything to `target`. */
export async function startFaultProxy(target: string, random = Math.random): Promise<FaultProxy> {
  const upstream = new URL(target);
  const proxy: FaultProxy = {
    url: '',
    faults: { ...NONE },
    forwarded: [],
    hits: { drop: 0, dropAnswer: 0, error: 0, delay: 0, clean: 0 },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };

  const forward = (
    request: http.IncomingMessage,
    body: Buffer,
    reply: (status: number, headers: http.IncomingHttpHeaders, data: Buffer) => void,
    onError: () => void,
  ) => {
    const out = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: upstream.host },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          reply(response.statusCode ?? 502, response.headers, Buffer.concat(chunks));
        });
      },
    );
    out.on('error', onError);
    out.end(body);
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const send = (status: number, headers: http.IncomingHttpHeaders, data: Buffer) => {
        response.writeHead(status, headers);
        response.end(data);
      };
      const fail = () => {
        response.destroy();
      };
      const isBatch =
        request.method === 'POST' && (request.url ?? '').split('?')[0] === '/xapi/statements';
      if (!isBatch) {
        forward(request, body, send, fail);
        return;
      }
      const ids = (): string[] => {
        try {
          const parsed = JSON.parse(body.toString('utf8')) as { id?: string }[] | { id?: string };
          return (Array.isArray(parsed) ? parsed : [parsed]).map((s) => s.id ?? '');
        } catch {
          return [];
        }
      };
      const { drop, dropAnswer, error, delay, maxDelayMs, forceFirst = 0 } = proxy.faults;
      const disturbed = proxy.hits.drop + proxy.hits.error + proxy.hits.dropAnswer;
      // A forced roll lands inside the chosen fault's share: drop, then error, then lost answer.
      const forced = [0, drop, drop + error][disturbed % 3] ?? 0;
      const roll = disturbed < forceFirst ? forced : random();
      if (roll < drop) {
        proxy.hits.drop += 1;
        fail();
        return;
      }
      if (roll < drop + error) {
        proxy.hits.error += 1;
        send(500, { 'content-type': 'application/json' }, Buffer.from('{"message":"injected"}'));
        return;
      }
      const lostAnswer = roll < drop + error + dropAnswer;
      const wait = roll < drop + error + dropAnswer + delay ? random() * maxDelayMs : 0;
      if (lostAnswer) proxy.hits.dropAnswer += 1;
      else if (wait > 0) proxy.hits.delay += 1;
      else proxy.hits.clean += 1;
      setTimeout(() => {
        forward(
          request,
          body,
          (status, headers, data) => {
            if (status === 200) proxy.forwarded.push(...ids());
            if (lostAnswer) fail();
            else send(status, headers, data);
          },
          fail,
        );
      }, wait);
    });
  });
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
