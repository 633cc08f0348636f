import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { basicAuth, createCredential, storeKinds, startServer } from './helpers.ts';

/** Opens a connection and sends `text`, leaving the request unfinished; resolves once sent. */
function stalled(url: string, text: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(text, () => {
        resolve(socket);
      });
    });
    socket.on('error', reject);
  });
}

/** Resolves with 'closed' when `closing` settles, or 'still waiting' after `ms`. */
function within(closing: Promise<unknown>, ms: number): Promise<'closed' | 'still waiting'> {
  return Promise.race([
    closing.then(() => 'closed' as const),
    new Promise<'still waiting'>((resolve) =>
      setTimeout(() => {
        resolve('still waiting');
      }, ms),
    ),
  ]);
}

// A client that starts a request and never finishes it (its body, or its headers) must not
// hold the service's close: the close cuts it after a grace, and so a restart is not kept
// waiting for Node's 300-second request timeout with the data folder locked.
for (const kind of storeKinds()) {
  describe(`closing with unfinished requests (${kind.name})`, () => {
    it('cuts requests that never finish after the grace, and closes', async () => {
      const opened = await kind.open();
      try {
        const server = await startServer(opened.store, { shutdownGraceMs: 500 });
        const admin = await createCredential(opened.store, ['all']);
        const body = await stalled(
          server.url,
          'POST /xapi/statements HTTP/1.1\r\nHost: x\r\n' +
            `Authorization: ${basicAuth(admin.key, admin.secret)}\r\n` +
            'X-Experience-API-Version: 1.0.3\r\nContent-Type: application/json\r\n' +
            'Content-Length: 1000\r\n\r\n{"actor":',
        );
        const headers = await stalled(server.url, 'GET /xapi/about HTTP/1.1\r\nHost: x\r\n');
        const ended = [body, headers].map(
          (s) =>
            new Promise<void>((resolve) =>
              s.on('close', () => {
                resolve();
              }),
            ),
        );
        expect(await within(server.close(), 20_000)).toBe('closed');
        await Promise.all(ended);
      } finally {
        await opened.cleanup();
      }
    }, 60_000);
  });
}
