/**
 * The real proxy (core runtime, built-in plugin discovery) with only the copilot plugin, pointed
 * at the fake GitHub + Copilot server, with the fake's GitHub token configured.
 */
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FakeCopilot } from '../../fakes/copilot.js';

export interface CopilotHarness {
  proxy: RunningProxy;
  fake: FakeCopilot;
  close(): Promise<void>;
}

export async function startCopilotHarness(opts: { config?: Record<string, unknown>; routing?: Record<string, unknown> } = {}): Promise<CopilotHarness> {
  const fake = await new FakeCopilot().start();
  const proxy = await startProxy({
    env: {},
    overrides: {
      server: { port: 0 },
      // The first import of the plugin's TypeScript under a loaded test run can exceed the 10 s default.
      plugin_init_timeout: 120,
      logging: { level: process.env.COPILOT_TEST_LOG ?? 'silent' },
      enabled_plugins: ['copilot'],
      ...(opts.routing ? { routing: opts.routing } : {}),
      plugins: { copilot: fake.config({ github_token: fake.githubToken, ...opts.config }) },
    },
  });
  return {
    proxy,
    fake,
    close: async () => {
      await proxy.close();
      await fake.close();
    },
  };
}
