import { defineConfig } from 'vitest/config';

// Two suites: `unit` (pure logic, fast, parallel) and `integration` (the real Docker engine,
// real images built from labs/images, one file at a time because stacks share ports:
// package.json runs it with --no-file-parallelism).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/unit-setup/global-setup.ts'],
          // Generous: on a busy 2-core machine a test that takes 1 s alone can take 10. Speed
          // goals live in `npm run bench`, not in timeouts.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          sequence: { concurrent: false },
          testTimeout: 10 * 60_000,
          hookTimeout: 45 * 60_000,
        },
      },
    ],
  },
});
