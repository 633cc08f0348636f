import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../http/errors.ts';
import type { Store } from '../store/types.ts';
import type { Json, JsonObject } from '../xapi/types.ts';
import { isObject } from '../xapi/validate.ts';
import { requireMetadataRead } from './activities.ts';
import { sendJson } from './documents.ts';
import { agentParam, readParams, required } from './request-helpers.ts';
import type { PrincipalOf } from './statements.ts';

const NAMES_READ = 50;

const IDENTIFIERS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

/** Registers the Agents resource: GET /agents?agent= returns the Person the LRS knows. */
export function registerAgents(app: FastifyInstance, store: Store, principalOf: PrincipalOf): void {
  app.get('/agents', async (request, reply) => {
    const principal = principalOf(request);
    requireMetadataRead(principal);
    const params = readParams(request, ['agent']);
    const { agent, ifi } = agentParam(required(params, 'agent'), 'agent', false);
    if (principal.agentIfi !== null && ifi !== principal.agentIfi) {
      throw forbidden('this learner credential may only look up its own agent');
    }
    const sent = isObject(agent) ? agent : {};
    // The LRS links no identities, so the Person has the one identifier asked for; its names
    // are the one sent and those statements gave this agent as actor.
    const names = [...(await store.agentNames(ifi, NAMES_READ))];
    if (typeof sent.name === 'string' && !names.includes(sent.name)) names.unshift(sent.name);
    const person: JsonObject = { objectType: 'Person' };
    if (names.length > 0) person.name = names;
    for (const key of IDENTIFIERS) {
      const value: Json | undefined = sent[key];
      if (value !== undefined) person[key] = [value];
    }
    return sendJson(reply, person, null);
  });
}
