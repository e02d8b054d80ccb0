import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-client.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser and GnuPG tests start real processes; two cores do not gain from more workers.
    maxWorkers: 2,
  },
});
