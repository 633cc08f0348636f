import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PDFDocument, PageSizes, rgb, StandardFonts, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { langParam, queryParams } from '../../http/params.ts';
import type { Authenticator } from '../../lrs/auth/authenticate.ts';
import { agentIfi } from '../../lrs/xapi/statement-index.ts';
import type { StaffSession } from '../staff/accounts.ts';
import type { RequireStaff } from '../staff/guard.ts';
import { groupCode, normaliseCode } from './codes.ts';
import type { CertificationService } from './service.ts';
import { countryName } from '../enrolment/countries.ts';

/** What the certificate file shows. */
export interface CertificateSheet {
  lang: 'en' | 'fr';
  /** The verification code, grouped (ABCD-EFGH-JKMN-PQRS). */
  code: string;
  name: string;
  serviceNumber: string;
  country: string;
  trackTitle: string;
  issuedAt: string;
  expiresAt: string;
  /** The public verification page of this certificate. */
  verifyUrl: string;
  /** The course's name, at the top of the page. */
  courseName: string;
}

const WORDS = {
  en: {
    course: 'Child Protection in Peace Operations',
    title: 'Certificate',
    certifies: 'This certifies that',
    serviceNumber: 'Service number',
    country: 'Country',
    completed: 'has completed the training track',
    issued: 'Issued',
    expires: 'Valid until',
    code: 'Verification code',
    verifyAt: 'Check this certificate at',
  },
  fr: {
    course: 'Protection de l’enfance dans les opérations de paix',
    title: 'Certificat',
    certifies: 'Nous certifions que',
    serviceNumber: 'Matricule',
    country: 'Pays',
    completed: 'a suivi avec succès le parcours de formation',
    issued: 'Délivré le',
    expires: 'Valable jusqu’au',
    code: 'Code de vérification',
    verifyAt: 'Vérifiez ce certificat sur',
  },
} as const;

/** The course's name in a language, for the top of the certificate. */
export function courseName(lang: 'en' | 'fr'): string {
  return WORDS[lang].course;
}

/** Spaces a standard font has no glyph for, shown as an ordinary space. */
const SPACES = /[\u2000-\u200a\u202f\u205f\u3000]/g;

/**
 * The text as the font can draw it. The standard PDF fonts encode WinAnsi (Windows-1252): French
 * letters, typographic apostrophes and quotes are there, narrow no-break spaces and most other
 * scripts are not. Spaces become plain spaces, a non-breaking hyphen a hyphen, letters with marks
 * the font lacks lose their marks (Ł stays unreadable: "?"), combining marks compose with their
 * letter or are dropped, so a name always prints; the verification page shows it exactly.
 */
export function drawable(font: PDFFont, text: string): string {
  const known = new Set(font.getCharacterSet());
  let out = '';
  // Composed first: a name typed as "e" and a combining acute (as some keyboards and macOS file
  // names send it) is "é", which the font has; a mark that composes with nothing is dropped, as
  // are invisible format characters (direction marks and overrides, zero-width joiners).
  for (const char of text
    .normalize('NFC')
    .replace(SPACES, ' ')
    .replace(/\u2011/g, '-')) {
    if (known.has(char.codePointAt(0) ?? 0)) {
      out += char;
      continue;
    }
    if (/^[\p{M}\p{Cf}]$/u.test(char)) continue;
    const bare = char.normalize('NFKD').replace(/\p{M}/gu, '');
    out +=
      Array.from(bare).every((c) => known.has(c.codePointAt(0) ?? 0)) && bare !== '' ? bare : '?';
  }
  return out;
}

/** A date as the learner's language writes it: "3 December 2026", "3 décembre 2026". */
function longDate(iso: string, lang: 'en' | 'fr'): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'UTC',
  }).format(new Date(iso));
}

const INK = rgb(0.106, 0.122, 0.141);
const MUTED = rgb(0.29, 0.333, 0.38);
const ACCENT = rgb(0.043, 0.361, 0.678);

/**
 * The certificate as a PDF: one A4 page, in the learner's language, with the learner's name,
 * service number and country, the track, the dates, the code and a QR code of the verification
 * page drawn as vector squares (sharp at any print size). The standard Helvetica fonts need
 * nothing embedded and keep the file small.
 */
export async function certificatePdf(sheet: CertificateSheet): Promise<Uint8Array> {
  const words = WORDS[sheet.lang];
  const doc = await PDFDocument.create();
  doc.setTitle(`${words.title} ${sheet.code}`);
  doc.setSubject(`${sheet.courseName}: ${sheet.trackTitle}`);
  doc.setLanguage(sheet.lang);
  doc.setCreator(sheet.courseName);
  doc.setCreationDate(new Date(sheet.issuedAt));
  const page = doc.addPage(PageSizes.A4);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const [width, height] = PageSizes.A4;
  const margin = 42;

  // A double frame, as on the printed web page.
  page.drawRectangle({
    x: margin,
    y: margin,
    width: width - 2 * margin,
    height: height - 2 * margin,
    borderColor: ACCENT,
    borderWidth: 3,
  });
  page.drawRectangle({
    x: margin + 7,
    y: margin + 7,
    width: width - 2 * margin - 14,
    height: height - 2 * margin - 14,
    borderColor: ACCENT,
    borderWidth: 1,
  });

  let y = height - 130;
  const centred = (text: string, font: PDFFont, size: number, color = INK, gap = 1.6): void => {
    // Long lines (a long name or track) shrink to fit inside the frame.
    const safe = drawable(font, text);
    const room = width - 2 * margin - 60;
    const fitted = Math.min(size, (size * room) / Math.max(1, font.widthOfTextAtSize(safe, size)));
    page.drawText(safe, {
      x: (width - font.widthOfTextAtSize(safe, fitted)) / 2,
      y,
      size: fitted,
      font,
      color,
    });
    y -= fitted * gap;
  };

  centred(sheet.courseName, regular, 13, MUTED, 3.5);
  centred(words.title, bold, 40, ACCENT, 2.4);
  centred(words.certifies, regular, 14, INK, 2.4);
  centred(sheet.name, bold, 28, INK, 1.5);
  centred(
    `${words.serviceNumber}: ${sheet.serviceNumber} · ${words.country}: ${sheet.country}`,
    regular,
    12,
    MUTED,
    3.2,
  );
  centred(words.completed, regular, 14, INK, 2.2);
  centred(sheet.trackTitle, bold, 20, INK, 3.4);
  centred(`${words.issued}: ${longDate(sheet.issuedAt, sheet.lang)}`, regular, 13, INK, 1.8);
  centred(`${words.expires}: ${longDate(sheet.expiresAt, sheet.lang)}`, bold, 13, INK, 1.8);

  drawVerification(page, sheet, { regular, bold }, margin + 60);
  return doc.save();
}

/** The QR code of the verification page, with the code and the address beside it. */
function drawVerification(
  page: PDFPage,
  sheet: CertificateSheet,
  fonts: { regular: PDFFont; bold: PDFFont },
  bottom: number,
): void {
  const words = WORDS[sheet.lang];
  const qr = QRCode.create(sheet.verifyUrl, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const side = 130;
  const cell = side / count;
  const left = 110;
  for (let row = 0; row < count; row += 1) {
    for (let col = 0; col < count; col += 1) {
      if (qr.modules.get(row, col) === 0) continue;
      page.drawRectangle({
        x: left + col * cell,
        y: bottom + side - (row + 1) * cell,
        width: cell,
        height: cell,
        color: INK,
      });
    }
  }
  const x = left + side + 24;
  const text = (value: string, font: PDFFont, size: number, y: number): void => {
    page.drawText(drawable(font, value), { x, y, size, font, color: INK });
  };
  text(words.code, fonts.regular, 11, bottom + side - 20);
  text(sheet.code, fonts.bold, 18, bottom + side - 44);
  text(words.verifyAt, fonts.regular, 10, bottom + 40);
  // The address may be long: a smaller size, broken at the query if it still does not fit.
  const room = page.getWidth() - x - 70;
  const [path = '', query = ''] = sheet.verifyUrl.split('?');
  if (fonts.regular.widthOfTextAtSize(sheet.verifyUrl, 9) <= room) {
    text(sheet.verifyUrl, fonts.regular, 9, bottom + 26);
  } else {
    text(path, fonts.regular, 9, bottom + 26);
    text(`?${query}`, fonts.regular, 9, bottom + 14);
  }
}

/** Options of the certificate file route. */
export interface CertificatePdfRouteOptions {
  svc: CertificationService;
  auth: Authenticator;
  requireStaff: RequireStaff;
}

/**
 * GET /api/certification/certificates/{code}.pdf: the certificate as a file, for the learner
 * who holds it (their Basic credential or session cookie), the DPO, or the trainer of the
 * learner's cohort (another trainer gets 404, as for the cohort itself); ?lang=en|fr, the
 * learner's enrolment language by default. Another learner gets 403, an unknown code 404.
 */
// eslint-disable-next-line @typescript-eslint/require-await -- Fastify treats async plugins as ready when they resolve
export async function certificatePdfRoutes(
  app: FastifyInstance,
  options: CertificatePdfRouteOptions,
): Promise<void> {
  const { svc, auth, requireStaff } = options;

  /** Whose request it is: the learner's IFI, or the staff member's session. */
  const callerOf = async (
    request: FastifyRequest,
  ): Promise<{ ifi: string } | { staff: StaffSession }> => {
    if (!auth.hasCredential(request)) {
      return { staff: await requireStaff(request, ['dpo', 'trainer']) };
    }
    const principal = await auth.authenticate(request);
    const ifi = principal.agent === null ? undefined : agentIfi(principal.agent);
    if (ifi === undefined || ifi === null) throw forbidden('this needs a learner credential');
    return { ifi };
  };

  app.get<{ Params: { file: string } }>(
    '/api/certification/certificates/:file',
    async (request, reply) => {
      const query = queryParams(request, ['lang']);
      const { file } = request.params;
      if (!file.endsWith('.pdf')) throw notFound('certificates are served as {code}.pdf');
      const code = normaliseCode(file.slice(0, -'.pdf'.length));
      if (code === null) throw badRequest('a verification code has 16 letters and digits');
      const caller = await callerOf(request);
      const stored = await svc.platform.certificates.byCode(code);
      if (stored === null) throw notFound('no certificate has this code');
      if ('ifi' in caller && caller.ifi !== stored.learnerIfi) {
        throw forbidden('this certificate belongs to another learner');
      }
      const learner = await svc.platform.learners.byAgent(stored.learnerIfi);
      // A trainer sees the certificates of their own cohorts' learners, as the cohort view does;
      // the DPO sees every one.
      if ('staff' in caller && caller.staff.user.role === 'trainer') {
        const cohort =
          learner?.cohort == null ? null : await svc.platform.cohorts.byCode(learner.cohort);
        if (cohort?.createdBy !== caller.staff.user.id)
          throw notFound('no certificate has this code');
      }
      const lang =
        query.lang === undefined && (learner?.language === 'fr' || learner?.language === 'en')
          ? learner.language
          : langParam(query.lang);
      const grouped = groupCode(stored.code);
      const pdf = await certificatePdf({
        lang,
        code: grouped,
        name: stored.learnerName,
        serviceNumber: learner?.serviceNumber ?? '',
        country: countryName(learner?.country ?? '', lang),
        trackTitle: svc.track(stored.trackId)?.titles[lang] ?? stored.trackId,
        issuedAt: stored.issuedAt,
        expiresAt: stored.expiresAt,
        verifyUrl: `${svc.site}/${lang}/verify/?code=${encodeURIComponent(grouped)}`,
        courseName: courseName(lang),
      });
      return reply
        .type('application/pdf')
        .header('Content-Disposition', `attachment; filename="certificate-${grouped}.pdf"`)
        .send(Buffer.from(pdf));
    },
  );
}
