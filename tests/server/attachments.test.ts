import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boundaryOf, parseMultipart } from '../../src/server/lrs/xapi/multipart.ts';
import {
  createCredential,
  q,
  startServer,
  statement,
  storeKinds,
  xapi,
  type TestCredential,
  type TestServer,
} from './helpers.ts';
import {
  attachmentObject,
  getMultipart,
  multipartBody,
  sendMultipart,
  sha256,
} from './multipart-helpers.ts';

// Bytes that a careless parser would mangle: line breaks, a fake boundary, NUL and high bytes.
function awkwardBytes(): Buffer {
  return Buffer.concat([
    Buffer.from('\r\n--xapi-test-boundary-not\r\n\r\n'),
    randomBytes(3000),
    Buffer.from([0, 0xff, 0xfe, 13, 10, 13, 10]),
  ]);
}

describe('multipart parser', () => {
  it('reads quoted and bare boundaries, a preamble, transport padding and empty headers', () => {
    expect(boundaryOf('multipart/mixed; boundary="a b:c"')).toBe('a b:c');
    expect(boundaryOf('multipart/mixed;boundary=abc123')).toBe('abc123');
    expect(boundaryOf('multipart/mixed')).toBeNull();
    const body = Buffer.from(
      'preamble\r\n--b  \r\nContent-Type: text/plain\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\nepilogue',
    );
    const parts = parseMultipart(body, 'b');
    expect(parts.map((p) => p.body.toString())).toEqual(['one', 'two']);
    expect(parts[0]?.headers['content-type']).toBe('text/plain');
    expect(parts[1]?.headers).toEqual({});
    expect(() => parseMultipart(Buffer.from('--b\r\nX: 1\r\n\r\nopen'), 'b')).toThrow(
      'closing boundary',
    );
  });
});

describe.each(storeKinds())('attachments on $name', (kind) => {
  let server: TestServer;
  let admin: TestCredential;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await kind.open();
    cleanup = () => opened.cleanup();
    server = await startServer(opened.store, { attachmentBodyLimit: 64 * 1024 });
    admin = await createCredential(opened.store, ['all']);
  });

  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const storedContents = async (sha2: string): Promise<number> => {
    const rows = await server.store.database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM attachments WHERE sha2 = $1',
      [sha2],
    );
    return rows[0]?.n ?? 0;
  };

  const exists = async (id: string) =>
    (await xapi(server, admin, `/xapi/statements?statementId=${id}`)).status;

  it('stores a POSTed attachment part and returns it byte for byte with attachments=true', async () => {
    const content = awkwardBytes();
    const s = statement({ attachments: [attachmentObject(content)] });
    const post = await sendMultipart(server, admin, '/xapi/statements', s, [{ content }]);
    expect(post.status).toBe(200);
    expect(post.json).toEqual([s.id]);

    const got = await getMultipart(
      server,
      admin,
      `/xapi/statements?statementId=${s.id}&attachments=true`,
    );
    expect(got.status).toBe(200);
    expect(got.contentType).toMatch(/^multipart\/mixed; boundary=/);
    expect(got.parts).toHaveLength(2);
    const [json, part] = got.parts;
    expect(json?.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(json?.body.toString('utf8') ?? '')).toMatchObject({ id: s.id });
    expect(part?.headers['x-experience-api-hash']).toBe(sha256(content));
    expect(part?.headers['content-transfer-encoding']).toBe('binary');
    expect(part?.headers['content-type']).toBe('application/octet-stream');
    expect(part?.body.equals(content)).toBe(true);

    // attachments=false (and the default) answer plain JSON without the content.
    for (const suffix of ['', '&attachments=false']) {
      const plain = await xapi(server, admin, `/xapi/statements?statementId=${s.id}${suffix}`);
      expect(plain.status).toBe(200);
      expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
      expect((plain.json as { attachments: unknown[] }).attachments).toHaveLength(1);
    }
  });

  it('accepts a PUT with an attachment part, and the example of the specification', async () => {
    const content = Buffer.from('Patrol report: two children referred to UNICEF.');
    const s = statement({
      attachments: [attachmentObject(content, { contentType: 'text/plain' })],
    });
    const put = await sendMultipart(
      server,
      admin,
      `/xapi/statements?statementId=${s.id}`,
      s,
      [{ content, contentType: 'text/plain' }],
      'PUT',
    );
    expect(put.status).toBe(204);
    expect(await storedContents(sha256(content))).toBe(1);

    // Communication 1.5.2.s6: an odd boundary, headers without a space, no leading line break.
    const boundary = "abcABC0123'()+_,-./:=?";
    const example = statement({
      attachments: [
        {
          usageType: 'http://example.com/attachment-usage/test',
          display: { 'en-US': 'A test attachment' },
          description: { 'en-US': 'A test attachment (description)' },
          contentType: 'text/plain; charset=ascii',
          length: 27,
          sha2: '495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a',
        },
      ],
    });
    const raw =
      `--${boundary}\r\nContent-Type:application/json\r\n\r\n${JSON.stringify(example)}\r\n` +
      `--${boundary}\r\nContent-Type:text/plain\r\nContent-Transfer-Encoding:binary\r\n` +
      'X-Experience-API-Hash:495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a\r\n' +
      `\r\nhere is a simple attachment\r\n--${boundary}--`;
    const post = await xapi(server, admin, '/xapi/statements', {
      raw,
      headers: { 'Content-Type': `multipart/mixed; boundary="${boundary}"` },
    });
    expect(post.status).toBe(200);
    expect(await exists(example.id)).toBe(200);
  });

  it('stores shared content once and returns one part per distinct sha2 of a query', async () => {
    const shared = randomBytes(500);
    const own = randomBytes(700);
    const actor = { mbox: `mailto:attach-${sha256(own).slice(0, 12)}@example.org` };
    const batch = [
      statement({ actor, attachments: [attachmentObject(shared)] }),
      statement({ actor, attachments: [attachmentObject(shared), attachmentObject(own)] }),
      statement({ actor }),
    ];
    const post = await sendMultipart(server, admin, '/xapi/statements', batch, [
      { content: shared },
      { content: own },
    ]);
    expect(post.status).toBe(200);
    expect(await storedContents(sha256(shared))).toBe(1);

    const got = await getMultipart(
      server,
      admin,
      `/xapi/statements?agent=${q(actor)}&attachments=true`,
    );
    expect(got.status).toBe(200);
    const [json, ...parts] = got.parts;
    const result = JSON.parse(json?.body.toString('utf8') ?? '') as { statements: unknown[] };
    expect(result.statements).toHaveLength(3);
    expect(parts.map((p) => p.headers['x-experience-api-hash']).sort()).toEqual(
      [sha256(shared), sha256(own)].sort(),
    );
    for (const p of parts) {
      const expected = p.headers['x-experience-api-hash'] === sha256(own) ? own : shared;
      expect(p.body.equals(expected)).toBe(true);
    }
  });

  it('accepts fileUrl attachments without a part, as JSON or multipart', async () => {
    const fileUrl = attachmentObject(Buffer.from('remote'), {
      fileUrl: 'https://peacekeeping.example.org/files/remote.pdf',
    });
    const asJson = statement({ attachments: [fileUrl] });
    expect((await xapi(server, admin, '/xapi/statements', { body: asJson })).status).toBe(200);
    const asMultipart = statement({ attachments: [fileUrl] });
    const post = await sendMultipart(server, admin, '/xapi/statements', asMultipart, []);
    expect(post.status).toBe(200);
    const got = await getMultipart(
      server,
      admin,
      `/xapi/statements?statementId=${asMultipart.id}&attachments=true`,
    );
    // Only the statement: the LRS holds no content for a fileUrl attachment.
    expect(got.parts).toHaveLength(1);
  });

  it('refuses a missing part, an unreferenced part, a wrong hash and a bad first part, storing nothing', async () => {
    const content = randomBytes(256);
    const other = randomBytes(256);
    const cases: [string, () => Promise<{ status: number; json: unknown }>, string][] = [
      [
        'missing part',
        () =>
          sendMultipart(
            server,
            admin,
            '/xapi/statements',
            statement({ attachments: [attachmentObject(content)] }),
            [],
          ),
        'has no fileUrl and no multipart part',
      ],
      [
        'missing part, sent as JSON',
        () =>
          xapi(server, admin, '/xapi/statements', {
            body: statement({ attachments: [attachmentObject(content)] }),
          }),
        'has no fileUrl and no multipart part',
      ],
      [
        'unreferenced part',
        () =>
          sendMultipart(
            server,
            admin,
            '/xapi/statements',
            statement({ attachments: [attachmentObject(content)] }),
            [{ content }, { content: other }],
          ),
        'belongs to no attachment',
      ],
      [
        'wrong hash',
        () =>
          sendMultipart(
            server,
            admin,
            '/xapi/statements',
            statement({ attachments: [attachmentObject(content)] }),
            [{ content: other, hash: sha256(content) }],
          ),
        'does not match the part',
      ],
      [
        'no hash header',
        () =>
          sendMultipart(
            server,
            admin,
            '/xapi/statements',
            statement({ attachments: [attachmentObject(content)] }),
            [{ content, hash: null }],
          ),
        'needs an X-Experience-API-Hash',
      ],
      [
        'base64 transfer encoding',
        () =>
          sendMultipart(
            server,
            admin,
            '/xapi/statements',
            statement({ attachments: [attachmentObject(content)] }),
            [{ content, encoding: 'base64' }],
          ),
        'must be binary',
      ],
      [
        'first part not JSON',
        () => {
          const s = statement({ attachments: [attachmentObject(content)] });
          const { body, contentType } = multipartBody(s, [{ content }], 'b0undary', 'text/plain');
          return xapi(server, admin, '/xapi/statements', {
            raw: body,
            headers: { 'Content-Type': contentType },
          });
        },
        'first multipart part must be the statements as application/json',
      ],
      [
        'first part not valid JSON',
        () => {
          const { body, contentType } = multipartBody('{"actor":', [{ content }]);
          return xapi(server, admin, '/xapi/statements', {
            raw: body,
            headers: { 'Content-Type': contentType },
          });
        },
        'the first multipart part is not valid JSON',
      ],
    ];
    for (const [name, send, message] of cases) {
      const res = await send();
      expect(res.status, name).toBe(400);
      expect((res.json as { message: string }).message, name).toContain(message);
    }
    // Nothing of any of these was stored: neither content.
    expect(await storedContents(sha256(content))).toBe(0);
    expect(await storedContents(sha256(other))).toBe(0);
  });

  it('stores neither statements nor contents when one statement of the batch is rejected', async () => {
    const content = randomBytes(100);
    const good = statement({ attachments: [attachmentObject(content)] });
    const bad = { ...statement(), verb: { id: 'not an iri' } };
    const res = await sendMultipart(server, admin, '/xapi/statements', [good, bad], [{ content }]);
    expect(res.status).toBe(400);
    expect(await exists(good.id)).toBe(404);
    expect(await storedContents(sha256(content))).toBe(0);

    // An id conflict is found by the database, after the contents were written in the same
    // transaction: the rollback removes them too.
    const first = statement();
    expect((await xapi(server, admin, '/xapi/statements', { body: first })).status).toBe(200);
    const conflicting = { ...first, attachments: [attachmentObject(content)] };
    const clash = await sendMultipart(server, admin, '/xapi/statements', conflicting, [
      { content },
    ]);
    expect(clash.status).toBe(409);
    expect(await storedContents(sha256(content))).toBe(0);
  });

  it('answers 413 over the attachment limit, and keeps the JSON limit for JSON', async () => {
    const content = randomBytes(70 * 1024);
    const s = statement({ attachments: [attachmentObject(content)] });
    const res = await sendMultipart(server, admin, '/xapi/statements', s, [{ content }]);
    expect(res.status).toBe(413);
    expect((res.json as { message: string }).message).toContain(`${64 * 1024} bytes`);
    expect(await exists(s.id)).toBe(404);
  });
});
