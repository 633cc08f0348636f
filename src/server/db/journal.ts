import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

// A record: a header line "LRSJ1 <payload bytes> <crc32 hex>\n", the payload (UTF-8), "\n".
const MAGIC = 'LRSJ1';
const HEADER = /^LRSJ1 (\d+) ([0-9a-f]{8})$/;

/** What a journal file held when it was opened: whole records, and whether a torn tail was cut. */
export interface JournalContents {
  records: string[];
  /** Bytes after the last whole record (a write cut short by a crash), dropped. */
  tornBytes: number;
}

/** Reads the whole records of a journal file's bytes, stopping at the first that is not whole. */
export function readJournal(bytes: Buffer): JournalContents {
  const records: string[] = [];
  let at = 0;
  while (at < bytes.length) {
    const eol = bytes.indexOf(0x0a, at);
    if (eol === -1) break;
    const header = HEADER.exec(bytes.toString('latin1', at, eol));
    if (header === null) break;
    const length = Number(header[1]);
    const start = eol + 1;
    const end = start + length;
    if (end + 1 > bytes.length || bytes[end] !== 0x0a) break;
    const payload = bytes.subarray(start, end);
    if (crc32(payload).toString(16).padStart(8, '0') !== header[2]) break;
    records.push(payload.toString('utf8'));
    at = end + 1;
  }
  return { records, tornBytes: bytes.length - at };
}

/**
 * The embedded store's write-ahead journal: statements are appended here, and only then
 * acknowledged, before the database has applied them; once applied, the journal is emptied.
 * After a crash, whatever it still holds is applied again on start-up (applying is idempotent:
 * a statement already stored with the same content is accepted as it is).
 *
 * A write() that has returned survives the process being killed, which is the same guarantee
 * the embedded database gives its own log (PGlite runs with fsync off, so neither survives a
 * power cut that the operating system did not get to write out).
 */
export class Journal {
  readonly #fd: number;
  #size = 0;

  private constructor(fd: number) {
    this.#fd = fd;
  }

  /** Opens (creating) the journal at `file`, and returns what it holds from before. */
  static open(file: string): { journal: Journal; contents: JournalContents } {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      bytes = Buffer.alloc(0);
    }
    const contents = readJournal(bytes);
    const fd = openSync(file, 'a+');
    const journal = new Journal(fd);
    journal.#size = bytes.length;
    return { journal, contents };
  }

  /** Appends the payloads as records in one write; returns once the write has returned. */
  append(payloads: readonly string[]): void {
    const parts: Buffer[] = [];
    for (const p of payloads) {
      const body = Buffer.from(p, 'utf8');
      const crc = crc32(body).toString(16).padStart(8, '0');
      parts.push(Buffer.from(`${MAGIC} ${body.length} ${crc}\n`, 'latin1'), body, NEWLINE);
    }
    const all = Buffer.concat(parts);
    let written = 0;
    while (written < all.length) written += writeSync(this.#fd, all, written);
    this.#size += all.length;
  }

  /** Bytes the journal holds now. */
  get size(): number {
    return this.#size;
  }

  /** Empties the journal: everything in it has been applied. */
  clear(): void {
    if (this.#size === 0) return;
    ftruncateSync(this.#fd, 0);
    this.#size = 0;
  }

  close(): void {
    closeSync(this.#fd);
  }
}

const NEWLINE = Buffer.from('\n');
