import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/types.ts';

/** Options of the certification, staff and report routes. */
export interface CertificationRouteOptions {
  store: Store;
  siteUrl: string;
  authorityHomePage: string;
}

/** Registers the certification, certificate, staff and report API under /api/. */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function certificationRoutes(
  _app: FastifyInstance,
  _options: CertificationRouteOptions,
): Promise<void> {}
