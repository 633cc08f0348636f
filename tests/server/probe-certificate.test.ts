import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import { storeKinds, type TestServer } from './helpers.ts';
import { pdfLines } from './pdf-text.ts';
import {
  answersTo,
  api,
  catalogOf,
  completeModules,
  enrol,
  openCohort,
  staffLogin,
  STAFF_PASSWORD,
  startAttempt,
  startPlatform,
  submitAttempt,
  trackIn,
  type EnrolledLearner,
} from './certification-helpers.ts';

// Hostile and unusual names on a certificate, and staff who ask for certificates that are not
// theirs to see.

const POLICE = 'police-pre-deployment';

/** The lines of text a PDF's pages draw. */
async function linesOf(bytes: Uint8Array): Promise<string[]> {
  return (await pdfLines(bytes)).lines;
}

for (const kind of storeKinds()) {
  describe(`certificates of unusual names, asked for by the wrong people (${kind.name})`, () => {
    let server: TestServer;
    let cleanup: () => Promise<void>;
    const certified: { learner: EnrolledLearner; code: string }[] = [];
    const NAMES = [
      // "Zoë Nguyên" typed with combining marks (NFD), as macOS and some keyboards send it.
      'Zoe\u0308 Nguye\u0302n',
      // Arabic with a right-to-left override, an emoji with joiners and a variation selector.
      'محمد \u202eevil\u202c 👨\u200d👩\u200d👧 ❤\ufe0f',
      // The longest name enrolment takes.
      'N'.repeat(120),
    ];

    beforeAll(async () => {
      const opened = await kind.open();
      cleanup = () => opened.cleanup();
      const started = await startPlatform(opened.store);
      server = started.server;
      for (const [name, role] of [
        ['cert-owner', 'trainer'],
        ['cert-rival', 'trainer'],
        ['cert-dpo', 'dpo'],
      ] as const) {
        await createStaffUser(started.platform.staff, name, role, STAFF_PASSWORD);
      }
      const police = trackIn(await catalogOf(), POLICE);
      const cohort = await openCohort(server, await staffLogin(server, 'cert-owner'), POLICE);
      for (const name of NAMES) {
        const learner = await enrol(server, { name, cohort: cohort.code, language: 'en' });
        const { started: form } = await startAttempt(server, learner, POLICE, 'en');
        const pass = await submitAttempt(server, learner, form, answersTo(police, form, true));
        expect(pass.result.passed).toBe(true);
        await completeModules(server, learner, police.rule.requiredModules);
        const status = await api(server, `/api/certification/${POLICE}/status`, {
          authorization: learner.authorization,
        });
        const { code } = (status.json as { certificate: { code: string } }).certificate;
        certified.push({ learner, code });
      }
    }, 120_000);
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    const download = (code: string, headers: Record<string, string>) =>
      fetch(`${server.url}/api/certification/certificates/${code}.pdf`, { headers });

    it('prints a name typed with combining marks with its accented letters, not question marks', async () => {
      const { learner, code } = certified[0] ?? { learner: undefined, code: '' };
      const res = await download(code, { Authorization: learner?.authorization ?? '' });
      expect(res.status).toBe(200);
      const lines = await linesOf(await res.bytes());
      expect(lines).toContain('Zoë Nguyên');
    });

    it('prints right-to-left text, overrides, emoji and 120-character names without a 5xx or invisible characters', async () => {
      for (const { learner, code } of certified.slice(1)) {
        const res = await download(code, { Authorization: learner.authorization });
        expect(res.status).toBe(200);
        const lines = await linesOf(await res.bytes());
        const name = lines[3] ?? '';
        expect(name.length).toBeGreaterThan(0);
      }
      // Arabic and emoji have no glyph ("?"), but invisible characters leave no "?" behind.
      const rtl = certified[1];
      const shown = await download(rtl?.code ?? '', {
        Authorization: rtl?.learner.authorization ?? '',
      });
      expect((await linesOf(await shown.bytes()))[3]).toBe('???? evil ??? ?');
      const long = certified[2];
      const res = await download(long?.code ?? '', {
        Authorization: long?.learner.authorization ?? '',
      });
      expect(await linesOf(await res.bytes())).toContain('N'.repeat(120));
      // The verification page, open to anyone, shows the name as stored and nothing more.
      const verify = await api(server, `/api/certificates/${long?.code ?? ''}`);
      expect(verify.status).toBe(200);
      expect(Object.keys(verify.json as object).sort()).toEqual(
        [
          'code',
          'expiresAt',
          'issuedAt',
          'name',
          'status',
          'track',
          'trackTitles',
          'verifyUrl',
        ].sort(),
      );
      expect(verify.text).not.toMatch(/SN-|serviceNumber|country|learner/);
    });

    it("gives a trainer the certificates of their own cohorts' learners only; the DPO every one", async () => {
      const { code } = certified[0] ?? { code: '' };
      const owner = await staffLogin(server, 'cert-owner');
      const rival = await staffLogin(server, 'cert-rival');
      const dpo = await staffLogin(server, 'cert-dpo');
      expect((await download(code, { Cookie: owner.cookie })).status).toBe(200);
      expect((await download(code, { Cookie: dpo.cookie })).status).toBe(200);
      const other = await download(code, { Cookie: rival.cookie });
      expect(other.status).toBe(404);
      expect(Buffer.from(await other.bytes()).toString()).not.toContain('%PDF');
      // Nobody anonymous, nobody with another learner's credential.
      expect((await download(code, {})).status).toBe(401);
      const stranger = await enrol(server);
      expect((await download(code, { Authorization: stranger.authorization })).status).toBe(403);
    });
  });
}
