/**
 * The real Claude Code CLI on /codex with no model configuration (its default `claude-opus-5-5`
 * and whatever background model names it uses must work): an answer, then a multi-step tool
 * round trip (Bash with a marker command, then Read of a file the test created); and the same round
 * trip through a pool of two ChatGPT accounts while one is at its usage limit.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/core/detection/run-cli.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';
import { startChatGptBackend, type ChatGptBackend, type RecordedRequest, type ScriptedTurn } from '../../fakes/chatgpt-backend.js';
import { ACCOUNT_ID, accessToken, makeCodexHome, startCodexProxy, type CodexHome, type CodexProxy } from './helpers.js';
import { CLAUDE_BIN, CLI_RUN_MS } from '../../helpers/clis.js';

const marker = `MARK-${randomBytes(4).toString('hex')}`;
const fileText = `FILE-${randomBytes(4).toString('hex')}`;
const token = accessToken(3600);
/** A second account, at its usage limit for the whole run. */
const limitedToken = accessToken(3600);
let backend: ChatGptBackend;
let home: CodexHome;
let proxy: CodexProxy;
let work: string;
let filePath: string;

type Item = { type?: string; role?: string; name?: string; output?: unknown; content?: unknown };

function userText(req: RecordedRequest): string {
  const input = (req.body.input ?? []) as Item[];
  return JSON.stringify(input.filter((i) => i.role === 'user').map((i) => i.content));
}

function outputs(req: RecordedRequest): string[] {
  return ((req.body.input ?? []) as Item[]).filter((i) => i.type === 'function_call_output').map((i) => JSON.stringify(i.output));
}

/** The backend plays the model: decides from what the conversation holds so far. */
function respond(req: RecordedRequest): ScriptedTurn {
  if (req.headers.authorization === `Bearer ${limitedToken}`) {
    return { httpError: { status: 429, body: { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', resets_in_seconds: 3600 } } } };
  }
  const tools = (req.body.tools ?? []) as { name?: string }[];
  if (!tools.some((t) => t.name === 'Bash')) return { text: 'ok' };
  if (userText(req).includes('Say hello')) return { reasoning: 'Greeting.', text: 'Hello from Codex via ccproxy' };
  const done = outputs(req);
  if (done.length === 0) {
    return { reasoning: 'Run the marker.', toolCalls: [{ name: 'Bash', arguments: { command: `echo ${marker}`, description: 'Print the marker' } }] };
  }
  if (done.length === 1) return { toolCalls: [{ name: 'Read', arguments: { file_path: filePath } }] };
  return { text: `All done: ${marker} and ${fileText}` };
}

beforeAll(async () => {
  backend = await startChatGptBackend({ validTokens: () => [token, limitedToken], accountId: ACCOUNT_ID, basePrompt: FALLBACK_CODEX_BASE_PROMPT, respond });
  home = await makeCodexHome({ access: token });
  proxy = await startCodexProxy({ base_url: backend.baseUrl, credentials_file: home.authFile }, home.cacheDir);
  work = await fs.mkdtemp(join(tmpdir(), 'ccproxy-codex-cc-'));
  filePath = join(work, 'note.txt');
  await fs.writeFile(filePath, `${fileText}\n`);
});

afterAll(async () => {
  await proxy?.close();
  await backend?.close();
  await home?.cleanup();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

async function claude(prompt: string, base = `${proxy.url}/codex`): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const claudeHome = join(work, 'home');
  await fs.mkdir(claudeHome, { recursive: true });
  return runCli({
    command: CLAUDE_BIN,
    args: ['-p', prompt, '--allowedTools', 'Bash', 'Read'],
    cwd: work,
    timeoutMs: CLI_RUN_MS,
    env: {
      PATH: process.env.PATH,
      HOME: claudeHome,
      ANTHROPIC_BASE_URL: base,
      ANTHROPIC_API_KEY: 'sk-ant-dummy-key',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
    },
  });
}

describe('Claude Code on /codex', () => {
  it('prints an answer with its default model names', async () => {
    const res = await claude('Say hello');
    expect(res.stderr).not.toMatch(/API Error/);
    expect(res.stdout).toContain('Hello from Codex via ccproxy');
    expect(res.code).toBe(0);
    const main = backend.accepted().find((r) => userText(r).includes('Say hello') && ((r.body.tools ?? []) as unknown[]).length > 0);
    expect(main?.body.model).toBe('gpt-5.5');
    const input = (main?.body.input ?? []) as Item[];
    expect(input.some((i) => i.role === 'system')).toBe(false);
    // Claude Code's system prompt and its mid-conversation system message arrive as developer text.
    expect(JSON.stringify(input.filter((i) => i.role === 'developer'))).toContain('Claude');
    expect(main?.body.instructions).toBe(FALLBACK_CODEX_BASE_PROMPT);
    expect(main?.body.reasoning).toMatchObject({ effort: 'medium' });
    expect(((main?.body.tools ?? []) as { name: string }[]).map((t) => t.name)).toEqual(expect.arrayContaining(['Bash', 'Read', 'Edit', 'Write']));
  });

  it('runs Bash then Read and prints the final answer', async () => {
    const res = await claude('Run the marker command, then read note.txt');
    expect(res.stdout).toContain(`All done: ${marker} and ${fileText}`);
    expect(res.code).toBe(0);
    const last = backend.accepted().filter((r) => outputs(r).length >= 2).at(-1);
    expect(last).toBeDefined();
    const results = outputs(last as RecordedRequest).join('\n');
    expect(results).toContain(marker);
    expect(results).toContain(fileText);
    // Reasoning from turn 1 came back (as a thinking block Claude Code kept) with its encrypted content.
    const input = (last?.body.input ?? []) as { type?: string; encrypted_content?: string }[];
    expect(input.some((i) => i.type === 'reasoning' && i.encrypted_content?.startsWith('gAAAAB'))).toBe(true);
    // One conversation, one session: the backend's prompt cache key stays put across the turns.
    const flow = backend.accepted().filter((r) => userText(r).includes('marker command'));
    expect(flow.length).toBeGreaterThanOrEqual(3);
    expect(new Set(flow.map((r) => r.body.prompt_cache_key)).size).toBe(1);
    expect(new Set(flow.map((r) => r.headers.session_id)).size).toBe(1);
  });
});

describe('Claude Code on /codex with a pool of two accounts, one at its usage limit', () => {
  it('runs Bash then Read on the account that is ready, with no error shown', async () => {
    const limitedFile = join(home.dir, 'limited.json');
    const auth = JSON.parse(await fs.readFile(home.authFile, 'utf8')) as { tokens: Record<string, string> };
    await fs.writeFile(limitedFile, JSON.stringify({ ...auth, tokens: { ...auth.tokens, access_token: limitedToken } }), { mode: 0o600 });
    const pooled = await startCodexProxy({
      base_url: backend.baseUrl,
      accounts: [{ name: 'limited', credentials_file: limitedFile }, { name: 'ready', credentials_file: home.authFile }],
    }, home.cacheDir, { env: { HOME: home.dir, XDG_DATA_HOME: join(home.dir, 'data') } });
    try {
      backend.requests.length = 0;
      const res = await claude('Run the marker command, then read note.txt', `${pooled.url}/codex`);
      expect(res.stdout).toContain(`All done: ${marker} and ${fileText}`);
      expect(res.stdout + res.stderr).not.toMatch(/usage limit|429/i);
      expect(res.code).toBe(0);
      // The limited account was asked (round robin starts with it) and refused; every answer came from the other.
      expect(backend.requests.filter((r) => r.headers.authorization === `Bearer ${limitedToken}`).length).toBeGreaterThanOrEqual(1);
      expect(backend.accepted().every((r) => r.headers.authorization === `Bearer ${token}`)).toBe(true);
      expect(backend.accepted().some((r) => outputs(r).length >= 2 && r.headers.authorization === `Bearer ${token}`)).toBe(true);
    } finally {
      await pooled.close();
    }
  });
});
