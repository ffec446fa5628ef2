/**
 * Tracing against a fake OTLP/HTTP collector: an Anthropic SDK request carrying a W3C traceparent
 * becomes a SERVER span in the client's trace (its parent the client's span) with a CLIENT child
 * per upstream attempt, GenAI semantic-convention attributes with the fake's token numbers; a
 * failed attempt is an error child; streams included.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, type FakeReply } from '../../fakes/anthropic-upstream.js';
import { FakeOtlpReceiver, type ReceivedSpan } from '../../fakes/otlp-receiver.js';
import { startObserved, type ObservedProxy } from './harness.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

let h: ObservedProxy;
let collector: FakeOtlpReceiver;

beforeAll(async () => {
  collector = await new FakeOtlpReceiver().start();
  h = await startObserved(['tracing'], { tracing: { enabled: true, endpoint: collector.tracesUrl } });
  const replies: FakeReply[] = [
    { kind: 'message', content: [{ type: 'text', text: 'one' }], usage: { input_tokens: 11, output_tokens: 7, cache_read_input_tokens: 100, cache_creation_input_tokens: 20 } },
    { kind: 'message', content: [{ type: 'text', text: ['t', 'wo'] }], usage: { input_tokens: 5, output_tokens: 3 } },
    apiError(529, 'overloaded'),
  ];
  h.anthropic.script = (_req, i) => replies[i]!;
  const claude = new Anthropic({ baseURL: `${h.proxy.url}/claude`, apiKey: 'sk-ant-client-dummy', maxRetries: 0 });
  const traced = { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` } };
  await claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, traced);
  const stream = await claude.messages.create({ model: 'claude-haiku-4-5', max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'hi' }] });
  for await (const _ of stream) { /* drain */ }
  await expect(claude.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow();
});

afterAll(async () => {
  await h?.close();
  await collector?.close();
});

const servers = (): ReceivedSpan[] => collector.spans.filter((s) => s.kind === 2);
const childrenOf = (s: ReceivedSpan): ReceivedSpan[] => collector.spans.filter((c) => c.parentSpanId === s.spanId);

describe('tracing over OTLP/HTTP', () => {
  it('continues the client\'s trace: the request span is a child of its traceparent, the upstream attempt a child of the request span', async () => {
    await expect.poll(() => servers().length).toBe(3);
    expect(collector.refused).toEqual([]);
    const [first] = servers().filter((s) => s.traceId === TRACE_ID);
    expect(first).toBeDefined();
    expect(first!.parentSpanId).toBe(CLIENT_SPAN);
    expect(first!.name).toBe('chat claude-sonnet-4-5');
    expect(first!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat', 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'claude-sonnet-4-5', 'gen_ai.response.model': 'claude-sonnet-4-5',
      'gen_ai.usage.input_tokens': 131, 'gen_ai.usage.cache_read.input_tokens': 100, 'gen_ai.usage.cache_creation.input_tokens': 20, 'gen_ai.usage.output_tokens': 7,
      'http.route': '/claude/v1/messages', 'http.response.status_code': 200, 'ccproxy.provider': 'claude_api',
    });
    expect(first!.resource['service.name']).toBe('ccproxy');
    const attempts = childrenOf(first!);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ kind: 3, traceId: TRACE_ID, attributes: expect.objectContaining({ 'gen_ai.system': 'anthropic', 'http.response.status_code': 200, 'ccproxy.attempt': 1 }) });
    expect(BigInt(attempts[0]!.startTimeUnixNano)).toBeGreaterThanOrEqual(BigInt(first!.startTimeUnixNano));
    expect(BigInt(attempts[0]!.endTimeUnixNano)).toBeLessThanOrEqual(BigInt(first!.endTimeUnixNano));
  });

  it('a request without traceparent starts its own trace; a stream\'s span carries its usage', async () => {
    await expect.poll(() => servers().length).toBe(3);
    const stream = servers().find((s) => s.attributes['gen_ai.request.model'] === 'claude-haiku-4-5')!;
    expect(stream.traceId).not.toBe(TRACE_ID);
    expect(stream.parentSpanId).toBeUndefined();
    expect(stream.attributes).toMatchObject({ 'ccproxy.stream': true, 'gen_ai.usage.input_tokens': 5, 'gen_ai.usage.output_tokens': 3 });
    expect(childrenOf(stream)).toHaveLength(1);
  });

  it('a failed upstream attempt is an error child of an error request span', async () => {
    await expect.poll(() => servers().length).toBe(3);
    const failed = servers().find((s) => s.attributes['http.response.status_code'] === 529)!;
    expect(failed.status?.code).toBe(2);
    expect(failed.attributes['error.type']).toBe('overloaded');
    const [attempt] = childrenOf(failed);
    expect(attempt).toMatchObject({ kind: 3, status: expect.objectContaining({ code: 2 }), attributes: expect.objectContaining({ 'http.response.status_code': 529 }) });
  });
});
