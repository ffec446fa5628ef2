/**
 * Tool use inside the CLI: the fake upstream asks for `Bash` with a marker command. Allowed by
 * config, the CLI runs it and the next upstream request carries the result; the client sees the
 * formatted tool activity and the final text in ONE message. Not allowed, with nobody to ask
 * (`builtin_permissions = false`), the CLI does not run it. (Asking a person: permissions.e2e.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { text, toolUse, type FakeReply, type RecordedRequest } from '../../fakes/anthropic-upstream.js';
import { readSse, startSdkProxy, type SdkProxy } from './harness.js';

let p: SdkProxy | undefined;
afterEach(async () => {
  await p?.close();
  p = undefined;
});

const MARKER_CMD = 'touch made-by-tool.txt && echo MARK_$((40+2))';

function scriptToolRoundTrip(req: RecordedRequest): FakeReply {
  if (JSON.stringify(req.body.messages).includes('tool_result')) return text('Final answer after the tool.');
  return toolUse('Bash', { command: MARKER_CMD, description: 'make marker' }, 'Let me run it.');
}

async function ask(proxy: SdkProxy) {
  const res = await fetch(`${proxy.base}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 200, stream: true, messages: [{ role: 'user', content: 'run the marker' }] }),
  });
  expect(res.status).toBe(200);
  return readSse(res);
}

function toolResultOf(req: RecordedRequest | undefined): { content: unknown; is_error?: boolean } | undefined {
  const last = (req?.body.messages as Array<{ content: unknown }>).at(-1);
  return (Array.isArray(last?.content) ? last.content : []).find((b: { type?: string }) => b.type === 'tool_result');
}

describe('claude_sdk tool use inside the CLI', () => {
  it('runs an allowed tool; the result goes upstream and the client sees formatted activity', async () => {
    p = await startSdkProxy({ allowed_tools: ['Bash'] });
    p.fake.script = scriptToolRoundTrip;
    const frames = await ask(p);

    const main = p.fake.mainRequests;
    expect(main).toHaveLength(2);
    expect(JSON.stringify(toolResultOf(main[1])?.content)).toContain('MARK_42');
    expect(fs.existsSync(path.join(p.project, 'made-by-tool.txt'))).toBe(true);

    const events = frames.map((f) => ({ event: f.event, data: JSON.parse(f.data) as Record<string, unknown> }));
    expect(events.filter((e) => e.event === 'message_start')).toHaveLength(1);
    expect(events.filter((e) => e.event === 'message_stop')).toHaveLength(1);
    // No tool_use block reaches the client: the CLI ran the tool itself.
    expect(JSON.stringify(events)).not.toContain('"tool_use"');
    // Block indexes are contiguous across the CLI's two model calls.
    const starts = events.filter((e) => e.event === 'content_block_start').map((e) => e.data.index);
    expect(starts).toEqual(starts.map((_, i) => i));
    const text = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => (e.data.delta as { text?: string }).text ?? '')
      .join('');
    expect(text).toContain('Let me run it.');
    expect(text).toContain('<tool_use name="Bash">touch made-by-tool.txt');
    expect(text).toMatch(/<tool_result name="Bash">MARK_42/);
    expect(text).toContain('Final answer after the tool.');
    const delta = events.find((e) => e.event === 'message_delta')?.data as { delta: { stop_reason: string } };
    expect(delta.delta.stop_reason).toBe('end_turn');
  });

  it('without builtin permissions, does not run a tool that is not allowed', async () => {
    p = await startSdkProxy({ allowed_tools: [], builtin_permissions: false });
    p.fake.script = scriptToolRoundTrip;
    const frames = await ask(p);

    const main = p.fake.mainRequests;
    expect(main).toHaveLength(2);
    const result = toolResultOf(main[1]);
    expect(result?.is_error).toBe(true);
    expect(JSON.stringify(result?.content)).not.toContain('MARK_42');
    expect(fs.existsSync(path.join(p.project, 'made-by-tool.txt'))).toBe(false);
    const text = frames
      .filter((f) => f.event === 'content_block_delta')
      .map((f) => (JSON.parse(f.data) as { delta: { text?: string } }).delta.text ?? '')
      .join('');
    expect(text).toContain('<tool_error name="Bash">Permission');
    expect(text).toContain('Final answer after the tool.');
  });
});
