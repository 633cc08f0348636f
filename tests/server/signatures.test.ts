import {
  createPrivateKey,
  createSecretKey,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompactSign } from 'jose';
import { expect, it } from 'vitest';
import type { JsonObject } from '../../src/server/lrs/xapi/types.ts';
import { describeEachStore, make, type TestStatement } from './helpers.ts';
import { attachmentObject, getMultipart, sendMultipart, sha256 } from './multipart-helpers.ts';

const SIGNATURE = 'http://adlnet.gov/expapi/attachments/signature';
const fixtures = path.join(import.meta.dirname, 'fixtures');
const signerKey = readFileSync(path.join(fixtures, 'signer-key.pem'), 'utf8');
const signerCert = readFileSync(path.join(fixtures, 'signer-cert.pem'), 'utf8');
const otherCert = readFileSync(path.join(fixtures, 'other-cert.pem'), 'utf8');

function der(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

/** Signs a statement (as JSON) into a compact JWS. */
async function sign(
  payload: unknown,
  key: KeyObject,
  header: Record<string, unknown> = { alg: 'RS256' },
): Promise<Buffer> {
  const jws = await new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key);
  return Buffer.from(jws);
}

/** The statement with a signature attachment describing the JWS. */
function signed(s: TestStatement, jws: Buffer, extra: JsonObject = {}): TestStatement {
  return {
    ...s,
    attachments: [
      attachmentObject(jws, {
        usageType: SIGNATURE,
        display: { en: 'Signature' },
        contentType: 'application/octet-stream',
        ...extra,
      }),
    ],
  };
}

describeEachStore('signed statements', (lrs) => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  const status = (id: string) => lrs.status(`/xapi/statements?statementId=${id}`);
  /** Sends the statement with its signature attachment and the JWS as the part. */
  const sendSigned = (s: TestStatement, jws: Buffer, extra: { contentType?: string } = {}) =>
    sendMultipart(lrs.server, lrs.admin, '/xapi/statements', signed(s, jws, extra), [
      { content: jws, ...extra },
    ]);

  it('accepts an RS256 signature without x5c and returns the JWS with attachments=true', async () => {
    const s = make.statement();
    const jws = await sign(s, privateKey);
    expect((await sendSigned(s, jws)).status).toBe(200);
    const got = await getMultipart(
      lrs.server,
      lrs.admin,
      `/xapi/statements?statementId=${s.id}&attachments=true`,
    );
    expect(got.parts).toHaveLength(2);
    expect(got.parts[1]?.headers['x-experience-api-hash']).toBe(sha256(jws));
    expect(got.parts[1]?.body.equals(jws)).toBe(true);
  });

  it('verifies RS384 and RS512 signatures against the x5c certificate', async () => {
    const key = createPrivateKey(signerKey);
    for (const alg of ['RS384', 'RS512']) {
      const s = make.statement();
      const jws = await sign(s, key, { alg, x5c: [der(signerCert)] });
      expect((await sendSigned(s, jws)).status, alg).toBe(200);
      expect(await status(s.id)).toBe(200);
    }
  });

  it('ignores what the exceptions to immutability allow to differ', async () => {
    // Signed without id, with another serialisation of the timestamp and another verb display;
    // the LRS adds stored, authority and version.
    const s = make.statement({
      timestamp: '2026-11-25T12:00:00.000+02:00',
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { fr: 'a terminé' } },
    });
    const payload: Record<string, unknown> = {
      ...s,
      timestamp: '2026-11-25T10:00:00Z',
      verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
    };
    delete payload.id;
    const jws = await sign(payload, privateKey);
    expect((await sendSigned(s, jws)).status).toBe(200);
    expect(await status(s.id)).toBe(200);
  });

  it('refuses malformed signatures, wrong algorithms, mismatching payloads and bad signatures', async () => {
    const key = createPrivateKey(signerKey);
    const cases: [string, (s: TestStatement) => Promise<Buffer>, string][] = [
      ['not a JWS', () => Promise.resolve(Buffer.from('this is not a signature')), 'compact'],
      [
        'a header that is not JSON',
        () =>
          Promise.resolve(Buffer.from(`${Buffer.from('{oops').toString('base64url')}.e30.c2ln`)),
        'header',
      ],
      [
        'HS256',
        (s) => sign(s, createSecretKey(randomBytes(32)), { alg: 'HS256' }),
        'RS256, RS384 or RS512',
      ],
      [
        'a payload that is not JSON',
        async (s) => {
          const good = (await sign(s, privateKey)).toString().split('.');
          return Buffer.from(
            `${good[0]}.${Buffer.from('not json').toString('base64url')}.${good[2]}`,
          );
        },
        'payload is not a JSON statement',
      ],
      [
        'a payload of another statement',
        (s) => sign({ ...s, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } }, privateKey),
        'does not match the statement',
      ],
      [
        'a signature made by another key than x5c names',
        (s) => sign(s, key, { alg: 'RS256', x5c: [der(otherCert)] }),
        'does not verify with its x5c certificate',
      ],
      [
        'a tampered signature',
        async (s) => {
          const [h, p] = (await sign(s, key, { alg: 'RS256', x5c: [der(signerCert)] }))
            .toString()
            .split('.');
          const forged = (await sign(s, privateKey)).toString().split('.')[2];
          return Buffer.from(`${h}.${p}.${forged}`);
        },
        'does not verify with its x5c certificate',
      ],
      [
        'an x5c that is not a certificate',
        (s) => sign(s, key, { alg: 'RS256', x5c: ['bm90IGEgY2VydA=='] }),
        'not a usable RSA X.509 certificate',
      ],
    ];
    for (const [name, signature, message] of cases) {
      const s = make.statement();
      const jws = await signature(s);
      const res = await sendSigned(s, jws);
      expect(res.status, name).toBe(400);
      expect(res.message, name).toContain(message);
      expect(await status(s.id), name).toBe(404);
    }
  });

  it('refuses a signature attachment without its part or with another content type', async () => {
    const s = make.statement();
    const jws = await sign(s, privateKey);
    const fileOnly = signed(s, jws, { fileUrl: 'https://example.org/signature.jws' });
    const res = await lrs.request('/xapi/statements', { body: fileOnly });
    expect(res.status).toBe(400);
    expect(res.message).toContain('must be sent as a multipart part');
    const wrongType = await sendSigned(s, jws, { contentType: 'text/plain' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.message).toContain('application/octet-stream');
    expect(await status(s.id)).toBe(404);
  });
});
