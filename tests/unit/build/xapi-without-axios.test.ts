import { readFile, mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cutAxios, xapiEsmBuild } from '../../../integrations/xapi-without-axios.ts';

const esmBuild = xapiEsmBuild();

describe('the xAPI client without axios', () => {
  it('cuts axios out of the installed @xapi/xapi and still sends through the given adapter', async () => {
    const original = await readFile(esmBuild, 'utf8');
    const cut = cutAxios(original);
    expect(original).toContain('axios@');
    expect(cut).not.toContain('axios@');
    expect(cut.length).toBeLessThan(original.length / 3);

    const dir = await mkdtemp(path.join(tmpdir(), 'xapi-cut-'));
    try {
      const file = path.join(dir, 'xapi.mjs');
      await writeFile(file, cut);
      const { default: XAPI } = (await import(pathToFileURL(file).href)) as {
        default: new (options: object) => {
          sendStatements(args: {
            statements: object[];
          }): Promise<{ status: number; data: unknown }>;
        };
      };
      const requests: { url: string; method: string; data: unknown }[] = [];
      const xapi = new XAPI({
        endpoint: 'https://lrs.example/xapi/',
        auth: 'Basic a2V5OnNlY3JldA==',
        version: '1.0.3',
        adapter: (request: { url: string; method: string; data: unknown }) => {
          requests.push(request);
          return Promise.resolve({ data: ['id-1'], headers: {}, status: 200 });
        },
      });
      const statement = {
        actor: { mbox: 'mailto:a@example.org' },
        verb: { id: 'http://example.org/v' },
        object: { id: 'http://example.org/o' },
      };
      const response = await xapi.sendStatements({ statements: [statement] });
      expect(response.status).toBe(200);
      expect(requests.map(({ url, method, data }) => ({ url, method, data }))).toEqual([
        { url: 'https://lrs.example/xapi/statements', method: 'POST', data: [statement] },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stops the build when the library no longer has the expected shape', () => {
    expect(() => cutAxios('export default class X {}')).toThrow(
      /update integrations\/xapi-without-axios\.ts/,
    );
  });
});
