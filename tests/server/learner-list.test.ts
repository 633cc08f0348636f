import { describe, expect, it } from 'vitest';
import type { ReportLearner, ServiceRecord } from '../../src/api/reports.ts';
import type { SqlDatabase } from '../../src/server/db/sql-database.ts';
import { storeKinds, type TestServer } from './helpers.ts';
import {
  answersTo,
  api,
  catalogOf,
  completeModules,
  enrol,
  enrolAdmitted,
  startAttempt,
  staffLogin,
  submitAttempt,
  trackIn,
  usePlatform,
} from './certification-helpers.ts';

/** A learner's line in the list, as the report API declares it. */
type Listed = ReportLearner;

const MISSIONS = ['MINUSCA', 'MONUSCO', 'UNMISS'];
const COUNTRIES = ['SN', 'NP', 'RW', 'BD'];
const UNITS = ['FPU 1', 'FPU 2'];

for (const kind of storeKinds()) {
  describe(`the DPO's learner list (${kind.name})`, () => {
    let server: TestServer;
    let db: SqlDatabase;
    let dpo = { cookie: '', csrf: '' };
    // What each enrolled learner gave, by name.
    const enrolled: ServiceRecord[] = [];

    usePlatform(kind, [['dpo-ana', 'dpo']], (started) => {
      ({ server, db } = started);
    });

    const list = async (query: string) => {
      const res = await api(server, `/api/reports/learners?${query}`, {
        headers: { Cookie: dpo.cookie },
      });
      expect(res.status, res.text).toBe(200);
      return res.json as { total: number; learners: Listed[] };
    };

    it('enrols 30 learners, two of them certified', async () => {
      for (let i = 0; i < 30; i += 1) {
        const profile = {
          // Names out of order, so the list's order is the service's doing.
          name: `Learner ${String((i * 7) % 30).padStart(2, '0')}`,
          serviceNumber: `PK-${String(1000 + i)}`,
          mission: MISSIONS[i % 3] ?? '',
          country: COUNTRIES[i % 4] ?? '',
          unit: UNITS[i % 2] ?? '',
          role: i % 5 === 0 ? 'military' : 'police',
        };
        await enrol(server, profile);
        enrolled.push(profile);
      }
      // Two more learners, named and placed like Learner 00 (military) and Learner 07 (police)
      // but with service numbers of their own, complete their track and pass: certified.
      const catalog = await catalogOf();
      for (const [i, track] of [
        [0, 'military-pre-deployment'],
        [1, 'police-pre-deployment'],
      ] as const) {
        const p = enrolled[i];
        if (p === undefined) throw new Error('no learner');
        const learner = await enrolAdmitted(server, {
          ...p,
          serviceNumber: `${p.serviceNumber}-C`,
        });
        enrolled.push({ ...p, serviceNumber: `${p.serviceNumber}-C` });
        const t = trackIn(catalog, track);
        await completeModules(server, learner, t.rule.requiredModules);
        const { started } = await startAttempt(server, learner, track);
        const graded = await submitAttempt(server, learner, started, answersTo(t, started, true));
        expect(graded.result.passed).toBe(true);
      }
      dpo = await staffLogin(server, 'dpo-ana');
    }, 120_000);

    it('pages through every learner in name order, once each, with the total', async () => {
      const seen: Listed[] = [];
      for (let offset = 0; ; offset += 7) {
        const page = await list(`limit=7&offset=${String(offset)}`);
        expect(page.total).toBe(enrolled.length);
        seen.push(...page.learners);
        if (page.learners.length < 7) break;
      }
      expect(seen).toHaveLength(enrolled.length);
      expect(new Set(seen.map((l) => l.learnerId)).size).toBe(enrolled.length);
      const names = seen.map((l) => l.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
      // Past the end: an empty page, the same total.
      expect(await list('limit=7&offset=500')).toMatchObject({
        total: enrolled.length,
        learners: [],
      });
    });

    it('searches by part of a name or of a service number', async () => {
      const byName = await list('q=arner%2007');
      expect(byName.learners.map((l) => l.name)).toEqual(['Learner 07', 'Learner 07']);
      const byNumber = await list('q=pk-1012');
      expect(byNumber.learners.map((l) => l.serviceNumber)).toEqual(['PK-1012']);
      // LIKE's wildcards are searched for as text.
      expect((await list('q=%25')).total).toBe(0);
      expect((await list('q=_')).total).toBe(0);
    });

    it('filters by mission, country, unit, role and status, alone and together', async () => {
      const expectMatch = async (
        query: string,
        keep: (p: (typeof enrolled)[number]) => boolean,
      ) => {
        const page = await list(`${query}&limit=500`);
        const want = enrolled.filter(keep).map((p) => p.serviceNumber);
        expect(page.total).toBe(want.length);
        expect(page.learners.map((l) => l.serviceNumber).sort()).toEqual(want.sort());
        expect(want.length).toBeGreaterThan(0);
        return page;
      };
      await expectMatch('mission=monusco', (p) => p.mission === 'MONUSCO');
      // The stored value, as the record holds it (country codes).
      const rw = await expectMatch('country=RW', (p) => p.country === 'RW');
      expect(rw.learners.every((l) => l.country === 'RW')).toBe(true);
      await expectMatch('unit=FPU%202', (p) => p.unit === 'FPU 2');
      await expectMatch('role=military', (p) => p.role === 'military');
      await expectMatch(
        'mission=UNMISS&country=BD&role=police',
        (p) => p.mission === 'UNMISS' && p.country === 'BD' && p.role === 'police',
      );
      const certified = await expectMatch('status=certified', (p) =>
        p.serviceNumber.endsWith('-C'),
      );
      expect(certified.learners.every((l) => l.certificateCode !== null)).toBe(true);
      await expectMatch('status=not-certified', (p) => !p.serviceNumber.endsWith('-C'));
      expect((await list('status=expired')).total).toBe(0);
      // A certificate that has run out: its holder is expired, no longer certified.
      await db.query(
        `UPDATE certificates SET expires_at = now() - interval '1 day'
         WHERE learner_ifi = (SELECT agent_ifi FROM learners WHERE service_number = 'PK-1000-C')`,
      );
      await expectMatch('status=expired', (p) => p.serviceNumber === 'PK-1000-C');
      await expectMatch('status=certified', (p) => p.serviceNumber === 'PK-1001-C');
      await expectMatch(
        'status=not-certified&role=military',
        (p) => p.role === 'military' && !p.serviceNumber.endsWith('-C'),
      );
      const bad = await api(server, '/api/reports/learners?status=done', {
        headers: { Cookie: dpo.cookie },
      });
      expect(bad.status).toBe(400);
      for (const q of ['limit=0', 'limit=501', 'offset=-1', 'offset=x']) {
        const res = await api(server, `/api/reports/learners?${q}`, {
          headers: { Cookie: dpo.cookie },
        });
        expect(res.status).toBe(400);
      }
    });
  });
}
