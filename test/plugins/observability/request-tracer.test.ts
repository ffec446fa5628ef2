/**
 * The request tracer: SDK requests (a stream among them) leave one folder per request id holding
 * both legs' headers and bodies, the streams as received, and no credential: not the proxy's OAuth
 * token or API key, not the client's dummy key. `ccproxy trace list|show` reads them.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type Sandbox } from '../../cli/run-cli.js';
import { CLAUDE_TOKEN, startObserved, type ObservedProxy } from './harness.js';

let h: ObservedProxy;
let root: string;
const MARKER = 'tracer-marker-7f3a';

beforeAll(async () => {
  h = await startObserved(['request_tracer'], { request_tracer: { enabled: true } });
  root = path.join(h.env.XDG_STATE_HOME, 'ccproxy', 'traces');
  h.anthropic.script = () => ({ kind: 'message', content: [{ type: 'text', text: ['streamed ', 'answer'] }] });
  const claude = new Anthropic({ baseURL: `${h.proxy.url}/claude`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });
  const stream = await claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: MARKER }] });
  for await (const _ of stream) { /* drain */ }
  const gpt = new OpenAI({ baseURL: `${h.proxy.url}/openai/v1`, apiKey: 'sk-client-dummy-0123456789', maxRetries: 0 });
  await gpt.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: MARKER }] });
});

afterAll(async () => {
  await h?.close();
});

async function traces(): Promise<string[]> {
  const names = await fs.readdir(root).catch(() => [] as string[]);
  const done = await Promise.all(names.map(async (n) => ((await fs.stat(path.join(root, n, 'meta.json')).catch(() => null)) ? n : null)));
  return done.filter((n): n is string => n !== null);
}

async function files(name: string): Promise<Record<string, string>> {
  const dir = path.join(root, name);
  const out: Record<string, string> = {};
  for (const f of await fs.readdir(dir)) out[f] = await fs.readFile(path.join(dir, f), 'utf8');
  return out;
}

describe('request tracer', () => {
  it('writes both legs of each exchange, the stream as received, in a folder per request id', async () => {
    await expect.poll(async () => (await traces()).length).toBe(2);
    const all = await Promise.all((await traces()).map(files));
    const claude = all.find((f) => f['meta.json']!.includes('claude_api'))!;
    expect(Object.keys(claude).sort()).toEqual(['client-request.http', 'client-response.http', 'meta.json', 'upstream-1-request.http', 'upstream-1-response.http']);
    expect(claude['client-request.http']).toMatch(/^POST \/claude\/v1\/messages\n/);
    expect(claude['client-request.http']).toContain(MARKER);
    expect(claude['client-request.http']).toMatch(/^(authorization|x-api-key): \[redacted\]$/m);
    expect(claude['upstream-1-request.http']).toMatch(new RegExp(`^POST ${h.anthropic.url}/v1/messages`));
    expect(claude['upstream-1-request.http']).toMatch(/^authorization: \[redacted\]$/m);
    expect(claude['upstream-1-request.http']).toContain(MARKER);
    expect(claude['upstream-1-response.http']).toMatch(/^200\n/);
    // The upstream's stream as it arrived, and what the client got.
    expect(claude['upstream-1-response.http']).toContain('event: message_start');
    expect(claude['upstream-1-response.http']).toContain('"text":"answer"');
    expect(claude['client-response.http']).toContain('event: message_stop');
    const openai = all.find((f) => f['meta.json']!.includes('"openai"'))!;
    expect(openai['upstream-1-request.http']).toContain('/v1/chat/completions');
    expect(openai['client-response.http']).toContain('chat.completion');
  });

  it('holds no credential', async () => {
    await expect.poll(async () => (await traces()).length).toBe(2);
    const text = JSON.stringify(await Promise.all((await traces()).map(files)));
    for (const secret of [CLAUDE_TOKEN, h.openai.apiKey, 'sk-ant-client-dummy', 'sk-client-dummy-0123456789']) expect(text).not.toContain(secret);
  });

  it('ccproxy trace list and show read them', async () => {
    await expect.poll(async () => (await traces()).length).toBe(2);
    const box: Sandbox = { dir: h.home, home: h.home, env: { ...h.env, PATH: process.env.PATH, NO_COLOR: '1' }, cleanup: async () => undefined };
    const list = await runCli(['trace', 'list'], box);
    expect(list.stderr).toBe('');
    expect(list.stdout).toMatch(/^REQUEST ID\s+TIME\s+PROVIDER\s+MODEL\s+STATUS\s+DURATION$/m);
    expect(list.stdout).toMatch(/claude_api\s+claude-sonnet-4-5\s+200\s+\d+ms/);
    const id = (await traces())[0]!;
    const show = await runCli(['trace', 'show', id], box);
    expect(show.code).toBe(0);
    expect(show.stdout.indexOf('===== client-request.http')).toBeLessThan(show.stdout.indexOf('===== upstream-1-request.http'));
    expect(show.stdout.indexOf('===== upstream-1-response.http')).toBeLessThan(show.stdout.indexOf('===== client-response.http'));
    expect(show.stdout).toContain(MARKER);
    const missing = await runCli(['trace', 'show', 'nope'], box);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('No trace "nope"');
  });
});
