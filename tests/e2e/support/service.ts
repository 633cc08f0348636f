// The service of the end-to-end specs: the built site and the real service on a fresh embedded
// store, with staff accounts made through the store while the service holds it (the staff CLI
// cannot share an embedded data folder, one process per folder), and staff signing in in the
// browser.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from '../../../src/server/app.ts';
import { databaseOf, openStore } from '../../../src/server/lrs/store/open-store.ts';
import type { Store } from '../../../src/server/lrs/store/types.ts';
import { createStaffUser, type StaffRole } from '../../../src/server/platform/staff/accounts.ts';
import {
  openPlatformStore,
  type PlatformStore,
} from '../../../src/server/platform/store/platform-store.ts';

/** The site origin the specs' services run under (the built site's). */
export const SITE = 'http://localhost:4321';

/** The police track of the course, which the certification specs sit. */
export const POLICE = 'police-pre-deployment';

/** The password of the staff accounts startSiteService makes. */
export const STAFF_PASSWORD = 'a long staff password 42';

/**
 * How long a staff sign-in may take: scrypt with N=2^15 on a busy 2-core machine, behind the
 * sign-in slowdown, took over 5 s once.
 */
export const SIGN_IN_MS = 20_000;

/** A running service over the built site on a store of its own (a TestServer of the server tests). */
export interface SiteService {
  url: string;
  app: FastifyInstance;
  store: Store;
  platform: PlatformStore;
  /** The id of each staff account made at the start, by name. */
  staffIds: Record<string, string>;
  /** Stops the service and removes its store. */
  close(): Promise<void>;
}

/** What a spec may choose of its service: staff accounts (password STAFF_PASSWORD), settings. */
export interface SiteServiceOptions extends Omit<
  ServerOptions,
  'store' | 'platform' | 'staticDir'
> {
  staff?: readonly (readonly [string, StaffRole])[];
}

/** Starts the service over the built site (dist/) on a fresh embedded store. */
export async function startSiteService(options: SiteServiceOptions = {}): Promise<SiteService> {
  const { staff = [], ...settings } = options;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'cp-e2e-'));
  const store = await openStore({ dataDir });
  const platform = await openPlatformStore(databaseOf(store));
  const app = await buildServer({
    siteUrl: SITE,
    ...settings,
    store,
    platform,
    staticDir: path.resolve('dist'),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const staffIds: Record<string, string> = {};
  for (const [name, role] of staff) {
    staffIds[name] = (await createStaffUser(platform.staff, name, role, STAFF_PASSWORD)).id;
  }
  return {
    url,
    app,
    store,
    platform,
    staffIds,
    async close() {
      await app.close();
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Opens a cohort of a staff account of the service through the store; its code. */
export async function createCohort(
  service: SiteService,
  cohort: { by: string; codePrefix: string; name: string; track: string; seats: number },
): Promise<string> {
  const created = await service.platform.cohorts.create({
    code: `${cohort.codePrefix}-${randomUUID().slice(0, 4).toUpperCase()}`,
    name: cohort.name,
    trackId: cohort.track,
    createdBy: service.staffIds[cohort.by] ?? '',
    seats: cohort.seats,
  });
  return created.code;
}

/** Signs a member of staff in on the sign-in page, in English or French. */
export async function staffSignIn(
  page: Page,
  base: string,
  name: string,
  { lang = 'en', password = STAFF_PASSWORD }: { lang?: string; password?: string } = {},
): Promise<void> {
  await page.goto(`${base}/${lang}/staff/login/`);
  // Typed before the sign-in island hydrates, the name and password would be replaced by its
  // empty fields: wait for it (Astro drops the island's ssr attribute once it has hydrated).
  await expect(
    page.locator('astro-island', {
      has: page.getByRole('button', { name: /Sign in|Se connecter/ }),
    }),
  ).not.toHaveAttribute('ssr', /.*/, { timeout: SIGN_IN_MS });
  await page.getByLabel(lang === 'fr' ? 'Nom' : 'Name', { exact: true }).fill(name);
  await page.getByLabel(lang === 'fr' ? 'Mot de passe' : 'Password').fill(password);
  await page.getByRole('button', { name: lang === 'fr' ? 'Se connecter' : 'Sign in' }).click();
}
