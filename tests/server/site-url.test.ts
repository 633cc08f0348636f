import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLoopback, siteUrlFromEnv } from '../../src/server/config.ts';
import { startService } from './process-helpers.ts';

describe('SITE_URL and HOST', () => {
  it('tells loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.3.4.5', 'localhost', '::1', '[::1]']) {
      expect(isLoopback(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.4', 'training.example.org', '128.0.0.1']) {
      expect(isLoopback(host), host).toBe(false);
    }
  });

  it('defaults to the local site on loopback, and refuses an unset or bad SITE_URL otherwise', () => {
    expect(siteUrlFromEnv({}, '127.0.0.1')).toBe('http://localhost:4321');
    expect(siteUrlFromEnv({ SITE_URL: 'https://t.example.org/' }, '0.0.0.0')).toBe(
      'https://t.example.org',
    );
    expect(() => siteUrlFromEnv({}, '0.0.0.0')).toThrow(/HOST is 0\.0\.0\.0.*SITE_URL is not set/);
    expect(() => siteUrlFromEnv({ SITE_URL: '' }, '::')).toThrow(/SITE_URL is not set/);
    expect(() => siteUrlFromEnv({ SITE_URL: 'training.example.org' }, '::')).toThrow(
      /not an address/,
    );
    expect(() => siteUrlFromEnv({ SITE_URL: 'ftp://t.example.org' }, '::')).toThrow(/http/);
  });

  it('the service refuses to start on 0.0.0.0 without SITE_URL, naming the setting', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'site-url-'));
    try {
      await expect(
        startService({ HOST: '0.0.0.0', SITE_URL: '', DATA_DIR: dataDir, DATABASE_URL: '' }),
      ).rejects.toThrow(/exited with 1:[\s\S]*SITE_URL is not set/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
