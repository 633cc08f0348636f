import type { FastifyInstance } from 'fastify';
import { forbidden } from '../../http/errors.ts';
import type { Store } from '../store/types.ts';
import { registerProfileResource } from './documents.ts';
import { iriParam, required } from './request-helpers.ts';
import type { PrincipalOf } from './statements.ts';

/** Registers the Activity Profile resource: GET, PUT, POST and DELETE /activities/profile. */
export function registerActivityProfile(
  app: FastifyInstance,
  store: Store,
  principalOf: PrincipalOf,
): void {
  registerProfileResource(app, store, principalOf, {
    path: '/activities/profile',
    kind: 'activity',
    subjectParam: 'activityId',
    label: 'activity profile',
    subject(params, principal, write) {
      const activityId = iriParam(required(params, 'activityId'), 'activityId');
      // An activity profile is shared by every learner of the activity, so a credential bound
      // to one learner may read it but not change it for the others.
      if (write && principal.agentIfi !== null) {
        throw forbidden('a learner credential may read activity profiles but not change them');
      }
      return activityId;
    },
  });
}
