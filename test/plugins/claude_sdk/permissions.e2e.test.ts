/**
 * builtin_permissions end to end: the real Claude Code CLI (through the Agent SDK) against the fake
 * Anthropic upstream, which asks for a Bash call that creates a marker file. The call waits as a
 * pending approval on /permissions/stream; a person's allow runs it, a deny or no answer in time
 * does not, and the model reads why; "always for this session" answers the next identical call;
 * a client that leaves withdraws what it waits for. The client's stream gets keep-alives while it
 * waits, which the OpenAI SDKs read past.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createParser } from 'eventsource-parser';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { text, toolUse, type FakeReply, type RecordedRequest } from '../../fakes/anthropic-upstream.js';
import { startSdkProxy, type SdkProxy } from './harness.js';
import { PermissionWatch } from './permission-watch.js';

/** The fake model: a Bash call that creates `marker` in the project, then a final answer. */
function markerScript(p: SdkProxy, marker: string): (req: RecordedRequest) => FakeReply {
  return (req) =>
    JSON.stringify((req.body.messages as unknown[]).at(-1)).includes('tool_result')
      ? text('Final answer after the tool.')
      : toolUse('Bash', { command: `touch ${path.join(p.project, marker)} && echo MARK_$((40+2))`, description: 'make marker' }, 'Let me run it.');
}

/** A streamed Messages request whose SSE frames the test can wait on as they arrive. */
class ClientStream {
  readonly frames: Array<{ event?: string; data: string }> = [];
  readonly done: Promise<void>;
  private readonly ac = new AbortController();
  private wake?: () => void;

  constructor(url: string, content: string, headers: Record<string, string> = {}) {
    this.done = (async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 200, stream: true, messages: [{ role: 'user', content }] }),
        signal: this.ac.signal,
      });
      expect(res.status).toBe(200);
      const parser = createParser({ onEvent: (m) => this.frames.push({ event: m.event, data: m.data }) });
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          parser.feed(decoder.decode(chunk, { stream: true }));
          this.wake?.();
        }
      } catch (err) {
        if (!this.ac.signal.aborted) throw err;
      }
    })();
    this.done.catch(() => undefined);
  }

  /** Waits until a frame matches (bounded generously; the machine may be loaded). */
  async until(pred: (f: { event?: string; data: string }) => boolean, timeoutMs = 90_000): Promise<number> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return i;
      if (Date.now() > end) throw new Error(`no matching frame; got ${JSON.stringify(this.frames)}`);
      await Promise.race([new Promise<void>((r) => (this.wake = r)), this.done, new Promise((r) => setTimeout(r, 1000))]);
    }
  }

  text(): string {
    return this.frames
      .filter((f) => f.event === 'content_block_delta')
      .map((f) => (JSON.parse(f.data) as { delta: { text?: string } }).delta.text ?? '')
      .join('');
  }

  abort(): void {
    this.ac.abort();
  }
}

function toolResultOf(req: RecordedRequest | undefined): { content: unknown; is_error?: boolean } | undefined {
  const last = (req?.body.messages as Array<{ content: unknown }>).at(-1);
  return (Array.isArray(last?.content) ? last.content : []).find((b: { type?: string }) => b.type === 'tool_result');
}

// Each case runs the real CLI once or more, each run waiting on a decision: generous on a loaded machine.
const CASE_MS = 180_000;

describe('claude_sdk builtin permissions', { timeout: CASE_MS }, () => {
  let p: SdkProxy;
  let watch: PermissionWatch;
  beforeAll(async () => {
    p = await startSdkProxy({ permission_timeout: 600 });
    watch = await PermissionWatch.open(p.url);
  });
  afterAll(async () => {
    watch?.close();
    await p?.close();
  });

  it('a pending approval appears; allowed, the command runs and its output reaches the answer; the stream got a ping meanwhile', async () => {
    p.fake.script = markerScript(p, 'allowed.txt');
    const client = new ClientStream(`${p.base}/v1/messages`, 'run the marker', { 'user-agent': 'perm-test-client/1' });
    const pending = await watch.next('new');
    expect(pending).toMatchObject({
      tool: 'Bash',
      plugin: 'claude_sdk',
      session_id: null,
      client: { api: 'anthropic', user_agent: 'perm-test-client/1' },
      input: { command: expect.stringContaining('allowed.txt') },
      summary: expect.stringContaining(`touch ${path.join(p.project, 'allowed.txt')}`),
      session_rule: expect.stringMatching(/^Bash\(touch .*allowed\.txt && echo MARK_\$\(\(40\+2\)\)\)$/),
    });
    const listed = (await (await fetch(`${p.url}/permissions`)).json()) as { pending: Array<{ id: string }> };
    expect(listed.pending.map((x) => x.id)).toEqual([pending.id]);
    expect((await p.health()).details.pending_permissions).toBe(1);
    // While it waits the client's stream is kept alive with the API's own ping event.
    const ping = await client.until((f) => f.event === 'ping');
    expect(fs.existsSync(path.join(p.project, 'allowed.txt'))).toBe(false);

    const decided = await watch.decide(String(pending.id), { decision: 'allow' });
    expect(decided).toEqual({ status: 200, body: { id: pending.id, decision: 'allow', remember: 'none' } });
    expect(await watch.next('decided', (d) => d.id === pending.id)).toMatchObject({ decision: 'allow', remember: 'none', decider: expect.stringContaining('from ') });
    await client.done;

    expect(fs.existsSync(path.join(p.project, 'allowed.txt'))).toBe(true);
    expect(JSON.stringify(toolResultOf(p.fake.mainRequests.at(-1))?.content)).toContain('MARK_42');
    const answer = client.text();
    expect(answer).toMatch(/<tool_result name="Bash">MARK_42/);
    expect(answer).toContain('Final answer after the tool.');
    expect(ping).toBeLessThan(client.frames.findIndex((f) => f.data.includes('tool_result')));
    expect((await (await fetch(`${p.url}/permissions`)).json())).toEqual({ pending: [] });
  });

  it('denied, the command does not run and the model reads the denial and its message', async () => {
    p.fake.script = markerScript(p, 'denied.txt');
    const client = new ClientStream(`${p.base}/v1/messages`, 'run the marker');
    const pending = await watch.next('new');
    expect((await watch.decide(String(pending.id), { decision: 'deny', message: 'not on a Friday' })).status).toBe(200);
    await client.done;

    expect(fs.existsSync(path.join(p.project, 'denied.txt'))).toBe(false);
    const result = toolResultOf(p.fake.mainRequests.at(-1));
    expect(result?.is_error).toBe(true);
    expect(JSON.stringify(result?.content)).toContain('The user denied this Bash call');
    expect(JSON.stringify(result?.content)).toContain('not on a Friday');
    expect(client.text()).toContain('Final answer after the tool.');
    // Decided once: a second decision finds nothing pending.
    expect((await watch.decide(String(pending.id), { decision: 'allow' })).status).toBe(404);
  });

  it('"always for this session": the next identical call in the session runs unasked, another call still asks', async () => {
    p.fake.script = markerScript(p, 'session.txt');
    const first = new ClientStream(`${p.base}/perm-session-1/v1/messages`, 'run the marker');
    const pending = await watch.next('new');
    expect(pending.session_id).toBe('perm-session-1');
    expect((await watch.decide(String(pending.id), { decision: 'allow', remember: 'session' })).body).toMatchObject({ remember: 'session' });
    await first.done;
    fs.rmSync(path.join(p.project, 'session.txt'));

    // Were it asked again, deny it at once so the test fails on the assertions, not on a timeout.
    const asked = watch.next('new', () => true, 120_000).then(async (again) => {
      await watch.decide(String(again.id), { decision: 'deny' });
      return again;
    });
    asked.catch(() => undefined);
    const second = new ClientStream(`${p.base}/perm-session-1/v1/messages`, 'run the marker again');
    await second.done;
    expect(fs.existsSync(path.join(p.project, 'session.txt'))).toBe(true);
    expect(second.text()).toMatch(/<tool_result name="Bash">MARK_42/);

    // The same session, another command: asked (and the remembered rule did not cover it).
    p.fake.script = markerScript(p, 'other.txt');
    const third = new ClientStream(`${p.base}/perm-session-1/v1/messages`, 'run another marker');
    const again = await asked;
    expect(again).toMatchObject({ session_id: 'perm-session-1', input: { command: expect.stringContaining('other.txt') } });
    await third.done;
    expect(fs.existsSync(path.join(p.project, 'other.txt'))).toBe(false);
  });

  it('a client that goes away withdraws its pending approval', async () => {
    p.fake.script = markerScript(p, 'withdrawn.txt');
    const client = new ClientStream(`${p.base}/v1/messages`, 'run the marker');
    const pending = await watch.next('new');
    client.abort();
    expect(await watch.next('expired', (d) => d.id === pending.id)).toMatchObject({ reason: 'withdrawn' });
    expect((await watch.decide(String(pending.id), { decision: 'allow' })).status).toBe(404);
    expect(fs.existsSync(path.join(p.project, 'withdrawn.txt'))).toBe(false);
  });

  it('Chat Completions and Responses streams wait through an approval with keep-alive comments the OpenAI SDK reads past', async () => {
    const client = new OpenAI({ apiKey: 'unused', baseURL: `${p.base}/v1`, maxRetries: 0 });
    p.fake.script = markerScript(p, 'chat.txt');
    const chat = (async () => {
      const stream = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'run the marker' }], stream: true });
      let out = '';
      for await (const chunk of stream) out += chunk.choices[0]?.delta.content ?? '';
      return out;
    })();
    const chatPending = await watch.next('new');
    expect(chatPending.client).toMatchObject({ api: 'chat' });
    await watch.decide(String(chatPending.id), { decision: 'allow' });
    expect(await chat).toMatch(/MARK_42[\s\S]*Final answer after the tool\./);

    p.fake.script = markerScript(p, 'responses.txt');
    const responses = (async () => {
      const stream = await client.responses.create({ model: 'claude-sonnet-4-5', input: 'run the marker', stream: true });
      let out = '';
      for await (const event of stream) if (event.type === 'response.output_text.delta') out += event.delta;
      return out;
    })();
    const responsesPending = await watch.next('new');
    expect(responsesPending.client).toMatchObject({ api: 'responses' });
    await watch.decide(String(responsesPending.id), { decision: 'allow' });
    expect(await responses).toMatch(/MARK_42[\s\S]*Final answer after the tool\./);
  });
});

describe('claude_sdk permission timeout', { timeout: CASE_MS }, () => {
  let p: SdkProxy | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('no decision in time: denied, the model reads why, the marker is absent', async () => {
    p = await startSdkProxy({ permission_timeout: 1 });
    const watch = await PermissionWatch.open(p.url);
    try {
      p.fake.script = markerScript(p, 'timeout.txt');
      const client = new ClientStream(`${p.base}/v1/messages`, 'run the marker');
      const pending = await watch.next('new');
      expect(await watch.next('expired', (d) => d.id === pending.id)).toMatchObject({ reason: 'timeout' });
      await client.done;
      expect(fs.existsSync(path.join(p.project, 'timeout.txt'))).toBe(false);
      const result = toolResultOf(p.fake.mainRequests.at(-1));
      expect(result?.is_error).toBe(true);
      expect(JSON.stringify(result?.content)).toContain('No one approved this Bash call within 1 s');
      expect(client.text()).toContain('Final answer after the tool.');
    } finally {
      watch.close();
    }
  });
});
