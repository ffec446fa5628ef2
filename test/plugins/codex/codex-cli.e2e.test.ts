/**
 * The real Codex CLI on /codex/v1 (a `model_providers` entry with `env_key`, wire_api responses,
 * temp CODEX_HOME, never a ChatGPT-mode auth.json): an answer, and an `exec_command` round trip.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/core/detection/run-cli.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { basePromptOf, captureCodexRequest } from '../../../src/plugins/codex/detection-run.js';
import { startChatGptBackend, type ChatGptBackend, type RecordedRequest, type ScriptedTurn } from '../../fakes/chatgpt-backend.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, startCodexProxy, type CodexHome, type CodexProxy } from './helpers.js';
import { CLI_RUN_MS, CODEX_BIN } from '../../helpers/clis.js';

const marker = `CDX-${randomBytes(4).toString('hex')}`;
const token = accessToken(3600);
let backend: ChatGptBackend;
let home: CodexHome;
let proxy: CodexProxy;
let work: string;
/** The base prompt Codex sends for its own default model (not gpt-5.5): what the backend expects then. */
let ownDefaultPrompt: string;

type Item = { type?: string; role?: string; output?: unknown; content?: unknown };
const items = (r: RecordedRequest): Item[] => (r.body.input ?? []) as Item[];
const said = (r: RecordedRequest, text: string): boolean => JSON.stringify(items(r).filter((i) => i.role === 'user')).includes(text);

function respond(req: RecordedRequest): ScriptedTurn {
  if (said(req, 'Say hi')) return { reasoning: 'Short greeting.', text: 'Hi from Codex models via ccproxy' };
  const outputs = items(req).filter((i) => i.type === 'function_call_output');
  if (outputs.length === 0) return { toolCalls: [{ name: 'exec_command', arguments: { cmd: `echo ${marker}` } }] };
  return { text: `Command printed ${marker}` };
}

beforeAll(async () => {
  const captured = await captureCodexRequest({ cli: CODEX_BIN, env: { PATH: process.env.PATH }, timeoutMs: CLI_RUN_MS });
  ownDefaultPrompt = basePromptOf(captured.body as Record<string, unknown>) ?? '';
  backend = await startChatGptBackend({ validTokens: () => [token], accountId: ACCOUNT_ID, basePrompt: [FALLBACK_CODEX_BASE_PROMPT, ownDefaultPrompt], respond });
  home = await makeCodexHome({ access: token });
  proxy = await startCodexProxy({ base_url: backend.baseUrl, credentials_file: home.authFile }, home.cacheDir);
  work = await fs.mkdtemp(join(tmpdir(), 'ccproxy-codex-cli-'));
  // The client's own CODEX_HOME: a custom provider pointing at the proxy, no auth.json at all.
  await fs.mkdir(join(work, 'codex-home'));
  await fs.mkdir(join(work, 'project'));
  await fs.mkdir(join(work, 'codex-home-default'));
  await fs.writeFile(join(work, 'codex-home-default', 'config.toml'), providerToml(''));
  await fs.writeFile(join(work, 'codex-home', 'config.toml'), providerToml('model = "gpt-5.5"'));
});

function providerToml(modelLine: string): string {
  return [
    modelLine,
    'model_provider = "ccproxy"',
    '[model_providers.ccproxy]',
    'name = "ccproxy"',
    `base_url = "${proxy.url}/codex/v1"`,
    'env_key = "CCPROXY_API_KEY"',
    'wire_api = "responses"',
    '',
  ].join('\n');
}

afterAll(async () => {
  await proxy?.close();
  await backend?.close();
  await home?.cleanup();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

function codex(prompt: string, codexHome = 'codex-home'): ReturnType<typeof runCli> {
  return runCli({
    command: CODEX_BIN,
    args: ['exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox', prompt],
    cwd: join(work, 'project'),
    timeoutMs: CLI_RUN_MS,
    env: { PATH: process.env.PATH, HOME: work, CODEX_HOME: join(work, codexHome), CCPROXY_API_KEY: 'dummy' },
  });
}

describe('Codex CLI on /codex/v1', () => {
  it('prints an answer', async () => {
    const res = await codex('Say hi');
    expect(res.stdout + res.stderr).toContain('Hi from Codex models via ccproxy');
    expect(res.code).toBe(0);
    const req = backend.accepted().find((r) => said(r, 'Say hi'));
    // Its own base prompt is ours: sent once, in instructions.
    expect(req?.body.instructions).toBe(FALLBACK_CODEX_BASE_PROMPT);
    expect(JSON.stringify(req?.body.input)).not.toContain('You are Codex, a coding agent');
    // Its request-shape headers pass; its dummy key never does.
    expect(req?.headers['x-codex-turn-metadata']).toBeTruthy();
    expect(req?.headers.authorization).toBe(`Bearer ${token}`);
    expect(req?.headers['chatgpt-account-id']).toBe(ACCOUNT_ID);
  });

  it('works with no model configured (its own default model and that model\'s base prompt)', async () => {
    const res = await codex('Say hi', 'codex-home-default');
    expect(res.stdout + res.stderr).toContain('Hi from Codex models via ccproxy');
    const req = backend.accepted().at(-1);
    expect(req?.body.model).not.toBe('gpt-5.5');
    // Its prompt for that model went to instructions, once; it is not the gpt-5.5 one.
    expect(req?.body.instructions).toBe(ownDefaultPrompt);
    expect(ownDefaultPrompt).not.toBe(FALLBACK_CODEX_BASE_PROMPT);
    expect(JSON.stringify(req?.body.input)).not.toContain(ownDefaultPrompt.slice(0, 200));
  });

  it('runs exec_command and sends the output back', async () => {
    const res = await codex('Run the marker command');
    expect(res.stdout + res.stderr).toContain(`Command printed ${marker}`);
    const final = backend.accepted().filter((r) => items(r).some((i) => i.type === 'function_call_output')).at(-1);
    expect(JSON.stringify(final?.body.input)).toContain(marker);
  });
});
