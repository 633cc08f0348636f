import { PageSizes, type PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaffUser } from '../../src/server/platform/staff/accounts.ts';
import type { PlatformStore } from '../../src/server/platform/store/platform-store.ts';
import { storeKinds, type TestServer } from './helpers.ts';
import { pdfLines } from './pdf-text.ts';
import {
  answersTo,
  api,
  catalogOf,
  completeModules,
  enrol,
  openCohort,
  SITE,
  staffLogin,
  STAFF_PASSWORD,
  startAttempt,
  startPlatform,
  submitAttempt,
  trackIn,
  type EnrolledLearner,
} from './certification-helpers.ts';

const POLICE = 'police-pre-deployment';

/** The file's bytes and status, fetched as a browser would with the learner's credential. */
async function download(server: TestServer, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.url}${path}`, { headers });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.bytes() };
}

/** The text a PDF shows: every string its pages draw, a line each. */
async function textOf(bytes: Uint8Array): Promise<{ pages: PDFDocument; text: string }> {
  const { doc, lines } = await pdfLines(bytes);
  return { pages: doc, text: lines.map((line) => `${line}\n`).join('') };
}

for (const kind of storeKinds()) {
  describe(`certificate as a PDF (${kind.name})`, () => {
    let server: TestServer;
    let platform: PlatformStore;
    let cleanup: () => Promise<void>;
    let holder: EnrolledLearner;
    let certificate: { code: string; expiresAt: string };

    beforeAll(async () => {
      const opened = await kind.open();
      cleanup = () => opened.cleanup();
      ({ server, platform } = await startPlatform(opened.store));
      await createStaffUser(platform.staff, 'pdf-trainer', 'trainer', STAFF_PASSWORD);
      const police = trackIn(await catalogOf(), POLICE);
      // Graded attempts need a seat in a trainer's cohort.
      const cohort = await openCohort(server, await staffLogin(server, 'pdf-trainer'), POLICE);
      holder = await enrol(server, {
        name: 'Amélie N’Diaye\u202fKaboré',
        country: 'SN',
        cohort: cohort.code,
        language: 'fr',
        serviceNumber: 'SN-PDF-7',
      });
      const { started } = await startAttempt(server, holder, POLICE, 'fr');
      const pass = await submitAttempt(server, holder, started, answersTo(police, started, true));
      expect(pass.result.passed).toBe(true);
      await completeModules(server, holder, police.rule.requiredModules);
      const status = await api(server, `/api/certification/${POLICE}/status`, {
        authorization: holder.authorization,
      });
      certificate = (status.json as { certificate: { code: string; expiresAt: string } })
        .certificate;
      expect(certificate.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    }, 60_000);
    afterAll(async () => {
      await server.close();
      await cleanup();
    });

    it('gives the holder one A4 page in their language with the code, the dates and the name', async () => {
      const file = await download(
        server,
        `/api/certification/certificates/${certificate.code}.pdf`,
        { Authorization: holder.authorization },
      );
      expect(file.status).toBe(200);
      expect(file.type).toBe('application/pdf');
      const { pages, text } = await textOf(file.body);
      expect(pages.getPageCount()).toBe(1);
      const [width, height] = PageSizes.A4;
      expect(pages.getPage(0).getSize()).toEqual({ width, height });
      expect(text).toContain(certificate.code);
      const expiry = new Intl.DateTimeFormat('fr-FR', {
        dateStyle: 'long',
        timeZone: 'UTC',
      }).format(new Date(certificate.expiresAt));
      expect(text).toContain(`Valable jusqu’au: ${expiry}`);
      // The narrow no-break space, which the standard fonts lack, prints as a space; accents and
      // the typographic apostrophe print as given.
      expect(text).toContain('Amélie N’Diaye Kaboré');
      expect(text).toContain('Matricule: SN-PDF-7 · Pays: Sénégal');
      expect(pages.getTitle()).toBe(`Certificat ${certificate.code}`);
    });

    it('writes it in English on request, with the verification address from SITE_URL', async () => {
      const file = await download(
        server,
        `/api/certification/certificates/${certificate.code.toLowerCase()}.pdf?lang=en`,
        { Authorization: holder.authorization },
      );
      expect(file.status).toBe(200);
      const { text } = await textOf(file.body);
      const expiry = new Intl.DateTimeFormat('en-GB', {
        dateStyle: 'long',
        timeZone: 'UTC',
      }).format(new Date(certificate.expiresAt));
      expect(text).toContain(`Valid until: ${expiry}`);
      expect(text).toContain(`${SITE}/en/verify/`);
    });

    it('lets signed-in staff download it', async () => {
      const { cookie } = await staffLogin(server, 'pdf-trainer');
      const file = await download(
        server,
        `/api/certification/certificates/${certificate.code}.pdf`,
        { Cookie: cookie },
      );
      expect(file.status).toBe(200);
      expect((await textOf(file.body)).text).toContain(certificate.code);
    });

    it('refuses another learner, an anonymous caller, an unknown code and a malformed one', async () => {
      const other = await enrol(server);
      const path = `/api/certification/certificates/${certificate.code}.pdf`;
      const forOther = await download(server, path, { Authorization: other.authorization });
      expect(forOther.status).toBe(403);
      expect(Buffer.from(forOther.body).toString()).not.toContain('%PDF');
      expect((await download(server, path)).status).toBe(401);
      const unknown = certificate.code.startsWith('0000') ? '1111' : '0000';
      const unknownCode = `${unknown}${certificate.code.slice(4)}`;
      expect(
        (
          await download(server, `/api/certification/certificates/${unknownCode}.pdf`, {
            Authorization: holder.authorization,
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await download(server, `/api/certification/certificates/not-a-code.pdf`, {
            Authorization: holder.authorization,
          })
        ).status,
      ).toBe(400);
      expect(
        (
          await download(server, `/api/certification/certificates/${certificate.code}.png`, {
            Authorization: holder.authorization,
          })
        ).status,
      ).toBe(404);
    });
  });
}
