import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../http/errors.ts';
import type { Principal } from '../auth/authenticate.ts';
import type { Store } from '../store/types.ts';
import { mergeDefinitions } from '../xapi/activity-definition.ts';
import type { JsonObject } from '../xapi/types.ts';
import { sendJson } from './documents.ts';
import { iriParam, readParams, required } from './request-helpers.ts';
import type { PrincipalOf } from './statements.ts';

// Enough history to gather every language a course sends, without reading every statement of a
// popular activity.
const DEFINITIONS_READ = 100;

const READ_SCOPES = [
  'all',
  'all/read',
  'statements/read',
  'statements/read/mine',
  'define',
  'profile',
];

/** Throws 403 unless the principal holds a scope that lets it read activity and agent data. */
export function requireMetadataRead(p: Principal): void {
  if (!READ_SCOPES.some((s) => p.scopes.has(s))) {
    throw forbidden(`this credential needs one of these scopes: ${READ_SCOPES.join(', ')}`);
  }
}

/** Registers the Activities resource: GET /activities?activityId= returns the canonical Activity. */
export function registerActivities(
  app: FastifyInstance,
  store: Store,
  principalOf: PrincipalOf,
): void {
  app.get('/activities', async (request, reply) => {
    requireMetadataRead(principalOf(request));
    const params = readParams(request, ['activityId']);
    const id = iriParam(required(params, 'activityId'), 'activityId');
    const definition = mergeDefinitions(await store.activityDefinitions(id, DEFINITIONS_READ));
    // Without a known definition the LRS still answers with the Activity itself (2.5.s2.b1).
    const activity: JsonObject = { objectType: 'Activity', id };
    if (definition !== null) activity.definition = definition;
    return sendJson(reply, activity, null);
  });
}
