import XAPI from '@xapi/xapi';
import type { Transport } from './outbox.ts';

/** An HTTP error answer, with its status kept (the library's own fetch adapter drops it). */
class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** The record store's own message ({ message } as JSON), else the start of the body. */
function messageOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: the text itself is the best message there is.
  }
  return body.slice(0, 300);
}

// A request that hangs on a weak link must end so the outbox can retry it.
const TIMEOUT_MS = 30_000;

/** What @xapi/xapi hands an adapter (its own type for it is not exported). */
interface AdapterRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  data?: unknown;
}

/**
 * The adapter @xapi/xapi sends with. Without `auth` the library would still send an empty Basic
 * value (its `Authorization` header), which the service would take over the session cookie: it
 * is dropped and the session's own headers (`extra`) sent instead. The cookie goes with
 * same-origin calls only.
 */
const fetchAdapter =
  (extra: Record<string, string> | undefined) =>
  async ({ url, method, data, headers = {} }: AdapterRequest) => {
    const sent = { ...headers, ...extra };
    if (extra !== undefined) delete sent.Authorization;
    const response = await fetch(url, {
      method,
      headers: sent,
      body: data === undefined ? null : JSON.stringify(data),
      signal: AbortSignal.timeout(TIMEOUT_MS),
      credentials: 'same-origin',
    });
    const text = await response.text();
    if (!response.ok) throw new HttpError(response.status, messageOf(text));
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // A 204 or a plain body stays text.
    }
    return {
      data: parsed,
      headers: Object.fromEntries(response.headers.entries()),
      status: response.status,
    };
  };

/**
 * Sends batches with @xapi/xapi. This module is loaded on the first send only (see sync.ts), so
 * the library costs nothing on pages that never send. `headers` sign the calls in (see
 * sessionHeaders in learner.ts). HTTP errors come back as a status and message; network errors
 * throw.
 */
export function xapiTransport(endpoint: string, headers: Record<string, string>): Transport {
  const auth = headers.Authorization;
  const xapi = new XAPI({
    endpoint,
    ...(auth === undefined ? {} : { auth }),
    version: '1.0.3',
    adapter: fetchAdapter(auth === undefined ? headers : undefined) as never,
  });
  return async (statements) => {
    try {
      const response = await xapi.sendStatements({ statements: statements as never });
      return { status: response.status, message: '' };
    } catch (error) {
      if (error instanceof HttpError) return { status: error.status, message: error.message };
      throw error;
    }
  };
}
