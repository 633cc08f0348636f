import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { isRecord, queryParams } from '../../http/params.ts';
import { generatePassword } from './passwords.ts';
import type { Staff } from '../store/staff.ts';
import {
  createStaffUser,
  resetStaffPassword,
  STAFF_ROLES,
  staffNameProblem,
  type AccountChange,
  type AuditActor,
  type StaffSession,
  type StaffUser,
} from './accounts.ts';
import type { RequireStaff } from './guard.ts';

/** Options of the account administration routes. */
export interface AdminRouteOptions {
  staff: Staff;
  requireStaff: RequireStaff;
}

const ACCOUNT_ID = /^s-[A-Za-z0-9_-]{1,40}$/;

const actorOf = (session: StaffSession): AuditActor => ({
  id: session.user.id,
  name: session.user.name,
});

// The answer to a refused change, or nothing when it was made.
function refuse(change: AccountChange): void {
  if (change === 'missing') throw notFound('no such staff account');
  if (change === 'self') throw conflict('you cannot do this to your own account', 'own_account');
  if (change === 'last-admin') {
    throw conflict('the last active administrator cannot be disabled', 'last_admin');
  }
  if (change === 'other-admin') {
    throw conflict(
      "another administrator's password cannot be reset: disable that account and create a new one",
      'admin_account',
    );
  }
}

/**
 * Staff accounts, for administrators only: list them (GET /api/staff/accounts), create one with a
 * generated password shown once (POST /api/staff/accounts), disable, enable or reset one (POST
 * /api/staff/accounts/:id/{disable,enable,reset}), and read the audit of these changes (GET
 * /api/staff/audit). Each change is written to the audit table in its own transaction and logged
 * through the service's logger.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function adminRoutes(app: FastifyInstance, options: AdminRouteOptions): Promise<void> {
  const { staff, requireStaff } = options;
  const admin = (request: FastifyRequest) => requireStaff(request, ['admin']);
  const log = (
    request: FastifyRequest,
    session: StaffSession,
    action: string,
    target: Pick<StaffUser, 'id' | 'name' | 'role'>,
  ) => {
    request.log.info(
      {
        staffAudit: {
          actor: session.user.name,
          actorId: session.user.id,
          action,
          target: target.name,
          targetId: target.id,
          targetRole: target.role,
        },
      },
      `staff account ${action}: ${target.name} (${target.role}) by ${session.user.name}`,
    );
  };
  const idOf = (request: FastifyRequest<{ Params: { id: string } }>) => {
    if (!ACCOUNT_ID.test(request.params.id)) throw notFound('no such staff account');
    return request.params.id;
  };
  const noBody = (request: FastifyRequest) => {
    const body = request.body;
    if (
      body !== undefined &&
      body !== null &&
      !(isRecord(body) && Object.keys(body).length === 0)
    ) {
      throw badRequest('this change takes no body');
    }
  };

  app.get('/api/staff/accounts', async (request) => {
    queryParams(request, []);
    await admin(request);
    return { accounts: await staff.listUsers() };
  });

  app.post('/api/staff/accounts', async (request, reply) => {
    const session = await admin(request);
    const body = request.body;
    if (
      !isRecord(body) ||
      typeof body.name !== 'string' ||
      typeof body.role !== 'string' ||
      Object.keys(body).some((k) => k !== 'name' && k !== 'role')
    ) {
      throw badRequest('body: { "name": "...", "role": "trainer" | "dpo" | "admin" }');
    }
    const name = body.name.trim();
    const problem = staffNameProblem(name);
    if (problem !== null) throw badRequest(problem);
    const role = STAFF_ROLES.find((r) => r === body.role);
    if (role === undefined) throw badRequest(`role: one of ${STAFF_ROLES.join(', ')}`);
    const password = generatePassword();
    let user: StaffUser;
    try {
      user = await createStaffUser(staff, name, role, password, actorOf(session), true);
    } catch (error) {
      // The name, or one that reads the same, is taken (by an account made at the same moment too).
      if ((error as Error).message.includes('already exists')) {
        throw conflict(`a staff account named "${name}" already exists`, 'name_taken');
      }
      throw error;
    }
    log(request, session, 'create', user);
    return reply.code(201).send({ id: user.id, name: user.name, role: user.role, password });
  });

  const change = (
    action: 'disable' | 'enable' | 'reset',
    run: (id: string, actor: AuditActor) => Promise<{ change: AccountChange; password?: string }>,
  ) => {
    app.post<{ Params: { id: string } }>(`/api/staff/accounts/:id/${action}`, async (request) => {
      queryParams(request, []);
      const session = await admin(request);
      noBody(request);
      const id = idOf(request);
      const result = await run(id, actorOf(session));
      refuse(result.change);
      const account = await staff.user({ id });
      if (account === null) throw notFound('no such staff account');
      if (result.change === 'done') log(request, session, action, account);
      return {
        account,
        changed: result.change === 'done',
        ...(result.password === undefined ? {} : { password: result.password }),
      };
    });
  };
  change('disable', async (id, actor) => ({ change: await staff.disableUser({ id }, actor) }));
  change('enable', async (id, actor) => ({ change: await staff.enableUser(id, actor) }));
  change('reset', (id, actor) => resetStaffPassword(staff, id, actor));

  app.get('/api/staff/audit', async (request) => {
    const params = queryParams(request, ['limit', 'before']);
    await admin(request);
    const limit = Number(params.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badRequest('limit: 1 to 500');
    const before = params.before === undefined ? undefined : Number(params.before);
    if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) {
      throw badRequest('before: an entry id');
    }
    return { entries: await staff.auditLog(limit, before) };
  });
}
