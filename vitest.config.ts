/// <reference types="vitest/config" />
import { getViteConfig } from 'astro/config';

// getViteConfig lets unit tests render .astro components with the container API.
export default getViteConfig({
  test: {
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    exclude: ['tests/e2e/**', 'node_modules/**'],
    // One line per run on which stores the LRS suites use (PostgreSQL only with DATABASE_URL).
    globalSetup: ['tests/server/postgres-notice.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
