/** An error that maps onto an HTTP status and a message meant for the client. */
export class LrsError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'LrsError';
    this.status = status;
  }
}

/** Builds a 400 Bad Request error. */
export function badRequest(message: string): LrsError {
  return new LrsError(400, message);
}

/** Builds a 401 Unauthorized error. */
export function unauthorized(message: string): LrsError {
  return new LrsError(401, message);
}

/** Builds a 403 Forbidden error. */
export function forbidden(message: string): LrsError {
  return new LrsError(403, message);
}

/** Builds a 404 Not Found error. */
export function notFound(message: string): LrsError {
  return new LrsError(404, message);
}

/** Builds a 409 Conflict error. */
export function conflict(message: string): LrsError {
  return new LrsError(409, message);
}

/** Builds a 412 Precondition Failed error. */
export function preconditionFailed(message: string): LrsError {
  return new LrsError(412, message);
}

/** A 429 Too Many Requests, with the seconds the client should wait (Retry-After). */
export class TooManyRequests extends LrsError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super(429, message);
    this.name = 'TooManyRequests';
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The formats an error can be sent in. */
export type ErrorFormat = 'json' | 'text' | 'html';

const ERROR_TYPES: readonly [ErrorFormat, string][] = [
  ['json', 'application/json'],
  ['text', 'text/plain'],
  ['html', 'text/html'],
];

/**
 * Chooses the error format from an Accept header by content negotiation (RFC 7231 5.3.2): the
 * most specific matching range gives each format its quality, the highest quality wins, and
 * JSON wins ties and is the default.
 */
export function errorFormat(accept: string | undefined): ErrorFormat {
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = accept.split(',').map((part) => {
    const [range = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    return { range: range.trim(), quality: Number.isFinite(quality) ? quality : 0 };
  });
  let best: ErrorFormat = 'json';
  let bestQuality = 0;
  for (const [format, type] of ERROR_TYPES) {
    const [major] = type.split('/');
    let specificity = -1;
    let quality = 0;
    for (const r of ranges) {
      const s = r.range === type ? 2 : r.range === `${major}/*` ? 1 : r.range === '*/*' ? 0 : -1;
      if (s > specificity) {
        specificity = s;
        quality = r.quality;
      }
    }
    if (quality > bestQuality) {
      best = format;
      bestQuality = quality;
    }
  }
  return best;
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A small HTML page for an error, for clients that asked for HTML. */
export function errorHtml(body: { error: string; message: string }): string {
  const title = escapeHtml(body.error);
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>${escapeHtml(body.message)}</p></body></html>\n`;
}
