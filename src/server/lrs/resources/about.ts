import type { FastifyInstance } from 'fastify';

/** The xAPI versions this LRS speaks. */
export const SUPPORTED_VERSIONS = ['1.0.3'];

/** Registers GET /about, which needs neither credentials nor a version header. */
export function registerAbout(app: FastifyInstance): void {
  app.get('/about', async (request, reply) => {
    const extra = Object.keys(request.query ?? {});
    if (extra.length > 0) {
      return reply.code(400).send({
        error: 'Bad Request',
        message: `unknown query parameter "${extra[0]}" (this resource takes none)`,
      });
    }
    return { version: SUPPORTED_VERSIONS, extensions: {} };
  });
}
