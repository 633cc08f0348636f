import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../http/errors.ts';
import type { Store } from '../store/types.ts';
import { registerProfileResource } from './documents.ts';
import { agentParam, required } from './request-helpers.ts';
import type { PrincipalOf } from './statements.ts';

/** Registers the Agent Profile resource: GET, PUT, POST and DELETE /agents/profile. */
export function registerAgentProfile(
  app: FastifyInstance,
  store: Store,
  principalOf: PrincipalOf,
): void {
  registerProfileResource(app, store, principalOf, {
    path: '/agents/profile',
    kind: 'agent',
    subjectParam: 'agent',
    label: 'agent profile',
    subject(params, principal) {
      const { ifi } = agentParam(required(params, 'agent'), 'agent', false);
      if (principal.agentIfi !== null && ifi !== principal.agentIfi) {
        throw forbidden('this learner credential may only use its own agent profile');
      }
      return ifi;
    },
  });
}
