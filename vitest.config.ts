import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

/**
 * Projects:
 *  - unit:     pure modules (`*.test.ts` that are not `.db.` or `.browser.`), no database.
 *  - embedded: `*.db.test.ts` against one shared embedded PostGIS (PGlite).
 *  - postgres: the same `*.db.test.ts` against a fresh database on DATABASE_URL's server, when set.
 *  - browser:  `*.browser.test.ts`, headless Chromium against the built client and a live server.
 * Files run one at a time: they share one database per project, and these machines have 2 cores.
 */
const dbTests = ['server/**/*.db.test.ts'];
const projects: TestProjectInlineConfiguration[] = [
  { extends: true as const, test: { name: 'unit', include: ['server/**/*.test.ts', 'client/**/*.test.ts', 'scripts/**/*.test.ts'], exclude: ['**/*.db.test.ts', '**/*.browser.test.ts', '**/node_modules/**'] } },
  { extends: true as const, test: { name: 'embedded', include: dbTests, globalSetup: ['server/test/global-embedded.ts'] } },
  ...(process.env.DATABASE_URL
    ? [{ extends: true as const, test: { name: 'postgres', include: dbTests, globalSetup: ['server/test/global-postgres.ts'] } }]
    : []),
  { extends: true as const, test: { name: 'browser', include: ['client/**/*.browser.test.ts'], globalSetup: ['client/test/global-browser.ts'], testTimeout: 120_000, hookTimeout: 180_000 } },
];

export default defineConfig({
  test: {
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects,
  },
});
