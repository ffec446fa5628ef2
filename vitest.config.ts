import { defineConfig } from 'vitest/config';

/**
 * Two tiers, both run by CI (.ci/run): `fast` (npm test) and `e2e` (npm run test:e2e), the tests
 * that run a real CLI (Claude Code, Codex, the Agent SDK's CLI), named `*.e2e.test.ts`.
 *
 * Timeouts are bounds for a hang, not expectations: the suite must pass on a loaded two-core
 * machine, so a test waits for the event it needs, and no bound here is anywhere near what a
 * passing test takes.
 */
const E2E = 'test/**/*.e2e.test.ts';

export default defineConfig({
  test: {
    // Spawned CLIs and proxies need CPU too; two cores, so keep parallelism modest.
    maxWorkers: 2,
    expect: { poll: { timeout: 60_000, interval: 20 } },
    projects: [
      {
        extends: true,
        test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: [E2E], testTimeout: 120_000, hookTimeout: 120_000 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: [E2E], testTimeout: 300_000, hookTimeout: 120_000 },
      },
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary'],
      // The summary is most useful exactly when something failed.
      reportOnFailure: true,
      thresholds: { lines: 80 },
    },
  },
});
