/**
 * Sessions: a session id (path segment or `x-session-id`) continues the same CLI session
 * (`resume`), requests on one session are serialized, distinct sessions run concurrently.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMainRequest, requestText, text as textReply } from '../../fakes/anthropic-upstream.js';
import { startSdkProxy, type SdkProxy } from './harness.js';

let p: SdkProxy;
beforeAll(async () => {
  p = await startSdkProxy({ max_sessions: 16 });
});
afterAll(async () => {
  await p?.close();
});

async function ask(path: string, content: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content }] }),
  });
  const body = (await res.json()) as { content?: Array<{ text: string }>; error?: unknown };
  return { status: res.status, text: body.content?.map((b) => b.text).join('') ?? '', body };
}

describe('claude_sdk sessions', () => {
  it('continues a conversation: the second upstream request contains the first exchange', async () => {
    p.fake.script = (req) => textReply(requestText(req).includes('SECOND_Q') ? 'second reply' : 'FIRST_REPLY_XY');
    const first = await ask('/conv-alpha/v1/messages', 'remember FIRST_Q_ALPHA');
    expect(first).toMatchObject({ status: 200, text: 'FIRST_REPLY_XY' });
    const second = await ask('/v1/messages', 'SECOND_Q what did I say?', { 'x-session-id': 'conv-alpha' });
    expect(second).toMatchObject({ status: 200, text: 'second reply' });
    const last = p.fake.mainRequests.at(-1);
    const text = requestText(last!);
    expect(text).toContain('FIRST_Q_ALPHA');
    expect(text).toContain('FIRST_REPLY_XY');
    expect(text).toContain('SECOND_Q');
    // Resumed from the CLI's own session: the history is real turns, not a rendered transcript.
    expect(text).not.toContain('conversation_history');
    const msgs = last!.body.messages as Array<{ role: string }>;
    expect(msgs.filter((m) => m.role === 'assistant').length).toBeGreaterThanOrEqual(1);
  });

  it('a session the CLI lost is started over with the request history', async () => {
    p.fake.script = () => textReply('fine');
    expect((await ask('/conv-lost/v1/messages', 'LOST_ONE')).status).toBe(200);
    await fs.rm(path.join(p.home, '.claude', 'projects'), { recursive: true, force: true });
    const again = await ask('/conv-lost/v1/messages', 'LOST_TWO');
    expect(again).toMatchObject({ status: 200, text: 'fine' });
    expect(requestText(p.fake.mainRequests.at(-1)!)).toContain('LOST_TWO');
  });

  it('without a session id, requests are independent', async () => {
    p.fake.script = () => textReply('independent');
    await ask('/v1/messages', 'LONE_ONE');
    await ask('/v1/messages', 'LONE_TWO');
    expect(requestText(p.fake.mainRequests.at(-1)!)).not.toContain('LONE_ONE');
  });

  it('serializes two requests on the same session', async () => {
    // A's answer is held until B is known to be waiting for the session.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    p.fake.script = (req) => {
      if (requestText(req).includes('SERIAL_B')) return textReply('b done');
      return isMainRequest(req) ? textReply('a done', { hold: { after: 'a done', until: released } }) : textReply('a done');
    };
    const before = p.fake.mainRequests.length;
    const pendingA = ask('/conv-serial/v1/messages', 'SERIAL_A');
    await expect.poll(() => p.fake.mainRequests.length).toBeGreaterThan(before);
    const pendingB = ask('/conv-serial/v1/messages', 'SERIAL_B');
    await expect.poll(async () => (await p.health()).details.sessions_waiting).toBe(1);
    release();
    const [a, b] = await Promise.all([pendingA, pendingB]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const [ra, rb] = p.fake.mainRequests.slice(before);
    expect(requestText(ra!)).toContain('SERIAL_A');
    expect(requestText(rb!)).toContain('SERIAL_B');
    // B reached the upstream only after A's response was complete, and B saw A's exchange.
    expect(rb!.receivedAt).toBeGreaterThanOrEqual(ra!.finishedAt!);
    expect(requestText(rb!)).toContain('SERIAL_A');
  });

  it('runs 10 requests on distinct sessions concurrently, all complete', async () => {
    p.fake.script = (req) => textReply(`answer ${/PAR_(\d+)/.exec(requestText(req))?.[1] ?? '?'}`);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(`/conv-par-${i}/v1/messages`, `PAR_${i}`)));
    results.forEach((r, i) => expect(r).toMatchObject({ status: 200, text: `answer ${i}` }));
    expect((await p.health()).details.sessions).toBeGreaterThanOrEqual(10);
  });

  it('refuses a malformed session id', async () => {
    const r = await ask('/v1/messages', 'x', { 'x-session-id': 'bad id with spaces' });
    expect(r.status).toBe(400);
  });
});
