/**
 * One query parameter as a quoted SQL literal. The literal is untyped, exactly as a text-format
 * parameter is, so the casts and contexts in the query decide its type: a `$1::uuid` becomes
 * `'…'::uuid`. Strings are written as standard SQL literals, quotes doubled: the database must
 * run with standard_conforming_strings on (PostgreSQL's default, and set by pglite-worker.ts),
 * under which a backslash is an ordinary character. Doubling quotes with one native replace
 * took well under a millisecond for a 176 KB batch of statements, where node-postgres's
 * escapeLiteral, which builds its result one character at a time, took about 10 ms.
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cannot pass ${value} as a SQL parameter`);
    return `'${value}'`;
  }
  if (typeof value === 'bigint') return `'${value}'`;
  if (typeof value === 'boolean') return value ? "'t'" : "'f'";
  if (value instanceof Date) return `'${value.toISOString()}'`;
  if (value instanceof Uint8Array) return `'\\x${Buffer.from(value).toString('hex')}'`;
  if (Array.isArray(value)) return quote(arrayLiteral(value));
  throw new TypeError(`cannot pass a ${typeof value} as a SQL parameter; serialise it first`);
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

// The text form of a one-dimensional PostgreSQL array: every element double-quoted, with
// backslashes and double quotes escaped by a backslash.
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new TypeError('array parameters may hold only strings, numbers and booleans');
    }
    return `"${String(v).replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${items.join(',')}}`;
}

/**
 * Replaces the placeholders `$1`, `$2`… of one SQL statement with literals, leaving string
 * literals, quoted identifiers, dollar-quoted bodies and comments untouched. The embedded
 * store sends the result through the simple query protocol, which costs one round trip into
 * PGlite instead of the extended protocol's five.
 */
export function inlineParams(text: string, params: readonly unknown[]): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charAt(i);
    if (c === "'" || c === '"') {
      const escapes = c === "'" && /(^|[^A-Za-z0-9_])[Ee]$/.test(text.slice(Math.max(0, i - 2), i));
      const end = skipQuoted(text, i, c, escapes);
      out += text.slice(i, end);
      i = end;
    } else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      const end = nl === -1 ? n : nl;
      out += text.slice(i, end);
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close === -1 ? n : close + 2;
      out += text.slice(i, end);
      i = end;
    } else if (c === '$') {
      const placeholder = /^\$(\d+)/.exec(text.slice(i, i + 12));
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (placeholder !== null && !/[A-Za-z0-9_]/.test(text[i - 1] ?? ' ')) {
        const index = Number(placeholder[1]) - 1;
        if (index < 0 || index >= params.length) {
          throw new RangeError(`the query uses $${index + 1} but has ${params.length} parameters`);
        }
        out += sqlLiteral(params[index]);
        i += placeholder[0].length;
      } else if (tag !== null) {
        const close = text.indexOf(tag[0], i + tag[0].length);
        const end = close === -1 ? n : close + tag[0].length;
        out += text.slice(i, end);
        i = end;
      } else {
        out += c;
        i += 1;
      }
    } else {
      // Copy up to the next character that may start a literal, comment or placeholder.
      SPECIAL.lastIndex = i + 1;
      const end = SPECIAL.exec(text)?.index ?? n;
      out += text.slice(i, end);
      i = end;
    }
  }
  return out;
}

const SPECIAL = /['"$/-]/g;

// The end of a quoted string or identifier; `escapes` for E'…' strings, where a backslash
// escapes the next character.
function skipQuoted(text: string, start: number, quote: string, escapes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    if (escapes && text[i] === '\\') {
      i += 2;
      continue;
    }
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    i += 1;
  }
  return text.length;
}
