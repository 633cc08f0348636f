import type { FastifyInstance } from 'fastify';
import { errorHandler } from '../http/error-handler.ts';
import { strictUtf8Json } from '../http/strict-json.ts';
import type { RateLimits } from '../http/rate-limits.ts';
import type { Authenticator } from '../lrs/auth/authenticate.ts';
import type { Store } from '../lrs/store/types.ts';
import { certificatePdfRoutes } from './certification/pdf.ts';
import { certificationRoutes } from './certification/routes.ts';
import { loadCatalog, PROJECT_ROOT } from './certification/rules.ts';
import { CertificationService } from './certification/service.ts';
import { cohortRoutes } from './cohorts/routes.ts';
import { enrolmentRoutes } from './enrolment/routes.ts';
import { learnerSessionRoutes } from './learner-session/routes.ts';
import type { LearnerSessionService } from './learner-session/sessions.ts';
import { liveRoutes } from './live/routes.ts';
import { loadLiveSources } from './live/questions.ts';
import { LiveService } from './live/service.ts';
import { Reports } from './reports/reports.ts';
import { itemRoutes } from './reports/item-routes.ts';
import { reportRoutes } from './reports/routes.ts';
import { signInRoutes } from './sign-in/routes.ts';
import { findSession } from './staff/accounts.ts';
import type { PlatformStore } from './store/platform-store.ts';
import { staffGuard } from './staff/guard.ts';
import { staffRoutes } from './staff/routes.ts';
import { adminRoutes } from './staff/admin-routes.ts';

/** Options of the platform plugin. */
export interface PlatformPluginOptions {
  /** The LRS store: the platform uses its public operations only. */
  store: Store;
  /** The platform's own repository. */
  platform: PlatformStore;
  /** The service's one authenticator (learners' Basic credentials and session cookies). */
  auth: Authenticator;
  /** Learners' browser sessions (the authenticator reads the same ones). */
  sessions: LearnerSessionService;
  /**
   * The site's public origin (astro.config's `site`, SITE_URL): the homePage of learner accounts
   * and the root of the course's activity ids.
   */
  siteUrl: string;
  /** homePage of the authority recorded on the certification service's statements. */
  authorityHomePage: string;
  /** The service's rate limits. */
  limits: Required<RateLimits>;
  /** Where content/ and assessments/ are (default: the repository). */
  root?: string;
}

/**
 * The platform around the LRS, under /api: enrolment, sign-in codes, staff sign-in, graded
 * assessments and certificates, trainers' cohorts and the DPO reports. Its answers are JSON
 * (errors { error, code, message }) and never cached: they carry learner records and staff data.
 */
export async function platformPlugin(
  app: FastifyInstance,
  options: PlatformPluginOptions,
): Promise<void> {
  const { store, platform, auth, siteUrl, limits, sessions } = options;
  const root = options.root ?? PROJECT_ROOT;
  const catalog = await loadCatalog(root);
  const svc = new CertificationService(
    store,
    platform,
    catalog,
    siteUrl,
    options.authorityHomePage,
  );
  const reports = new Reports(svc);
  const requireStaff = staffGuard((token) => findSession(platform.staff, token), auth);

  app.setErrorHandler(
    errorHandler({ negotiate: false, bodyLimitOf: () => app.initialConfig.bodyLimit ?? 0 }),
  );
  strictUtf8Json(app);
  app.addHook('onSend', async (_request, reply, payload) => {
    // Learner records and staff data must not linger in shared caches or on shared devices.
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  await app.register(enrolmentRoutes, {
    store,
    platform,
    siteUrl,
    trackForRole: (role) => svc.trackForRole(role),
    limit: limits.enrol,
    cohortLimit: limits.enrolWithCohort,
    auth,
    sessions,
  });
  await app.register(signInRoutes, {
    store,
    platform,
    auth,
    requireStaff,
    failures: limits.signInFailures,
    sessions,
  });
  await app.register(learnerSessionRoutes, { store, platform, auth, sessions });
  await app.register(staffRoutes, {
    staff: platform.staff,
    requireStaff,
    limits: { perAddress: limits.staffLoginPerAddress, perName: limits.staffLoginPerName },
  });
  await app.register(adminRoutes, { staff: platform.staff, requireStaff });
  await app.register(certificationRoutes, { svc, auth });
  await app.register(certificatePdfRoutes, { svc, auth, requireStaff });
  await app.register(cohortRoutes, { cohorts: platform.cohorts, reports, requireStaff });
  await app.register(reportRoutes, { reports, requireStaff });
  await app.register(itemRoutes, { svc, requireStaff });
  const live = new LiveService(
    store,
    platform.live,
    await loadLiveSources(root),
    siteUrl,
    options.authorityHomePage,
  );
  await app.register(liveRoutes, {
    live,
    cohorts: platform.cohorts,
    learners: platform.learners,
    auth,
    requireStaff,
  });
}
