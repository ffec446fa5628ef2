/**
 * The real proxy (core runtime, built-in plugin discovery) with only the openai plugin, pointed at
 * fake OpenAI-compatible upstreams: a chat one as the default instance and, optionally, more
 * instances (`[plugins.openai.providers.<name>]`).
 */
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FakeOpenAICompatible, type FakeOpenAIOptions } from '../../fakes/openai-compatible.js';

export interface OpenAIHarness {
  proxy: RunningProxy;
  upstream: FakeOpenAICompatible;
  close(): Promise<void>;
}

export async function startOpenAIHarness(opts: {
  fake?: FakeOpenAIOptions;
  config?: Record<string, unknown>;
  /** Core `[routing]` for the root routes. */
  routing?: Record<string, unknown>;
} = {}): Promise<OpenAIHarness> {
  const upstream = await new FakeOpenAICompatible(opts.fake).start();
  const proxy = await startProxy({
    env: {},
    overrides: {
      server: { port: 0 },
      logging: { level: process.env.OPENAI_TEST_LOG ?? 'silent' },
      enabled_plugins: ['openai'],
      ...(opts.routing ? { routing: opts.routing } : {}),
      plugins: { openai: { base_url: upstream.baseUrl, api_key: upstream.apiKey, ...opts.config } },
    },
  });
  return {
    proxy,
    upstream,
    close: async () => {
      await proxy.close();
      await upstream.close();
    },
  };
}
