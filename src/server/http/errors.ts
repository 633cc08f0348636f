/** Reason phrases of the statuses the service answers with. */
const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  410: 'Gone',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The reason phrase of an HTTP status ("Error" for one the service does not use). */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? 'Error';
}

/** The machine-readable code of a status when the thrower gives none: its phrase in snake case. */
function defaultCode(status: number): string {
  return statusText(status).toLowerCase().replaceAll(' ', '_');
}

/**
 * The one error type of the service: an HTTP status, a machine-readable code and a message meant
 * for the client. Whatever throws it (validation, the store, a route, a rate limit), the error
 * handler (error-handler.ts) answers with exactly these, in the format the part of the service
 * uses: xAPI negotiates JSON, text or HTML; /api answers JSON { error, code, message }.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  /** Response headers that belong to the error, such as Retry-After. */
  readonly headers: Readonly<Record<string, string>>;
  /** Further fields of a JSON error body that clients already read (sign-in's `reason`). */
  readonly fields: Readonly<Record<string, string>>;

  constructor(
    status: number,
    message: string,
    code: string = defaultCode(status),
    extra: {
      headers?: Readonly<Record<string, string>>;
      fields?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.headers = extra.headers ?? {};
    this.fields = extra.fields ?? {};
  }
}

/** A builder of the errors of one status: a message, and a code when the site needs one. */
type ErrorBuilder = (message: string, code?: string) => HttpError;

const withStatus =
  (status: number): ErrorBuilder =>
  (message, code) =>
    new HttpError(status, message, code);

/** 400 Bad Request. */
export const badRequest = withStatus(400);
/** 401 Unauthorized. */
export const unauthorized = withStatus(401);
/** 403 Forbidden. */
export const forbidden = withStatus(403);
/** 404 Not Found. */
export const notFound = withStatus(404);
/** 409 Conflict. */
export const conflict = withStatus(409);
/** 410 Gone. */
export const gone = withStatus(410);
/** 412 Precondition Failed. */
export const preconditionFailed = withStatus(412);
/** 413 Payload Too Large. */
export const payloadTooLarge = withStatus(413);

/** A 429 Too Many Requests, with the seconds the client should wait (Retry-After). */
export function tooManyRequests(
  message: string,
  retryAfterSeconds: number,
  code?: string,
): HttpError {
  return new HttpError(429, message, code, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
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
