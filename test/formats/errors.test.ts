import { describe, expect, it } from 'vitest';
import { convertErrorBody, errorEvent, readErrorBody, readErrorEvent, retryAfterSeconds } from '../../src/formats/errors.js';
import { AnthropicErrorBodySchema } from '../../src/formats/models/anthropic.js';
import { OpenAIErrorBodySchema } from '../../src/formats/models/chat.js';
import { ResponsesErrorEventSchema } from '../../src/formats/models/responses.js';
import { runAnthropicJson, runChatJson } from './helpers/sdk-harness.js';

const anthropicErr = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_011' });
const openaiErr = (type: string, code: string | null, message: string) => ({ error: { message, type, param: null, code } });

describe('convertErrorBody', () => {
  it('Anthropic 429 → OpenAI 429 rate_limit_exceeded, retry-after kept', () => {
    const out = convertErrorBody('anthropic', 'chat', anthropicErr('rate_limit_error', 'Number of requests has exceeded your rate limit'), 429, { 'retry-after': '17' });
    expect(out.status).toBe(429);
    expect(out.headers).toEqual({ 'retry-after': '17' });
    expect(out.body).toEqual({ error: { message: 'Number of requests has exceeded your rate limit', type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null } });
    expect(OpenAIErrorBodySchema.safeParse(out.body).success).toBe(true);
  });

  it('Anthropic 529 overloaded → OpenAI 503; OpenAI 503 → Anthropic 529 overloaded_error', () => {
    expect(convertErrorBody('anthropic', 'responses', anthropicErr('overloaded_error', 'Overloaded'), 529).status).toBe(503);
    const back = convertErrorBody('chat', 'anthropic', openaiErr('server_error', null, 'The engine is currently overloaded'), 503);
    expect(back).toMatchObject({ status: 529, body: { type: 'error', error: { type: 'overloaded_error' } } });
    expect(AnthropicErrorBodySchema.safeParse(back.body).success).toBe(true);
  });

  it('401, 400 and 500 keep their status and map their type', () => {
    expect(convertErrorBody('chat', 'anthropic', openaiErr('invalid_request_error', 'invalid_api_key', 'Incorrect API key provided'), 401)).toMatchObject({
      status: 401,
      body: { error: { type: 'authentication_error', message: 'Incorrect API key provided' } },
    });
    expect(convertErrorBody('anthropic', 'chat', anthropicErr('invalid_request_error', 'max_tokens: Field required'), 400)).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error' } },
    });
    expect(convertErrorBody('responses', 'anthropic', openaiErr('server_error', 'server_error', 'boom'), 500)).toMatchObject({
      status: 500,
      body: { error: { type: 'api_error' } },
    });
  });

  it('non-JSON upstream bodies still produce a valid error body', () => {
    const out = convertErrorBody('anthropic', 'chat', '<html>Bad Gateway</html>', 502);
    expect(out.status).toBe(502);
    expect(out.body).toMatchObject({ error: { message: '<html>Bad Gateway</html>', type: 'server_error' } });
  });

  it('converted bodies are what the official SDKs raise as typed errors', async () => {
    const toChat = convertErrorBody('anthropic', 'chat', anthropicErr('rate_limit_error', 'slow down'), 429, { 'retry-after': '2' });
    const chat = await runChatJson({ status: toChat.status, body: toChat.body, headers: toChat.headers });
    expect(chat.error?.constructor.name).toBe('RateLimitError');
    const toAnthropic = convertErrorBody('chat', 'anthropic', openaiErr('invalid_request_error', 'invalid_api_key', 'bad key'), 401);
    const anthropic = await runAnthropicJson({ status: toAnthropic.status, body: toAnthropic.body });
    expect(anthropic.error?.constructor.name).toBe('AuthenticationError');
    expect(anthropic.error?.message).toMatch(/bad key/);
  });
});

describe('errorEvent / readErrorEvent', () => {
  it('builds each format’s mid-stream error and reads it back', () => {
    const a = errorEvent('anthropic', { type: 'overloaded_error', message: 'Overloaded' });
    // The request's id is stamped on when the stream is written (serializeSseStream); the formats layer cannot know it.
    expect(a).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' }, request_id: null });
    const c = errorEvent('chat', { kind: 'rate_limit', message: 'slow' });
    expect(c).toEqual({ error: { message: 'slow', type: 'rate_limit_error', code: 'rate_limit_exceeded', param: null } });
    const r = errorEvent('responses', { kind: 'api_error', message: 'boom' }, { sequenceNumber: 9 });
    expect(ResponsesErrorEventSchema.parse(r)).toEqual({ type: 'error', code: 'server_error', message: 'boom', param: null, sequence_number: 9 });
    expect(readErrorEvent('anthropic', a)).toMatchObject({ kind: 'overloaded', status: 529 });
    expect(readErrorEvent('chat', c)).toMatchObject({ kind: 'rate_limit', status: 429 });
    expect(readErrorEvent('responses', r)).toMatchObject({ kind: 'api_error', status: 500 });
    expect(readErrorEvent('responses', { type: 'response.failed', response: { error: { code: 'rate_limit_exceeded', message: 'x' } } })).toMatchObject({ kind: 'rate_limit' });
    expect(readErrorEvent('anthropic', { type: 'ping' })).toBeUndefined();
  });

  it('accepts a bare string `error` (some compatible servers)', () => {
    expect(readErrorBody('chat', { error: 'model not found' }, 404)).toMatchObject({ kind: 'not_found', message: 'model not found' });
    expect(readErrorEvent('chat', { error: 'boom' })).toMatchObject({ kind: 'api_error', message: 'boom' });
  });

  it('readErrorBody prefers the status, refines ambiguous ones from the body', () => {
    expect(readErrorBody('anthropic', anthropicErr('overloaded_error', 'x'), 500).kind).toBe('overloaded');
    expect(readErrorBody('chat', openaiErr('invalid_request_error', null, 'x'), 429).kind).toBe('rate_limit');
  });

  it('retryAfterSeconds reads seconds and HTTP dates', () => {
    expect(retryAfterSeconds({ 'retry-after': '3.2' })).toBe(4);
    expect(retryAfterSeconds({ 'retry-after': new Date(Date.now() + 5000).toUTCString() })).toBeGreaterThanOrEqual(4);
    expect(retryAfterSeconds({})).toBeUndefined();
  });
});
