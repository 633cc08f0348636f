// The text a PDF made by the service draws, for the certificate tests.
import { inflateSync } from 'node:zlib';
import { PDFDocument, PDFRawStream } from 'pdf-lib';

const WIN_ANSI = new TextDecoder('windows-1252');

/**
 * The strings a PDF's page content streams draw with Tj, in order (the standard fonts write each
 * as hex in WinAnsi, Windows-1252), and the loaded document.
 */
export async function pdfLines(bytes: Uint8Array): Promise<{ doc: PDFDocument; lines: string[] }> {
  const doc = await PDFDocument.load(bytes);
  const lines: string[] = [];
  for (const page of doc.getPages()) {
    const streams = page.node.Contents();
    const refs = streams === undefined ? [] : 'asArray' in streams ? streams.asArray() : [streams];
    for (const ref of refs) {
      const stream = doc.context.lookup(ref);
      if (!(stream instanceof PDFRawStream)) continue;
      const raw = Buffer.from(stream.getContents());
      const content = (
        stream.dict.toString().includes('FlateDecode') ? inflateSync(raw) : raw
      ).toString('latin1');
      for (const [, hex] of content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)) {
        lines.push(WIN_ANSI.decode(Buffer.from(hex ?? '', 'hex')));
      }
    }
  }
  return { doc, lines };
}
