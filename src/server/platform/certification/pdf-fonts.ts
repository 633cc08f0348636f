// The fonts of the certificate PDF: Noto Sans regular and bold (SIL Open Font License 1.1), from
// the npm package @expo-google-fonts/noto-sans, which ships them as TrueType files (the
// @fontsource packages ship WOFF files cut by script, one file per script range). Noto Sans
// covers Latin with its extensions (Vietnamese too), Greek and Cyrillic, the letters of the names
// the standard PDF fonts could not print, and it is the site's own fallback font.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import * as fontkit from 'fontkit';
import type { PDFDocument } from 'pdf-lib';

type PdfFontkit = Parameters<PDFDocument['registerFontkit']>[0];
type PdfFontkitFont = ReturnType<PdfFontkit['create']>;

const FILES = {
  regular: '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf',
} as const;

export type Weight = keyof typeof FILES;

const resolve = createRequire(import.meta.url).resolve;
let files: Record<Weight, Uint8Array> | undefined;

/** The TrueType file of a weight, read once. */
export function fontFile(weight: Weight): Uint8Array {
  files ??= {
    regular: readFileSync(resolve(FILES.regular)),
    bold: readFileSync(resolve(FILES.bold)),
  };
  return files[weight];
}

/**
 * fontkit as pdf-lib calls it. pdf-lib's own fork (@pdf-lib/fontkit 1.1.1, unchanged since 2020)
 * writes broken TrueType subsets (glyph offsets shifted by a byte: letters come out blank or
 * wrong) and throws on Devanagari; fontkit 2 is the maintained original, whose subsets are whole.
 * The one difference pdf-lib meets: it reads the subset as a stream, fontkit 2 gives its bytes.
 * Each document parses its own copy: fontkit keeps each glyph with the characters it was first
 * met for, and pdf-lib writes the PDF's text layer (copy, search, screen readers) from them, so a
 * font shared between documents could give a letter the text of another.
 */
export const pdfFontkit: PdfFontkit = {
  create(bytes: Uint8Array): PdfFontkitFont {
    const font = fontkit.create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (!('createSubset' in font)) throw new TypeError('a font collection, not one font');
    const createSubset = font.createSubset.bind(font);
    font.createSubset = () => {
      const subset = createSubset();
      return Object.assign(subset, { encodeStream: () => Readable.from([subset.encode()]) });
    };
    return font as unknown as PdfFontkitFont;
  },
};

/**
 * The OpenType features pdf-lib lays text out with. Glyph composition (ccmp) is off: it splits
 * "ị" into "i" and a dot below, and the dot, a glyph of no character of its own, would leave a
 * hole in the text layer; the font has the whole letter as one glyph. Positioning (kern, mark,
 * mkmk) is off too: pdf-lib sets glyphs by their advance widths and ignores the positions, and
 * reading those tables was most of the time a certificate took (25 of 30 ms per font).
 */
export const FEATURES = { ccmp: false, kern: false, mark: false, mkmk: false } as const;
