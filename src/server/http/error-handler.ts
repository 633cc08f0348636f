import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorFormat, errorHtml, HttpError, statusText } from './errors.ts';

/** How a part of the service answers errors. */
export interface ErrorStyle {
  /**
   * xAPI: the body's format follows the Accept header (Communication 3.2: JSON, plain text or
   * HTML) and is { error, message }. Otherwise JSON { error, code, message }.
   */
  negotiate: boolean;
  /**
   * Sent with a 401 as WWW-Authenticate (the LRS's Basic realm). The /api routes send none, so
   * that a browser never opens its own sign-in dialog over the site's pages.
   */
  challenge?: string;
  /** The body limit that applied to a request, named in the 413 message. */
  bodyLimitOf(request: FastifyRequest): number;
}

/** Any thrown value as an HttpError: Fastify's own client errors keep their status, the rest are 500. */
export function asHttpError(error: unknown, request: FastifyRequest, style: ErrorStyle): HttpError {
  if (error instanceof HttpError) return error;
  const err = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new HttpError(
      413,
      `the request body exceeds the limit of ${style.bodyLimitOf(request)} bytes`,
    );
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const type = request.headers['content-type'] ?? '';
    return new HttpError(400, `the Content-Type header "${type}" is missing or not usable here`);
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return new HttpError(
      err.statusCode,
      typeof err.message === 'string' && err.message !== '' ? err.message : 'bad request',
    );
  }
  request.log.error(error);
  return new HttpError(500, 'internal error');
}

/** Sends an HttpError in the part's style. */
export function sendHttpError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: HttpError,
  style: ErrorStyle,
): FastifyReply {
  reply.code(error.status);
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
  if (
    error.status === 401 &&
    style.challenge !== undefined &&
    !reply.hasHeader('WWW-Authenticate')
  ) {
    reply.header('WWW-Authenticate', style.challenge);
  }
  const name = statusText(error.status);
  if (!style.negotiate) {
    return reply
      .type('application/json; charset=utf-8')
      .send({ error: name, code: error.code, message: error.message, ...error.fields });
  }
  reply.header('Vary', 'Accept');
  const body = { error: name, message: error.message };
  const format = errorFormat(request.headers.accept);
  if (format === 'text') {
    return reply.type('text/plain; charset=utf-8').send(`${body.error}: ${body.message}\n`);
  }
  if (format === 'html') return reply.type('text/html; charset=utf-8').send(errorHtml(body));
  return reply.type('application/json; charset=utf-8').send(body);
}

/**
 * The service's one error handler, in a part's style: bad input is a 4xx with the thrower's
 * message, anything unexpected a logged 500 that reveals nothing.
 */
export function errorHandler(
  style: ErrorStyle,
): (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, request, reply) =>
    sendHttpError(request, reply, asHttpError(error, request, style), style);
}
