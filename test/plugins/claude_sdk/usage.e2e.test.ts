/**
 * claude_sdk reports the tokens the CLI's model call used, once, on `request.completed`, in the
 * one usage model: real Agent SDK and CLI, fake Anthropic upstream with distinct cache counts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestEvents } from '../../../src/core/events.js';
import { startSdkProxy, type SdkProxy } from './harness.js';

let p: SdkProxy;
const completed = new Map<string, RequestEvents['request.completed']>();
beforeAll(async () => {
  p = await startSdkProxy();
  p.proxy.services.events.on('request.completed', (e) => completed.set(e.requestId, e));
  p.fake.script = () => ({
    kind: 'message', content: [{ type: 'text', text: 'Counted answer.' }],
    usage: { input_tokens: 13, cache_read_input_tokens: 4096, cache_creation_input_tokens: 256, output_tokens: 21 },
  });
});
afterAll(async () => {
  await p?.close();
});

describe('claude_sdk usage on request.completed', () => {
  for (const [api, path, body] of [
    ['anthropic', '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'count me' }] }],
    ['chat', '/v1/chat/completions', { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'count me' }] }],
  ] as const) {
    for (const stream of [false, true]) {
      it(`${api} ${stream ? 'stream' : 'json'}`, async () => {
        const id = `sdk-usage-${api}-${stream}`;
        const before = p.fake.mainRequests.length;
        const res = await fetch(`${p.base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-request-id': id },
          body: JSON.stringify({ ...body, stream }),
        });
        expect(res.status, await res.text()).toBe(200);
        await expect.poll(() => completed.get(id)).toBeDefined();
        // One model call by the CLI: its counts, as the result reports them.
        expect(p.fake.mainRequests.length - before).toBe(1);
        expect(completed.get(id)!.usage).toEqual({ uncachedInputTokens: 13, cacheReadTokens: 4096, cacheWriteTokens: 256, outputTokens: 21, reasoningTokens: 0 });
      });
    }
  }
});
