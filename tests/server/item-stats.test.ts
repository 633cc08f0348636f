import { beforeAll, describe, expect, it } from 'vitest';
import type { StartedAttempt } from '../../src/api/assessment.ts';
import type { RetirementEntry } from '../../src/api/items.ts';
import type { ItemStat } from '../../src/server/platform/reports/item-stats.ts';
import type { CertificationCatalog } from '../../src/server/platform/certification/rules.ts';
import { storeKinds, type TestServer } from './helpers.ts';
import {
  answerAttempt,
  api,
  bankQuestionOf,
  catalogOf,
  enrolAdmitted,
  openCohort,
  POLICE,
  staffLogin,
  startAttempt,
  trackIn,
  usePlatform,
} from './certification-helpers.ts';

for (const kind of storeKinds()) {
  describe(`item statistics (${kind.name})`, () => {
    let server: TestServer;
    let catalog: CertificationCatalog;
    let fixtureCohort = '';
    usePlatform(
      kind,
      [
        ['dpo-items', 'dpo'],
        ['trainer-items', 'trainer'],
      ],
      (started) => {
        server = started.server;
        fixtureCohort = started.cohorts[POLICE] ?? '';
      },
    );
    beforeAll(async () => {
      catalog = await catalogOf();
    });

    // The bank items a form was drawn from.
    const drawn = (started: StartedAttempt) =>
      started.questions.map((q) => bankQuestionOf(trackIn(catalog, POLICE), started.lang, q).id);

    it('reports, per item, who saw it, facility, guess score, discrimination and options chosen', async () => {
      const track = trackIn(catalog, POLICE);
      const seen = new Map<string, { right: number; total: number }>();
      const take = async (right: boolean, lang: string) => {
        const learner = await enrolAdmitted(server, { language: lang });
        const { started } = await startAttempt(server, learner, POLICE, lang);
        const res = await answerAttempt(server, learner, track, started, right);
        expect(res.result.passed).toBe(right);
        for (const id of drawn(started)) {
          const s = seen.get(id) ?? { right: 0, total: 0 };
          seen.set(id, { right: s.right + (right ? 1 : 0), total: s.total + 1 });
        }
        return learner;
      };
      // Weak learners fail three times each; strong ones pass at once; in both languages.
      for (const lang of ['en', 'fr']) {
        for (let i = 0; i < 2; i += 1) {
          const learner = await take(false, lang);
          for (let j = 0; j < 2; j += 1) {
            const { started } = await startAttempt(server, learner, POLICE, lang);
            await answerAttempt(server, learner, track, started, false);
            for (const id of drawn(started)) {
              const s = seen.get(id) ?? { right: 0, total: 0 };
              seen.set(id, { right: s.right, total: s.total + 1 });
            }
          }
        }
        for (let i = 0; i < 3; i += 1) await take(true, lang);
      }
      const dpo = await staffLogin(server, 'dpo-items');
      const res = await api(server, `/api/reports/items?track=${POLICE}`, {
        headers: { Cookie: dpo.cookie },
      });
      expect(res.status, res.text).toBe(200);
      const items = (res.json as { items: ItemStat[] }).items;
      expect(items).toHaveLength(21);
      let judged = 0;
      for (const stat of items) {
        const expected = seen.get(stat.item) ?? { right: 0, total: 0 };
        expect(stat.seen, stat.item).toBe(expected.total);
        expect(stat.seenEn + stat.seenFr).toBe(stat.seen);
        if (expected.total === 0) {
          expect(stat.facility).toBeNull();
          continue;
        }
        expect(stat.facility, stat.item).toBeCloseTo(expected.right / expected.total, 3);
        // Strong learners got it right and weak ones wrong: it separates them perfectly.
        if (expected.right > 0 && expected.right < expected.total) {
          expect(stat.discrimination, stat.item).toBeCloseTo(1, 3);
          judged += 1;
        }
        if (stat.type === 'scenario' || stat.type === 'single-choice') {
          expect(stat.options.reduce((a, o) => a + o.chosen, 0)).toBe(stat.seen);
        }
      }
      expect(judged).toBeGreaterThan(3);
      const byType = (type: string) => items.find((i) => i.type === type);
      expect(byType('single-choice')?.guessScore).toBe(0.25);
      expect(byType('ordering')?.guessScore).toBe(0.5);
      expect(byType('matching')?.guessScore).toBe(0.5);
      // Scenario: half the decision (1 in 4) and half the follow-up (1 in 3).
      expect(byType('scenario')?.guessScore).toBeCloseTo(0.5 * 0.25 + 0.5 / 3, 3);

      const csv = await api(server, `/api/reports/items.csv?track=${POLICE}`, {
        headers: { Cookie: dpo.cookie },
      });
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const lines = csv.text.trim().split('\r\n');
      expect(lines[0]).toContain('item,module,outcome,type,retired,seen,facility');
      expect(lines).toHaveLength(22);

      // In French: the same items and figures, with the French bank's prompts and option texts.
      const inFrench = await api(server, `/api/reports/items?track=${POLICE}&lang=fr`, {
        headers: { Cookie: dpo.cookie },
      });
      expect(inFrench.status, inFrench.text).toBe(200);
      const frItems = (inFrench.json as { items: ItemStat[] }).items;
      const frBank = track.modules.flatMap((m) => m.banks.fr?.items ?? []);
      expect(frItems.map((i) => i.item)).toEqual(items.map((i) => i.item));
      for (const [n, fr] of frItems.entries()) {
        const source = frBank.find((b) => b.id === fr.item);
        expect(fr.prompt).toBe(source?.prompt);
        expect(fr.seen).toBe(items[n]?.seen);
        expect(fr.facility).toBe(items[n]?.facility);
        for (const o of fr.options) {
          expect(o.text).toBe(
            source !== undefined && 'options' in source
              ? source.options.find((x) => x.id === o.id)?.text
              : undefined,
          );
          expect(o.chosen).toBe(items[n]?.options.find((x) => x.id === o.id)?.chosen);
        }
      }
      expect(frItems.filter((fr, n) => fr.prompt !== items[n]?.prompt).length).toBeGreaterThan(0);
      const badLang = await api(server, `/api/reports/items?track=${POLICE}&lang=de`, {
        headers: { Cookie: dpo.cookie },
      });
      expect(badLang.status).toBe(400);

      // The DPO, who keeps the banks, sees which option is right.
      expect(items.some((i) => i.options.some((o) => o.correct === true))).toBe(true);
      expect(lines.slice(1).some((l) => /\*:\d/.test(l))).toBe(true);

      // A trainer sees their own cohorts' figures only, without the key; learners see nothing.
      const trainer = await staffLogin(server, 'trainer-items');
      const serviceWide = await api(server, `/api/reports/items?track=${POLICE}`, {
        headers: { Cookie: trainer.cookie },
      });
      expect(serviceWide.status).toBe(403);
      expect(serviceWide.json).toMatchObject({ code: 'cohort_required' });
      // The fixture's cohort, where every learner above took a seat, is another trainer's.
      const others = await api(
        server,
        `/api/reports/items?track=${POLICE}&cohort=${fixtureCohort}`,
        {
          headers: { Cookie: trainer.cookie },
        },
      );
      expect(others.status).toBe(403);
      expect(
        (
          await api(server, `/api/reports/items.csv?track=${POLICE}&cohort=${fixtureCohort}`, {
            headers: { Cookie: trainer.cookie },
          })
        ).status,
      ).toBe(403);
      const own = await openCohort(server, trainer, POLICE, 5);
      const mine = await enrolAdmitted(server, { cohort: own.code });
      const form = (await startAttempt(server, mine, POLICE)).started;
      await answerAttempt(server, mine, track, form, true);
      const asTrainer = await api(server, `/api/reports/items?track=${POLICE}&cohort=${own.code}`, {
        headers: { Cookie: trainer.cookie },
      });
      expect(asTrainer.status, asTrainer.text).toBe(200);
      const trainerItems = (asTrainer.json as { items: ItemStat[] }).items;
      expect(trainerItems.reduce((n, i) => n + i.seen, 0)).toBe(form.questions.length);
      expect(trainerItems.some((i) => i.options.length > 0)).toBe(true);
      for (const item of trainerItems) {
        for (const option of item.options) expect(option).not.toHaveProperty('correct');
      }
      expect(asTrainer.text).not.toContain('"correct"');
      const trainerCsv = await api(
        server,
        `/api/reports/items.csv?track=${POLICE}&cohort=${own.code}`,
        { headers: { Cookie: trainer.cookie } },
      );
      expect(trainerCsv.status).toBe(200);
      expect(trainerCsv.text).not.toMatch(/\*:\d/);
      const learner = await enrolAdmitted(server);
      const asLearner = await api(server, `/api/reports/items?track=${POLICE}`, {
        authorization: learner.authorization,
      });
      expect(asLearner.status).toBe(403);
      const unknownCohort = await api(
        server,
        `/api/reports/items?track=${POLICE}&cohort=CNONE-0000`,
        {
          headers: { Cookie: dpo.cookie },
        },
      );
      expect(unknownCohort.status).toBe(404);
    });

    it('retires an item from new forms at once, for the DPO only', async () => {
      const track = trackIn(catalog, POLICE);
      const alpha = track.modules[0]?.banks.en?.items ?? [];
      const outcome = alpha[0]?.outcomes[0] ?? '';
      const ofOutcome = alpha.filter((i) => i.outcomes[0] === outcome).map((i) => i.id);
      expect(ofOutcome).toHaveLength(3);
      const [keep, ...retire] = ofOutcome;
      const dpo = await staffLogin(server, 'dpo-items');
      const trainer = await staffLogin(server, 'trainer-items');
      const put = (who: { cookie: string; csrf: string }, id: string, body: unknown) =>
        api(server, `/api/reports/items/${id}/retired`, {
          method: 'PUT',
          headers: { Cookie: who.cookie, 'X-CSRF-Token': who.csrf },
          body,
        });
      expect((await put(trainer, retire[0] ?? '', { retired: true })).status).toBe(403);
      expect((await put(dpo, 'no-such-item', { retired: true })).status).toBe(404);
      expect((await put(dpo, retire[0] ?? '', { retired: 'yes' })).status).toBe(400);
      for (const id of retire) expect((await put(dpo, id, { retired: true })).status).toBe(200);
      for (let i = 0; i < 6; i += 1) {
        const learner = await enrolAdmitted(server);
        const { started } = await startAttempt(server, learner, POLICE);
        const ids = drawn(started);
        expect(ids).toContain(keep);
        for (const id of retire) expect(ids).not.toContain(id);
      }
      const stats = await api(server, `/api/reports/items?track=${POLICE}`, {
        headers: { Cookie: dpo.cookie },
      });
      const retired = (stats.json as { items: ItemStat[] }).items.filter((i) => i.retired);
      expect(retired.map((i) => i.item).sort()).toEqual([...retire].sort());
      for (const id of retire) expect((await put(dpo, id, { retired: false })).status).toBe(200);
    });

    it('logs every retirement and restoration with who made it, and nothing that changed nothing', async () => {
      const item = trackIn(catalog, POLICE).modules[0]?.banks.en?.items[1]?.id ?? '';
      const dpo = await staffLogin(server, 'dpo-items');
      const log = async (who: { cookie: string }) => {
        const res = await api(server, '/api/reports/items/retirements', {
          headers: { Cookie: who.cookie },
        });
        expect(res.status, res.text).toBe(200);
        return (res.json as { entries: RetirementEntry[] }).entries;
      };
      const before = (await log(dpo)).length;
      const put = (retired: boolean) =>
        api(server, `/api/reports/items/${item}/retired`, {
          method: 'PUT',
          headers: { Cookie: dpo.cookie, 'X-CSRF-Token': dpo.csrf },
          body: { retired },
        });
      expect((await put(true)).status).toBe(200);
      // Retiring a retired item again changes nothing and logs nothing.
      expect((await put(true)).status).toBe(200);
      expect((await put(false)).status).toBe(200);
      const entries = await log(dpo);
      expect(entries).toHaveLength(before + 2);
      expect(entries.slice(0, 2).map((e) => [e.item, e.retired, e.by])).toEqual([
        [item, false, 'dpo-items'],
        [item, true, 'dpo-items'],
      ]);
      expect(Date.parse(entries[0]?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
      // Trainers may read the log (they see which items are retired); learners may not.
      const trainer = await staffLogin(server, 'trainer-items');
      expect(await log(trainer)).toEqual(entries);
      const learner = await enrolAdmitted(server);
      const asLearner = await api(server, '/api/reports/items/retirements', {
        authorization: learner.authorization,
      });
      expect(asLearner.status).toBe(403);
    });
  });
}
