import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Numerical tests train small networks; a generous per-test budget avoids false failures on a
    // loaded 2-core machine. Speed is measured by `npm run bench`, never asserted here.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
