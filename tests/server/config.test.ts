import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config.ts';

const load = (env: Record<string, string>) => loadConfig(env);

describe('the service settings', () => {
  it('has a default for every setting, an empty value counting as unset', () => {
    const config = load({ PORT: '', HOST: '' });
    expect(config).toMatchObject({
      port: 4321,
      host: '127.0.0.1',
      siteUrl: 'http://localhost:4321',
      siteDir: './dist',
      store: { dataDir: './data' },
      trustProxy: false,
      corsOrigins: [],
      authorityHomePage: 'http://127.0.0.1:4321/xapi',
      logLevel: 'info',
    });
  });

  it('reads every setting', () => {
    const config = load({
      PORT: '8080',
      HOST: '0.0.0.0',
      SITE_URL: 'https://training.example.org/',
      DATABASE_URL: 'postgres://u:p@db:5432/lrs',
      DATABASE_SCHEMA: 'centre_a',
      TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,loopback',
      LRS_CORS_ORIGINS: 'https://a.example.org, https://b.example.org:8443',
      LRS_AUTHORITY_HOMEPAGE: 'https://training.example.org/xapi',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      siteUrl: 'https://training.example.org',
      store: { databaseUrl: 'postgres://u:p@db:5432/lrs', schema: 'centre_a' },
      trustProxy: ['10.0.0.1', '192.168.0.0/16', 'loopback'],
      corsOrigins: ['https://a.example.org', 'https://b.example.org:8443'],
      logLevel: 'warn',
    });
  });

  it.each([
    [{ PORT: '80a' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ SITE_URL: 'training.example.org' }, 'SITE_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ DATABASE_SCHEMA: 'Drop Table' }, 'DATABASE_SCHEMA'],
    [{ TRUST_PROXY: '1' }, 'TRUST_PROXY'],
    [{ TRUST_PROXY: 'proxy.example.org' }, 'TRUST_PROXY'],
    [{ LRS_CORS_ORIGINS: 'https://a.example.org/path' }, 'LRS_CORS_ORIGINS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %o naming %s', (env, name) => {
    expect(() => load(env)).toThrow(ConfigError);
    expect(() => load(env)).toThrow(new RegExp(`${name}=`));
  });

  it('names every bad variable at once', () => {
    expect(() => load({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/PORT=[\s\S]*LOG_LEVEL=/);
  });

  it("keeps SITE_URL's default whatever PORT: the built pages name activities after the same default", () => {
    // Learner accounts (their homePage) and the activity ids certification reads are made from
    // SITE_URL by the service and by the build alike; a default that followed PORT would part
    // them. The trainer's screen shows the address it came from instead (LivePanel).
    expect(load({ PORT: '8080' })).toMatchObject({ port: 8080, siteUrl: 'http://localhost:4321' });
  });

  it('refuses to serve other machines without SITE_URL, which their links are made from', () => {
    expect(() => load({ HOST: '0.0.0.0' })).toThrow(/SITE_URL must say the address/);
    expect(load({ HOST: '0.0.0.0', SITE_URL: 'http://192.168.1.10:4321' }).host).toBe('0.0.0.0');
    expect(load({ HOST: 'localhost' }).host).toBe('localhost');
    expect(load({ HOST: '::1' }).host).toBe('::1');
  });
});
