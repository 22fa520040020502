import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (Node: core logic, store, real sshd/RT/xrdp integration) and
 * `e2e` (real Chromium driving the built renderer through the local web host).
 * Integration suites that need a real service start it in their own setup and stop it
 * by PID in their teardown (see test/services/).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 120_000,
          pool: 'forks',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          fileParallelism: false,
        },
      },
    ],
  },
});
