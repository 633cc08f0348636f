import { PageSizes, type PDFDocument } from 'pdf-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { storeKinds, type TestServer } from './helpers.ts';
import { blankGlyphs, pdfLines } from './pdf-text.ts';
import {
  api,
  catalogOf,
  certify,
  enrol,
  openCohort,
  POLICE,
  SITE,
  staffLogin,
  trackIn,
  usePlatform,
  type EnrolledLearner,
} from './certification-helpers.ts';

// A certificate as a PDF: the holder's page in their language, hostile and unusual names, and who
// may download it.

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

/** The lines of text a PDF's pages draw. */
async function linesOf(bytes: Uint8Array): Promise<string[]> {
  return (await pdfLines(bytes)).lines;
}

/** Names that are hard to print: combining marks, bidi overrides and emoji, the longest one. */
const NAMES = [
  // "Zoë Nguyên" typed with combining marks (NFD), as macOS and some keyboards send it.
  'Zoe\u0308 Nguye\u0302n',
  // Arabic with a right-to-left override, an emoji with joiners and a variation selector.
  'محمد \u202eevil\u202c 👨\u200d👩\u200d👧 ❤\ufe0f',
  // The longest name enrolment takes.
  'N'.repeat(120),
];

/**
 * Names of peacekeepers' countries with letters outside Windows-1252, which the standard PDF
 * fonts printed as "?" or without their marks, each with the language of its certificate.
 */
const UNICODE_NAMES = [
  ['Łukasz Wójcik', 'en'],
  ['Şükrü Yılmaz', 'fr'],
  ['Nguyễn Thị Ánh', 'en'],
  ['Ольга Петрова', 'fr'],
  ['Νίκος Παπαδόπουλος', 'en'],
  ['Ioana Țepeș-Dvořák', 'fr'],
  // A mark Unicode has no single letter for (o with dot below and grave): drawn after its letter.
  ['Adébáyọ̀ Ọláńrewájú', 'en'],
] as const;

/** Devanagari needs shaping pdf-lib cannot do; the service number has Arabic-Indic digits. */
const UNSHAPED = { name: 'किरण बेदी', serviceNumber: 'IN-٤٢' };

for (const kind of storeKinds()) {
  describe(`certificate as a PDF (${kind.name})`, () => {
    let server: TestServer;
    let holder: EnrolledLearner;
    let certificate: { code: string; expiresAt: string };
    const certified: { learner: EnrolledLearner; code: string }[] = [];
    const unicode: { name: string; lang: string; learner: EnrolledLearner; code: string }[] = [];
    let unshaped: { learner: EnrolledLearner; code: string };

    usePlatform(
      kind,
      [
        ['cert-owner', 'trainer'],
        ['cert-rival', 'trainer'],
        ['cert-dpo', 'dpo'],
      ],
      (started) => {
        ({ server } = started);
      },
    );
    beforeAll(async () => {
      const police = trackIn(await catalogOf(), POLICE);
      // The certificates are of learners in a cohort of cert-owner's.
      const cohort = await openCohort(server, await staffLogin(server, 'cert-owner'), POLICE);
      holder = await enrol(server, {
        name: 'Amélie N’Diaye\u202fKaboré',
        country: 'SN',
        cohort: cohort.code,
        language: 'fr',
        serviceNumber: 'SN-PDF-7',
      });
      certificate = await certify(server, holder, police, 'fr');
      expect(certificate.code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
      for (const name of NAMES) {
        const learner = await enrol(server, { name, cohort: cohort.code, language: 'en' });
        certified.push({ learner, code: (await certify(server, learner, police)).code });
      }
      for (const [name, lang] of UNICODE_NAMES) {
        const learner = await enrol(server, { name, cohort: cohort.code, language: lang });
        unicode.push({ name, lang, learner, code: (await certify(server, learner, police)).code });
      }
      const learner = await enrol(server, { ...UNSHAPED, cohort: cohort.code, language: 'en' });
      unshaped = { learner, code: (await certify(server, learner, police)).code };
    }, 240_000);

    /** The certificate's PDF, asked for with these headers. */
    const pdfOf = (code: string, headers: Record<string, string>) =>
      download(server, `/api/certification/certificates/${code}.pdf`, headers);

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
      const { cookie } = await staffLogin(server, 'cert-owner');
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

    it('prints a name typed with combining marks with its accented letters, not question marks', async () => {
      const { learner, code } = certified[0] ?? { learner: undefined, code: '' };
      const res = await pdfOf(code, { Authorization: learner?.authorization ?? '' });
      expect(res.status).toBe(200);
      const lines = await linesOf(res.body);
      expect(lines).toContain('Zoë Nguyên');
    });

    it('prints right-to-left text, overrides, emoji and 120-character names without a 5xx or invisible characters', async () => {
      for (const { learner, code } of certified.slice(1)) {
        const res = await pdfOf(code, { Authorization: learner.authorization });
        expect(res.status).toBe(200);
        const lines = await linesOf(res.body);
        const name = lines[3] ?? '';
        expect(name.length).toBeGreaterThan(0);
      }
      // Arabic and emoji have no glyph: a notice stands where the name would be, never a "?".
      const rtl = certified[1];
      const shown = await pdfOf(rtl?.code ?? '', {
        Authorization: rtl?.learner.authorization ?? '',
      });
      const rtlLines = await linesOf(shown.body);
      expect(rtlLines.slice(3, 5)).toEqual([
        'The holder’s name is in a script this file cannot print.',
        'The verification page below shows it exactly.',
      ]);
      expect(rtlLines.join('\n')).not.toMatch(/\?(?!code=)|evil/);
      const long = certified[2];
      const res = await pdfOf(long?.code ?? '', {
        Authorization: long?.learner.authorization ?? '',
      });
      expect(await linesOf(res.body)).toContain('N'.repeat(120));
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

    it('prints Polish, Turkish, Vietnamese, Cyrillic, Greek and Romanian names exactly, in English and French', async () => {
      for (const { name, lang, learner, code } of unicode) {
        const res = await pdfOf(code, { Authorization: learner.authorization });
        expect(res.status).toBe(200);
        const lines = await linesOf(res.body);
        // The name is the fourth line, in the learner's language, after the words before it.
        expect(lines[2]).toBe(lang === 'fr' ? 'Nous certifions que' : 'This certifies that');
        expect(lines[3]?.normalize('NFC')).toBe(name.normalize('NFC'));
        expect(lines.join('\n')).not.toContain('\ufffd');
        expect(lines.filter((line) => line.includes('?') && !line.includes('?code='))).toEqual([]);
        // Every letter drawn has an outline in the embedded font: none prints blank.
        expect(await blankGlyphs(res.body)).toEqual([]);
      }
      // The same certificate in the other language keeps the name.
      const { name, learner, code } = unicode[0] ?? { name: '', learner: holder, code: '' };
      const fr = await download(server, `/api/certification/certificates/${code}.pdf?lang=fr`, {
        Authorization: learner.authorization,
      });
      const { text } = await textOf(fr.body);
      expect(text).toContain(`Nous certifions que\n${name}\n`);
      expect(text).toContain('a suivi avec succès le parcours de formation');
    });

    it('prints a notice, not a wrong name, for a script that needs shaping, and unprintable service number characters as code points', async () => {
      const res = await pdfOf(unshaped.code, { Authorization: unshaped.learner.authorization });
      expect(res.status).toBe(200);
      const lines = await linesOf(res.body);
      expect(lines.slice(3, 6)).toEqual([
        'The holder’s name is in a script this file cannot print.',
        'The verification page below shows it exactly.',
        'Service number: IN-[U+0664][U+0662] · Country: Senegal',
      ]);
      expect(lines.join('\n')).not.toMatch(/[\u0900-\u097f]/u);
      expect(await blankGlyphs(res.body)).toEqual([]);
      // The verification page, which the notice sends the reader to, has the name as typed.
      const verify = await api(server, `/api/certificates/${unshaped.code}`);
      expect((verify.json as { name: string }).name).toBe(UNSHAPED.name);
    });

    it("gives a trainer the certificates of their own cohorts' learners only; the DPO every one", async () => {
      const { code } = certified[0] ?? { code: '' };
      const owner = await staffLogin(server, 'cert-owner');
      const rival = await staffLogin(server, 'cert-rival');
      const dpo = await staffLogin(server, 'cert-dpo');
      expect((await pdfOf(code, { Cookie: owner.cookie })).status).toBe(200);
      expect((await pdfOf(code, { Cookie: dpo.cookie })).status).toBe(200);
      const other = await pdfOf(code, { Cookie: rival.cookie });
      expect(other.status).toBe(404);
      expect(Buffer.from(other.body).toString()).not.toContain('%PDF');
      // Nobody anonymous, nobody with another learner's credential.
      expect((await pdfOf(code, {})).status).toBe(401);
      const stranger = await enrol(server);
      expect((await pdfOf(code, { Authorization: stranger.authorization })).status).toBe(403);
    });
  });
}
