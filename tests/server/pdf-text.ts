// The text a PDF made by the service draws, for the certificate tests.
import { inflateSync } from 'node:zlib';
import * as fontkit from 'fontkit';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRawStream, type PDFPage } from 'pdf-lib';

const WIN_ANSI = new TextDecoder('windows-1252');

/** A font of a page as the tests read it: how its codes map to text, and its embedded file. */
interface PageFont {
  /** Code (hex, as the content stream writes it) to text, from the font's ToUnicode CMap. */
  unicode: Map<string, string> | null;
  /** The embedded TrueType file, when the font has one. */
  file: fontkit.Font | null;
}

/** The bytes of a stream, inflated when compressed. */
function streamBytes(stream: PDFRawStream): Buffer {
  const raw = Buffer.from(stream.getContents());
  return stream.dict.toString().includes('FlateDecode') ? inflateSync(raw) : raw;
}

/** A ToUnicode CMap's bfchar and bfrange entries (the forms pdf-lib writes), code to text. */
function parseCMap(text: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string): string =>
    String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((unit) => parseInt(unit, 16)));
  for (const [, block = ''] of text.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code = '', value = ''] of block.matchAll(
      /<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g,
    )) {
      map.set(code.toUpperCase(), utf16(value));
    }
  }
  for (const [, block = ''] of text.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, from = '', to = '', value = ''] of block.matchAll(
      /<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g,
    )) {
      const start = parseInt(value, 16);
      for (let code = parseInt(from, 16); code <= parseInt(to, 16); code += 1) {
        const hex = code.toString(16).toUpperCase().padStart(from.length, '0');
        map.set(hex, String.fromCodePoint(start + code - parseInt(from, 16)));
      }
    }
  }
  return map;
}

/** The fonts of a page by resource name: standard fonts (WinAnsi) or embedded Type 0 fonts. */
function pageFonts(doc: PDFDocument, page: PDFPage): Map<string, PageFont> {
  const fonts = new Map<string, PageFont>();
  const dict = page.node.Resources()?.lookupMaybe(PDFName.of('Font'), PDFDict);
  for (const [key, ref] of dict?.entries() ?? []) {
    const font = doc.context.lookup(ref, PDFDict);
    const stream = (dict: PDFDict | undefined, name: string): PDFRawStream | undefined => {
      const value = dict?.lookup(PDFName.of(name));
      return value instanceof PDFRawStream ? value : undefined;
    };
    const toUnicode = stream(font, 'ToUnicode');
    const embedded = stream(
      font
        .lookupMaybe(PDFName.of('DescendantFonts'), PDFArray)
        ?.lookup(0, PDFDict)
        .lookupMaybe(PDFName.of('FontDescriptor'), PDFDict),
      'FontFile2',
    );
    const file = embedded === undefined ? null : fontkit.create(streamBytes(embedded));
    fonts.set(key.asString(), {
      unicode: toUnicode === undefined ? null : parseCMap(streamBytes(toUnicode).toString()),
      file: file !== null && 'getGlyph' in file ? file : null,
    });
  }
  return fonts;
}

/** One string a page draws with Tj: its text, and the codes and font it was drawn with. */
export interface DrawnText {
  text: string;
  codes: string[];
  font: PageFont | undefined;
}

/**
 * The strings a PDF's pages draw with Tj, in order: read through each font's ToUnicode CMap
 * (embedded fonts, two-byte glyph codes) or as WinAnsi (the standard fonts).
 */
export async function pdfDrawn(
  bytes: Uint8Array,
): Promise<{ doc: PDFDocument; drawn: DrawnText[] }> {
  const doc = await PDFDocument.load(bytes);
  const drawn: DrawnText[] = [];
  for (const page of doc.getPages()) {
    const fonts = pageFonts(doc, page);
    const streams = page.node.Contents();
    const refs = streams === undefined ? [] : 'asArray' in streams ? streams.asArray() : [streams];
    for (const ref of refs) {
      const stream = doc.context.lookup(ref);
      if (!(stream instanceof PDFRawStream)) continue;
      const content = streamBytes(stream).toString('latin1');
      let font: PageFont | undefined;
      for (const [, name, hex = ''] of content.matchAll(
        /(\/[^\s/<>[\]()]+)\s+[\d.]+\s+Tf|<([0-9A-Fa-f]*)>\s*Tj/g,
      )) {
        if (name !== undefined) {
          font = fonts.get(name);
          continue;
        }
        if (font?.unicode == null) {
          drawn.push({ text: WIN_ANSI.decode(Buffer.from(hex, 'hex')), codes: [], font });
          continue;
        }
        const codes = (hex.toUpperCase().match(/.{4}/g) ?? []) as string[];
        const text = codes.map((code) => font?.unicode?.get(code) ?? '\ufffd').join('');
        drawn.push({ text, codes, font });
      }
    }
  }
  return { doc, drawn };
}

/** The strings a PDF's pages draw with Tj, a line each, and the loaded document. */
export async function pdfLines(bytes: Uint8Array): Promise<{ doc: PDFDocument; lines: string[] }> {
  const { doc, drawn } = await pdfDrawn(bytes);
  return { doc, lines: drawn.map((line) => line.text) };
}

/**
 * The characters a PDF draws whose glyph in the embedded font has no outline: letters that
 * would print blank (a broken font subset). Spaces have none by design and are left out.
 */
export async function blankGlyphs(bytes: Uint8Array): Promise<string[]> {
  const blank: string[] = [];
  for (const { codes, font } of (await pdfDrawn(bytes)).drawn) {
    for (const code of codes) {
      const char = font?.unicode?.get(code) ?? '\ufffd';
      if (/^\s$/u.test(char)) continue;
      const glyph = font?.file?.getGlyph(parseInt(code, 16));
      if (glyph === undefined || glyph.path.commands.length === 0) blank.push(char);
    }
  }
  return blank;
}
