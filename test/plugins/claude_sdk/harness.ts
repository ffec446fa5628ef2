/**
 * Test harness for claude_sdk end-to-end tests: a scripted fake Anthropic upstream, a temp HOME
 * and project dir, and the plugin served by the core HTTP app (real Agent SDK, real CLI binary).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import type { AnyPlugin } from '../../../src/core/plugin.js';
import { Plugin } from '../../../src/plugins/claude_sdk/plugin.js';
import { beforeAll } from 'vitest';
import { FakeAnthropicUpstream } from '../../fakes/anthropic-upstream.js';
import { cliPathDir } from '../../helpers/clis.js';
import { useTempDirs } from '../../helpers/temp-dirs.js';

export interface SdkProxy {
  url: string;
  base: string;
  fake: FakeAnthropicUpstream;
  plugin: Plugin;
  proxy: RunningProxy;
  home: string;
  project: string;
  /** The plugin's `/health` check entry. */
  health(): Promise<{ status: string; details: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** The dummy key the CLI sends; the fake upstream accepts only this one. */
export const CLI_API_KEY = 'sk-ant-test-dummy';

/** Environment that keeps the CLI on loopback, away from the real ~/.claude. */
export function cliEnv(fakeUrl: string, home: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: fakeUrl,
    ANTHROPIC_API_KEY: CLI_API_KEY,
    HOME: home,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
  };
}

/** The real proxy (core runtime) with only this plugin, its CLI pointed at a fresh fake upstream; `server` adds `[server]` settings. */
/** `more`: other plugins to run beside claude_sdk (e.g. the observability ones) and their config sections; `env` over the proxy's environment. */
export async function startSdkProxy(
  config: Record<string, unknown> = {},
  server: Record<string, unknown> = {},
  more: { plugins?: AnyPlugin[]; config?: Record<string, unknown>; env?: NodeJS.ProcessEnv } = {},
): Promise<SdkProxy> {
  const fake = await new FakeAnthropicUpstream().start();
  fake.acceptedApiKeys.add(CLI_API_KEY);
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-sdk-home-'));
  const project = path.join(home, 'project');
  await fs.mkdir(project);
  const pluginConfig = { cwd: project, first_chunk_timeout: 120, idle_timeout: 120, ...config, env: { ...cliEnv(fake.url, home), ...((config.env as Record<string, string>) ?? {}) } };
  const plugin = new Plugin();
  const proxy = await startProxy({
    // The proxy's environment (services.env), which the CLI runs with: a temp HOME, and the PATH
    // that finds the CLI's tools (its Bash tool runs `git`, `ls`, ...). Nothing else of ours.
    env: { HOME: home, PATH: process.env.PATH, ...more.env },
    cwd: project,
    plugins: [plugin, ...(more.plugins ?? [])],
    overrides: { server: { port: 0, ...server }, logging: { level: 'silent' }, plugins: { ...more.config, claude_sdk: pluginConfig } },
  });
  const health = async () => {
    const h = (await (await fetch(`${proxy.url}/health`)).json()) as { checks: Record<string, Array<{ status: string; details: Record<string, unknown> }>> };
    return h.checks['plugin:claude_sdk']![0]!;
  };
  return {
    url: proxy.url,
    base: `${proxy.url}${plugin.routerPrefix}`,
    fake,
    plugin,
    proxy,
    home,
    project,
    health,
    async close() {
      // Plugin first: it kills any CLI still running, so in-flight requests end and close() is quick.
      await plugin.shutdown();
      await proxy.close();
      await fake.close();
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}

/** Reads an SSE response into parsed `{event, data}` records. */
export async function readSse(res: Response): Promise<Array<{ event?: string; data: string }>> {
  return parseSse(await res.text());
}

/** SSE text → `{event, data}` records. */
export function parseSse(text: string): Array<{ event?: string; data: string }> {
  return text
    .split('\n\n')
    .filter((f) => f.trim())
    .map((frame) => {
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = frame
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data };
    });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `cond` until it holds; the bound is for a hang, never a deadline to race. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 60_000, stepMs = 50): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return cond();
}

/** For one test file: a temp HOME, and a PATH directory (outside it) holding the real `claude`. */
export function useCliDirs(): { home(): string; binDir(): string } {
  const tempDir = useTempDirs('ccproxy-sdk-detect-');
  let home = '';
  let binDir = '';
  beforeAll(async () => {
    home = await tempDir();
    binDir = await cliPathDir(await tempDir(), ['claude']);
  });
  return { home: () => home, binDir: () => binDir };
}
