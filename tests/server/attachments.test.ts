import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { boundaryOf, parseMultipart } from '../../src/server/lrs/xapi/multipart.ts';
import { databaseOf } from '../../src/server/lrs/store/open-store.ts';
import { describeEachStore, make, q, type XapiResponse } from './helpers.ts';
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

describeEachStore(
  'attachments',
  (lrs) => {
    const storedContents = async (sha2: string): Promise<number> => {
      const rows = await databaseOf(lrs.store).query<{ n: number }>(
        'SELECT count(*)::int AS n FROM attachments WHERE sha2 = $1',
        [sha2],
      );
      return rows[0]?.n ?? -1;
    };

    const exists = (id: string) => lrs.status(`/xapi/statements?statementId=${id}`);
    const send = (
      statements: unknown,
      parts: Parameters<typeof sendMultipart>[4],
      method?: string,
    ) => sendMultipart(lrs.server, lrs.admin, '/xapi/statements', statements, parts, method);
    const fetchParts = (query: string) =>
      getMultipart(lrs.server, lrs.admin, `/xapi/statements?${query}&attachments=true`);

    it('stores a POSTed attachment part and returns it byte for byte with attachments=true', async () => {
      const content = awkwardBytes();
      const s = make.statement({ attachments: [attachmentObject(content)] });
      const post = await send(s, [{ content }]);
      expect(post.status).toBe(200);
      expect(post.json).toEqual([s.id]);

      const got = await fetchParts(`statementId=${s.id}`);
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
        const plain = await lrs.request(`/xapi/statements?statementId=${s.id}${suffix}`);
        expect(plain.status).toBe(200);
        expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
        expect((plain.json as { attachments: unknown[] }).attachments).toHaveLength(1);
      }
    });

    it('accepts a PUT with an attachment part, and the example of the specification', async () => {
      const content = Buffer.from('Patrol report: two children referred to UNICEF.');
      const s = make.statement({
        attachments: [attachmentObject(content, { contentType: 'text/plain' })],
      });
      const put = sendMultipart(
        lrs.server,
        lrs.admin,
        `/xapi/statements?statementId=${s.id}`,
        s,
        [{ content, contentType: 'text/plain' }],
        'PUT',
      );
      expect((await put).status).toBe(204);
      expect(await storedContents(sha256(content))).toBe(1);

      // Communication 1.5.2.s6: an odd boundary, headers without a space, no leading line break.
      const boundary = "abcABC0123'()+_,-./:=?";
      const example = make.statement({
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
      const post = await lrs.request('/xapi/statements', {
        raw,
        headers: { 'Content-Type': `multipart/mixed; boundary="${boundary}"` },
      });
      expect(post.status).toBe(200);
      expect(await exists(example.id)).toBe(200);
    });

    it('stores shared content once and returns one part per distinct sha2 of a query', async () => {
      const shared = randomBytes(500);
      const own = randomBytes(700);
      const actor = make.agent('attach');
      const batch = [
        make.statement({ actor, attachments: [attachmentObject(shared)] }),
        make.statement({ actor, attachments: [attachmentObject(shared), attachmentObject(own)] }),
        make.statement({ actor }),
      ];
      const post = await send(batch, [{ content: shared }, { content: own }]);
      expect(post.status).toBe(200);
      expect(await storedContents(sha256(shared))).toBe(1);

      const got = await fetchParts(`agent=${q(actor)}`);
      expect(got.status).toBe(200);
      const [json, ...parts] = got.parts;
      const result = JSON.parse(json?.body.toString('utf8') ?? '') as { statements: unknown[] };
      expect(result.statements).toHaveLength(3);
      const byHash = new Map(parts.map((p) => [p.headers['x-experience-api-hash'], p.body]));
      expect([...byHash.keys()].sort()).toEqual([sha256(shared), sha256(own)].sort());
      expect(byHash.get(sha256(shared))?.equals(shared)).toBe(true);
      expect(byHash.get(sha256(own))?.equals(own)).toBe(true);
    });

    it('accepts fileUrl attachments without a part, as JSON or multipart', async () => {
      const fileUrl = attachmentObject(Buffer.from('remote'), {
        fileUrl: 'https://peacekeeping.example.org/files/remote.pdf',
      });
      await lrs.send(make.statement({ attachments: [fileUrl] }));
      const asMultipart = make.statement({ attachments: [fileUrl] });
      expect((await send(asMultipart, [])).status).toBe(200);
      const got = await fetchParts(`statementId=${asMultipart.id}`);
      // Only the statement: the LRS holds no content for a fileUrl attachment.
      expect(got.parts).toHaveLength(1);
    });

    it('refuses a missing part, an unreferenced part, a wrong hash and a bad first part, storing nothing', async () => {
      const content = randomBytes(256);
      const other = randomBytes(256);
      const withContent = () => make.statement({ attachments: [attachmentObject(content)] });
      const sendRaw = ({ body, contentType }: ReturnType<typeof multipartBody>) =>
        lrs.request('/xapi/statements', { raw: body, headers: { 'Content-Type': contentType } });
      const cases: [string, () => Promise<XapiResponse>, string][] = [
        ['missing part', () => send(withContent(), []), 'has no fileUrl and no multipart part'],
        [
          'missing part, sent as JSON',
          () => lrs.request('/xapi/statements', { body: withContent() }),
          'has no fileUrl and no multipart part',
        ],
        [
          'unreferenced part',
          () => send(withContent(), [{ content }, { content: other }]),
          'belongs to no attachment',
        ],
        [
          'wrong hash',
          () => send(withContent(), [{ content: other, hash: sha256(content) }]),
          'does not match the part',
        ],
        [
          'no hash header',
          () => send(withContent(), [{ content, hash: null }]),
          'needs an X-Experience-API-Hash',
        ],
        [
          'base64 transfer encoding',
          () => send(withContent(), [{ content, encoding: 'base64' }]),
          'must be binary',
        ],
        [
          'first part not JSON',
          () => sendRaw(multipartBody(withContent(), [{ content }], 'b0undary', 'text/plain')),
          'first multipart part must be the statements as application/json',
        ],
        [
          'first part not valid JSON',
          () => sendRaw(multipartBody('{"actor":', [{ content }])),
          'the first multipart part is not valid JSON',
        ],
      ];
      for (const [name, attempt, message] of cases) {
        const res = await attempt();
        expect(res.status, name).toBe(400);
        expect(res.message, name).toContain(message);
      }
      // Nothing of any of these was stored: neither content.
      expect(await storedContents(sha256(content))).toBe(0);
      expect(await storedContents(sha256(other))).toBe(0);
    });

    it('stores neither statements nor contents when one statement of the batch is rejected', async () => {
      const content = randomBytes(100);
      const good = make.statement({ attachments: [attachmentObject(content)] });
      const bad = { ...make.statement(), verb: { id: 'not an iri' } };
      expect((await send([good, bad], [{ content }])).status).toBe(400);
      expect(await exists(good.id)).toBe(404);
      expect(await storedContents(sha256(content))).toBe(0);

      // An id conflict is found by the database, after the contents were written in the same
      // transaction: the rollback removes them too.
      const first = make.statement();
      await lrs.send(first);
      const conflicting = { ...first, attachments: [attachmentObject(content)] };
      expect((await send(conflicting, [{ content }])).status).toBe(409);
      expect(await storedContents(sha256(content))).toBe(0);
    });

    it('answers 413 over the attachment limit, and keeps the JSON limit for JSON', async () => {
      const content = randomBytes(70 * 1024);
      const s = make.statement({ attachments: [attachmentObject(content)] });
      const res = await send(s, [{ content }]);
      expect(res.status).toBe(413);
      expect(res.message).toContain(`${64 * 1024} bytes`);
      expect(await exists(s.id)).toBe(404);
    });
  },
  { attachmentBodyLimit: 64 * 1024 },
);
