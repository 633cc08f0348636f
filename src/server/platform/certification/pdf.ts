import type { FastifyInstance, FastifyRequest } from 'fastify';
import { PDFDocument, PageSizes, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
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
import { FEATURES, fontFile, pdfFontkit } from './pdf-fonts.ts';

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
    unprintable: 'The holder’s name is in a script this file cannot print.',
    unprintableSee: 'The verification page below shows it exactly.',
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
    unprintable: 'Le nom du titulaire est dans une écriture que ce fichier ne peut pas imprimer.',
    unprintableSee: 'La page de vérification ci-dessous l’affiche tel quel.',
  },
} as const;

/** The course's name in a language, for the top of the certificate. */
export function courseName(lang: 'en' | 'fr'): string {
  return WORDS[lang].course;
}

/** Spaces the font has no glyph for, shown as an ordinary space. */
const SPACES = /[\u2000-\u200a\u202f\u205f\u3000]/g;

/** Invisible characters: direction marks and overrides, joiners, variation selectors. */
const INVISIBLE = /^[\p{Cf}\p{Variation_Selector}]$/u;

/**
 * Scripts pdf-lib draws right: letters one after the other, left to right, each its own glyph.
 * Arabic and Hebrew run right to left and Arabic letters join; Devanagari, Bengali, Thai and the
 * other scripts of South and South-East Asia reorder and stack their letters. pdf-lib places
 * glyphs side by side and nothing more, so a name in those scripts would print wrong.
 */
const SIMPLE_SCRIPT =
  /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}\p{Script=Inherited}]$/u;

const characterSets = new WeakMap<PDFFont, Set<number>>();

/** The code points a font has a glyph for. */
function characterSet(font: PDFFont): Set<number> {
  let set = characterSets.get(font);
  if (set === undefined) {
    set = new Set(font.getCharacterSet());
    characterSets.set(font, set);
  }
  return set;
}

/**
 * The text exactly as the fonts can draw it, or null when it cannot be: a character with no
 * glyph in every font given (other scripts, emoji) or of a script that needs shaping. Composed
 * first: a name typed as "e" and a combining acute (as some keyboards and macOS file names send
 * it) is "é"; a mark that composes with nothing is drawn after its letter, where the font puts it.
 * Spaces the font lacks become plain spaces, a non-breaking hyphen a hyphen, and compatibility
 * forms (full-width letters, ligatures) their plain letters; invisible characters are left out.
 */
export function printable(fonts: readonly PDFFont[], text: string): string | null {
  const sets = fonts.map(characterSet);
  const drawn = (char: string): boolean =>
    SIMPLE_SCRIPT.test(char) && sets.every((set) => set.has(char.codePointAt(0) ?? 0));
  let out = '';
  for (const char of text
    .normalize('NFC')
    .replace(SPACES, ' ')
    .replace(/\u2011/g, '-')) {
    if (drawn(char)) out += char;
    else if (INVISIBLE.test(char)) continue;
    else {
      const plain = char.normalize('NFKC');
      if (plain === char || !Array.from(plain).every(drawn)) return null;
      out += plain;
    }
  }
  return out;
}

/**
 * Text that must print even where a character cannot (a service number as typed): each such
 * character is written as its code point, "[U+0645]", never as a silent "?".
 */
export function drawable(font: PDFFont, text: string): string {
  return Array.from(text.normalize('NFC'))
    .map((char) => {
      if (INVISIBLE.test(char)) return '';
      const shown = printable([font], char);
      return (
        shown ?? `[U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}]`
      );
    })
    .join('');
}

/** The text on one line if it fits at this size, else split at the space nearest its middle. */
function halves(text: string, font: PDFFont, size: number, room: number): [string, string?] {
  if (font.widthOfTextAtSize(text, size) <= room) return [text];
  const middle = text.length / 2;
  let best = -1;
  for (let at = text.indexOf(' '); at !== -1; at = text.indexOf(' ', at + 1)) {
    if (best === -1 || Math.abs(at - middle) < Math.abs(best - middle)) best = at;
  }
  return best === -1 ? [text] : [text.slice(0, best).trimEnd(), text.slice(best + 1).trimStart()];
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
 * page drawn as vector squares (sharp at any print size). The text is in Noto Sans, embedded as
 * a subset of the glyphs drawn, which keeps the file small. A name the font cannot draw right
 * (see printable) is not printed at all, rather than printed wrong: a notice stands in its place
 * and sends the reader to the verification page, which shows the name as stored.
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
  doc.registerFontkit(pdfFontkit);
  const regular = await doc.embedFont(fontFile('regular'), { subset: true, features: FEATURES });
  const bold = await doc.embedFont(fontFile('bold'), { subset: true, features: FEATURES });
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
  const room = width - 2 * margin - 60;
  const centred = (text: string, font: PDFFont, size: number, color = INK, gap = 1.6): void => {
    // Long lines (a long name or track) shrink to fit inside the frame; the next line keeps its
    // place.
    const safe = drawable(font, text);
    const fitted = Math.min(size, (size * room) / Math.max(1, font.widthOfTextAtSize(safe, size)));
    page.drawText(safe, {
      x: (width - font.widthOfTextAtSize(safe, fitted)) / 2,
      y,
      size: fitted,
      font,
      color,
    });
    y -= size * gap;
  };

  centred(sheet.courseName, regular, 13, MUTED, 3.5);
  centred(words.title, bold, 40, ACCENT, 2.4);
  centred(words.certifies, regular, 14, INK, 2.4);
  const name = printable([bold], sheet.name);
  if (name === null) {
    centred(words.unprintable, bold, 15, INK, 1.6);
    centred(words.unprintableSee, regular, 12, INK, 1.9);
  } else {
    // A name too long for one line breaks at the space nearest its middle, both halves at one
    // size, smaller if one of them must shrink to fit.
    const [first, second] = halves(name, bold, 28, room);
    if (second === undefined) centred(first, bold, 28, INK, 1.5);
    else {
      const widest = Math.max(...[first, second].map((half) => bold.widthOfTextAtSize(half, 28)));
      const size = Math.min(28, (28 * room) / widest);
      centred(first, bold, size, INK, 1.2);
      centred(second, bold, size, INK, 1.5);
    }
  }
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
