/**
 * The plugin contract as an outside author meets it (issue 18): `npm pack` of ccproxy-node,
 * installed offline into a temp app; the example plugins (examples/echo-plugin, acme-provider,
 * request-log-plugin) compiled there against the published `ccproxy-node/plugin` types (a type
 * error fails the test), packed, and installed as separate packages; `npx ccproxy` in the app
 * (temp HOME and XDG dirs) lists them and serves them:
 *  - echo answers on the Anthropic Messages, Chat Completions and Responses APIs, streamed and
 *    not (the official SDKs as clients), with errors in each API's format;
 *  - acme (the provider walkthrough of docs/plugin-development.md) serves all three APIs from a
 *    fake OpenAI-compatible upstream with the key from the environment, never the client's;
 *  - request_log (the listener walkthrough) writes one line per finished request, with the token
 *    usage the providers' meters reported.
 */
import Anthropic from '@anthropic-ai/sdk';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN } from '../cli/run-cli.js';
import { FakeOpenAICompatible } from '../fakes/openai-compatible.js';
import { buildExamples, installPackedProject, type PackedInstall } from './packed-install.js';

const EXAMPLES = ['echo-plugin', 'acme-provider', 'request-log-plugin'];

let dir: string;
let install: PackedInstall;
let env: NodeJS.ProcessEnv;
let upstream: FakeOpenAICompatible;
let serve: ChildProcess | undefined;
let url: string;
let banner: string;
const requestLog = (): string => join(dir, 'request-log.jsonl');

/** `npx ccproxy <args>` in the app, as a user runs it. */
function npx(args: string[]): ChildProcess {
  return spawn('npx', ['--offline', 'ccproxy', ...args], { cwd: install.app, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

function output(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

beforeAll(async () => {
  // MAIN's import checked that dist/ is built from the current sources: that is what gets packed.
  expect(MAIN).toContain('dist');
  dir = await mkdtemp(join(tmpdir(), 'ccproxy-contract-'));
  const home = join(dir, 'home');
  await mkdir(home);
  install = await installPackedProject(dir, home);
  const tarballs = await buildExamples(install, EXAMPLES, dir);
  await install.npm(['install', '--offline', '--ignore-scripts', '--omit=optional', ...tarballs]);

  upstream = await new FakeOpenAICompatible({ apiKey: 'sk-acme-upstream', models: ['acme-large', 'acme-small'] }).start();
  env = {
    ...install.env,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CACHE_HOME: join(home, '.cache'),
    NO_COLOR: '1',
    ACME_API_KEY: 'sk-acme-upstream',
  };
  await writeFile(join(install.app, '.ccproxy.toml'), [
    'enabled_plugins = ["echo", "acme", "request_log"]',
    '[plugins.echo]',
    'prefix_text = "echo: "',
    '[plugins.acme]',
    `base_url = ${JSON.stringify(upstream.baseUrl)}`,
    '[plugins.request_log]',
    `path = ${JSON.stringify(requestLog())}`,
    '',
  ].join('\n'));

  serve = npx(['serve', '--port', '0']);
  banner = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    serve!.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    serve!.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/listening on http:\/\/127\.0\.0\.1:\d+\n[\s\S]*env_key = "CCPROXY_API_KEY"\n/.test(out)) resolve(out);
    });
    serve!.on('exit', (code) => reject(new Error(`ccproxy serve exited ${code}; stdout: ${out}; stderr: ${err}`)));
  });
  url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)![1]!;
}, 300_000);

afterAll(async () => {
  if (serve?.pid && serve.exitCode === null) {
    const exited = new Promise((resolve) => serve!.on('exit', resolve));
    process.kill(-serve.pid, 'SIGTERM');
    await exited;
  }
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the packed ccproxy-node with outside plugin packages', () => {
  it('`ccproxy plugins list` shows them as packages', async () => {
    const { code, stdout, stderr } = await output(npx(['plugins', 'list']));
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^echo\s+0\.2\.0\s+provider\s+\/echo\s+enabled\s+package\s*$/m);
    expect(stdout).toMatch(/^acme\s+0\.1\.0\s+provider\s+\/acme\s+enabled\s+package\s*$/m);
    expect(stdout).toMatch(/^request_log\s+0\.1\.0\s+plugin\s+\S+\s+enabled\s+package\s*$/m);
  });

  it('the banner, GET /plugins and GET /health show them', async () => {
    expect(banner).toMatch(new RegExp(`\\n  echo\\s+${url}/echo  \\(anthropic, chat, responses\\)\\n`));
    expect(banner).toContain('credentials: ok - API key from ACME_API_KEY');
    const { plugins } = (await (await fetch(`${url}/plugins`)).json()) as { plugins: Array<{ name: string; source: string; state: string }> };
    for (const name of ['echo', 'acme', 'request_log']) {
      expect(plugins.find((p) => p.name === name)).toMatchObject({ source: 'package', state: 'active' });
    }
    const health = (await (await fetch(`${url}/health`)).json()) as { status: string; checks: Record<string, Array<{ status: string }>> };
    expect(health.checks['plugin:echo']?.[0]?.status).toBe('pass');
    expect(health.checks['plugin:acme']?.[0]?.status).toBe('pass');
    expect(health.checks['plugin:request_log']?.[0]?.status).toBe('pass');
  });
});

describe('echo on the three client APIs', () => {
  const anthropic = (): Anthropic => new Anthropic({ baseURL: `${url}/echo`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });
  const openai = (): OpenAI => new OpenAI({ baseURL: `${url}/echo/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 });

  it('Anthropic Messages, complete and streamed', async () => {
    const msg = await anthropic().messages.create({ model: 'echo-1', max_tokens: 50, messages: [{ role: 'user', content: 'hello there' }] });
    expect(msg.content).toEqual([expect.objectContaining({ type: 'text', text: 'echo: hello there' })]);
    expect(msg.stop_reason).toBe('end_turn');
    const streamed = await anthropic().messages.stream({ model: 'echo-1', max_tokens: 50, messages: [{ role: 'user', content: 'stream me please' }] }).finalMessage();
    expect(streamed.content).toEqual([expect.objectContaining({ type: 'text', text: 'echo: stream me please' })]);
  });

  it('Chat Completions, complete and streamed', async () => {
    const res = await openai().chat.completions.create({ model: 'echo-1', messages: [{ role: 'user', content: 'hi chat' }] });
    expect(res.choices[0]?.message.content).toBe('echo: hi chat');
    const chunks: string[] = [];
    for await (const chunk of await openai().chat.completions.create({ model: 'echo-1', stream: true, messages: [{ role: 'user', content: 'one two three' }] })) {
      chunks.push(chunk.choices[0]?.delta.content ?? '');
    }
    expect(chunks.join('')).toBe('echo: one two three');
    expect(chunks.filter(Boolean).length).toBeGreaterThan(1);
  });

  it('Responses, complete and streamed', async () => {
    const res = await openai().responses.create({ model: 'echo-1', input: 'hi responses' });
    expect(res.output_text).toBe('echo: hi responses');
    const final = await openai().responses.stream({ model: 'echo-1', input: 'streamed responses' }).finalResponse();
    expect(final.output_text).toBe('echo: streamed responses');
  });

  it('errors come in the API the client spoke', async () => {
    const post = async (path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
      const res = await fetch(`${url}/echo/v1/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    // The plugin's own refusal (invalidField, thrown before anything is sent) …
    const messages = await post('messages', { model: 'echo-1', max_tokens: 5, messages: [{ role: 'user', content: [] }] });
    expect(messages).toMatchObject({ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'messages: no user text to echo' } } });
    const chat = await post('chat/completions', { model: 'echo-1', messages: [{ role: 'user', content: '' }] });
    expect(chat).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'messages', message: 'messages: no user text to echo' } } });
    const responses = await post('responses', { model: 'echo-1', input: [] });
    expect(responses).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'input', message: 'input: no user text to echo' } } });
    // … and requests their API refuses (validateRequest), naming the field.
    const chatShape = await post('chat/completions', { model: 'echo-1', messages: 'hello' });
    expect(chatShape).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'messages' } } });
    const responsesShape = await post('responses', { model: 'echo-1', input: 42 });
    expect(responsesShape).toMatchObject({ status: 400, body: { error: { type: 'invalid_request_error', param: 'input' } } });
    const messagesShape = await post('messages', { model: 'echo-1', max_tokens: 5 });
    expect(messagesShape).toMatchObject({ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(/^messages: /) } } });
  });
});

describe('acme: the provider walkthrough, against an OpenAI-compatible upstream', () => {
  it('serves Messages (streamed) and Chat and Responses, with the key from the environment', async () => {
    upstream.respond = () => ({ text: 'Hello from Acme.' });
    const anthropic = new Anthropic({ baseURL: `${url}/acme`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });
    const msg = await anthropic.messages.stream({ model: 'acme-large', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] }).finalMessage();
    expect(msg.content).toEqual([expect.objectContaining({ type: 'text', text: 'Hello from Acme.' })]);
    const openai = new OpenAI({ baseURL: `${url}/acme/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 });
    const chat = await openai.chat.completions.create({ model: 'acme-small', messages: [{ role: 'user', content: 'Hi' }] });
    expect(chat.choices[0]?.message.content).toBe('Hello from Acme.');
    const res = await openai.responses.create({ model: 'acme-large', input: 'Hi' });
    expect(res.output_text).toBe('Hello from Acme.');
    const models = await openai.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['acme-large', 'acme-small']);

    const sent = upstream.modelRequests;
    expect(sent.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions']);
    expect(sent.map((r) => r.body.model)).toEqual(['acme-large', 'acme-small', 'acme-large']);
    for (const r of upstream.requests) expect(r.headers.authorization).toBe('Bearer sk-acme-upstream');
    expect(upstream.leakedClientKey).toBe(false);
  });

  it('an upstream error reaches the client in its API format', async () => {
    upstream.respond = () => ({ httpError: { status: 429, message: 'Slow down', type: 'rate_limit_error', retryAfter: '7' } });
    const res = await fetch(`${url}/acme/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'acme-large', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(res.status).toBe(429);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', message: expect.stringContaining('Slow down') } });
  });
});

describe('request_log: the listener walkthrough', () => {
  it('has written one line per finished request, without the conversation', async () => {
    const marker = 'log-me-not-7f3a';
    await new OpenAI({ baseURL: `${url}/echo/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 }).chat.completions.create({ model: 'echo-1', messages: [{ role: 'user', content: marker }] });
    const lines = async (): Promise<Array<Record<string, unknown>>> =>
      (await readFile(requestLog(), 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    await expect.poll(async () => (await lines()).filter((l) => l.plugin === 'echo' && l.api === 'chat').length).toBeGreaterThanOrEqual(3);
    const all = await lines();
    // Token usage, from the meters the plugins fed: the upstream's numbers for acme (streams too), echo's word counts.
    const acme = all.filter((l) => l.plugin === 'acme');
    expect(acme.length).toBe(3);
    for (const line of acme) expect(line).toMatchObject({ status: 200, model: expect.stringMatching(/^acme-/), usage: { outputTokens: expect.any(Number) } });
    expect(all.filter((l) => l.plugin === 'echo' && l.status === 200).every((l) => (l.usage as { outputTokens?: number } | undefined)?.outputTokens)).toBe(true);
    expect(all.every((l) => typeof l.requestId === 'string' && typeof l.durationMs === 'number')).toBe(true);
    expect(JSON.stringify(all)).not.toContain(marker);
  });
});
