/**
 * The real CLIs on /openai with a fake OpenAI-compatible upstream behind it:
 *  - Claude Code (`ANTHROPIC_BASE_URL=<proxy>/openai`) over a chat upstream with a Bash tool round
 *    trip: the upstream asks for `Bash` with a marker command, the next request carries its output;
 *  - Codex (`base_url = <proxy>/openai/v1`, wire_api responses) over a chat upstream: an answer;
 *    and on a responses upstream (instance `resp`, `/openai/resp/v1`): an `exec_command` round trip;
 *  - Claude Code on the root URL, sent to the `resp` instance by a `[routing.models]` rule.
 * The upstream checks the configured key on every request; the CLIs' dummy keys never reach it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAICompatible, type FakeTurn, type RecordedRequest } from '../../fakes/openai-compatible.js';
import { runClaude, runCodex } from '../claude_api/cli-helpers.js';
import { startOpenAIHarness, type OpenAIHarness } from './harness.js';

let h: OpenAIHarness;
let resp: FakeOpenAICompatible;
let respond: (r: RecordedRequest) => FakeTurn = () => ({ text: 'ok' });

beforeAll(async () => {
  resp = await new FakeOpenAICompatible({ apiKey: 'sk-resp', respond: (r) => respond(r) }).start();
  h = await startOpenAIHarness({
    fake: { respond: (r) => respond(r) },
    config: { default_model: 'gpt-test-1', providers: { resp: { base_url: resp.baseUrl, api_key: 'sk-resp', upstream_format: 'responses' } } },
    routing: { models: { 'claude-*': 'openai.resp' } },
  });
  h.upstream.clientKeys.add('sk-codex-client-dummy');
  resp.clientKeys.add('sk-codex-client-dummy');
});
afterAll(async () => {
  await h?.close();
  await resp?.close();
});

const hasTools = (r: RecordedRequest): boolean => Array.isArray(r.body.tools) && r.body.tools.length > 0;
const transcript = (r: RecordedRequest): string => JSON.stringify(r.body.messages ?? r.body.input ?? []);

function assertKeys(): void {
  expect(h.upstream.leakedClientKey).toBe(false);
  for (const r of h.upstream.modelRequests) expect(r.headers.authorization).toBe(`Bearer ${h.upstream.apiKey}`);
}

describe('Claude Code CLI → /openai (chat upstream)', () => {
  it('runs a Bash tool call and sends the result back', async () => {
    const marker = `MARK-${randomBytes(5).toString('hex')}`;
    const final = `DONE-${randomBytes(4).toString('hex')}`;
    respond = (r) => {
      if (!hasTools(r)) return { text: 'ok' };
      const messages = (r.body.messages ?? []) as Array<{ role: string; content: unknown }>;
      const toolOutput = messages.filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content)).join('');
      if (toolOutput.includes(marker)) return { text: `The command printed the marker. ${final}` };
      return { text: 'Running it.', toolCalls: [{ name: 'Bash', arguments: { command: `echo ${marker}`, description: 'Print the marker' } }] };
    };
    const run = await runClaude(`${h.proxy.url}/openai`, 'Run the marker command with Bash and tell me what it printed.');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout).toContain(final);
    const main = h.upstream.modelRequests.filter(hasTools);
    expect(main.length).toBeGreaterThanOrEqual(2);
    // Claude's model name became the configured upstream model; the conversation went as Chat.
    expect(main[0]!.body.model).toBe('gpt-test-1');
    expect(main[0]!.path).toBe('/v1/chat/completions');
    const withResult = main.find((r) => transcript(r).includes('"role":"tool"'));
    expect(withResult, 'a request carrying the tool result').toBeDefined();
    expect(transcript(withResult!)).toContain(marker);
    assertKeys();
  });
});

describe('Claude Code CLI → the root URL, routed by model', () => {
  it('`claude-*` = "openai.resp": answered by the responses upstream', async () => {
    const answer = `ROOT-${randomBytes(4).toString('hex')}`;
    respond = () => ({ text: `Routed answer ${answer}` });
    const before = resp.modelRequests.length;
    const run = await runClaude(h.proxy.url, 'Say the answer.');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout).toContain(answer);
    const mine = resp.modelRequests.slice(before);
    expect(mine.length).toBeGreaterThan(0);
    // The instance has no default_model: Claude's model name reaches it unchanged.
    expect(String(mine[0]!.body.model)).toMatch(/^claude-/);
    expect(resp.leakedClientKey).toBe(false);
  });
});

describe('Codex CLI → /openai/v1 (chat upstream)', () => {
  it('prints the answer', async () => {
    const answer = `CDX-${randomBytes(4).toString('hex')}`;
    respond = () => ({ text: `Codex answer ${answer}` });
    const before = h.upstream.modelRequests.length;
    const run = await runCodex(`${h.proxy.url}/openai/v1`, 'Say the answer', 'gpt-test-1');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout + run.stderr).toContain(`Codex answer ${answer}`);
    const req = h.upstream.modelRequests.slice(before).at(-1);
    expect(req?.path).toBe('/v1/chat/completions');
    expect(req?.body.model).toBe('gpt-test-1');
    assertKeys();
  });
});

describe('Codex CLI → /openai/resp/v1 (responses upstream)', () => {
  it('runs exec_command and sends the output back', async () => {
    const marker = `CMD-${randomBytes(4).toString('hex')}`;
    respond = (r) => {
      const items = (r.body.input ?? []) as Array<{ type?: string; output?: unknown }>;
      const output = items.filter((i) => i.type === 'function_call_output').map((i) => JSON.stringify(i.output)).join('');
      if (output.includes(marker)) return { text: `Command printed ${marker}` };
      return { toolCalls: [{ name: 'exec_command', arguments: { cmd: `echo ${marker}` } }] };
    };
    const run = await runCodex(`${h.proxy.url}/openai/resp/v1`, 'Run the marker command', 'gpt-test-1');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout + run.stderr).toContain(`Command printed ${marker}`);
    const final = resp.modelRequests.at(-1);
    expect(final?.path).toBe('/v1/responses');
    expect(JSON.stringify(final?.body.input)).toContain(marker);
    expect(resp.leakedClientKey).toBe(false);
    for (const r of resp.modelRequests) expect(r.headers.authorization).toBe('Bearer sk-resp');
  });
});
