import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig, devices } from '@playwright/test';

/**
 * End-to-end tests against the built site (run `astro build` first), served as `npm start` serves
 * it: one process with the site and the LRS, on a free port, with a fresh data folder. The port
 * and folder are chosen once in the main process and handed to workers through the environment.
 */
function freePort(): string {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})";
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
}
process.env.E2E_PORT ??= freePort();
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'cp-e2e-lrs-'));
const port = process.env.E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;

// Debian's Chromium where Playwright cannot download its own browser; CHROMIUM_PATH overrides.
const chromiumPath =
  process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: true,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(chromiumPath ? { executablePath: chromiumPath } : {}),
          args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
        },
      },
    },
  ],
  webServer: {
    command: 'node src/server/main.ts',
    env: {
      PORT: port,
      HOST: '127.0.0.1',
      SITE_DIR: 'dist',
      DATA_DIR: process.env.E2E_DATA_DIR,
      // The end-to-end tests exercise the embedded store, whatever the environment says.
      DATABASE_URL: '',
    },
    url: `${baseURL}/en/`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
