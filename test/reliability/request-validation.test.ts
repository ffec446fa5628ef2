/**
 * Routes that convert a request (or read and rewrite all of it) check it against its API first: a
 * body that is not a valid Messages / Chat Completions / Responses request gets a 400 in that API's
 * format naming the field (`messages: required`, `input: must be a string or an array, got
 * number`), and no upstream hears of it. Real client requests (the captured Claude Code and Codex
 * ones) still go through.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anthropicBody, chatBody, openaiOnBothFormats, post, useFaultProxy } from './helpers.js';

const t = useFaultProxy({
  openai: openaiOnBothFormats,
});

/** Model requests the upstream received (the openai plugin also lists `/models`). */
const modelCalls = (): number => t.upstream.requests.filter((r) => !r.url.endsWith('/models')).length;

const responsesBody = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ model: 'gpt-5.5', input: 'hi', ...extra });

/** Converting routes per client API (claude_api's own Messages route is a passthrough). */
const ROUTES = {
  anthropic: ['/codex/v1/messages', '/openai/v1/messages', '/openai/resp/v1/messages'],
  chat: ['/claude/v1/chat/completions', '/codex/v1/chat/completions', '/openai/v1/chat/completions', '/openai/resp/v1/chat/completions'],
  responses: ['/claude/v1/responses', '/codex/v1/responses', '/openai/v1/responses', '/openai/resp/v1/responses'],
} as const;

const CASES: Record<keyof typeof ROUTES, Array<{ body: Record<string, unknown>; param: string; message: string }>> = {
  anthropic: [
    { body: { model: 'm', max_tokens: 10 }, param: 'messages', message: 'messages: required' },
    { body: anthropicBody(false, { max_tokens: 'many' }), param: 'max_tokens', message: 'max_tokens: must be a number, got string' },
    { body: anthropicBody(false, { system: [null] }), param: 'system.0', message: 'system.0: must be an object, got null' },
    { body: anthropicBody(false, { messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] }), param: 'messages.0.content.0.text', message: 'messages.0.content.0.text: must be a string, got number' },
    { body: anthropicBody(false, { messages: [{ role: 'bot', content: 'hi' }] }), param: 'messages.0.role', message: 'messages.0.role: must be one of "user", "assistant", "system", got "bot"' },
    { body: anthropicBody(false, { tools: [{ name: 'x', input_schema: [] }] }), param: 'tools.0.input_schema', message: 'tools.0.input_schema: must be an object, got array' },
  ],
  chat: [
    { body: { model: 'm' }, param: 'messages', message: 'messages: required' },
    { body: { ...chatBody(false), messages: 'hi' }, param: 'messages', message: 'messages: must be an array, got string' },
    { body: { ...chatBody(false), messages: [{ role: 'user', content: 42 }] }, param: 'messages.0.content', message: 'messages.0.content: must be a string or an array, got number' },
    { body: { ...chatBody(false), stream: 'yes' }, param: 'stream', message: 'stream: must be a boolean, got string' },
    { body: { ...chatBody(false), tools: 'none' }, param: 'tools', message: 'tools: must be an array, got string' },
  ],
  responses: [
    { body: responsesBody({ input: 42 }), param: 'input', message: 'input: must be a string or an array, got number' },
    { body: responsesBody({ input: { not: 'a list' } }), param: 'input', message: 'input: must be a string or an array, got object' },
    { body: responsesBody({ input: [{ type: 'function_call_output', output: 'x' }] }), param: 'input.0.call_id', message: 'input.0.call_id: required' },
    { body: responsesBody({ instructions: 5 }), param: 'instructions', message: 'instructions: must be a string, got number' },
  ],
};

describe('converting routes validate the client request', () => {
  for (const api of ['anthropic', 'chat', 'responses'] as const) {
    it(`${api}: a 400 in the API's format naming the field, before any upstream call`, async () => {
      const before = modelCalls();
      for (const route of ROUTES[api]) {
        for (const c of CASES[api]) {
          const r = await post(`${t.proxy.url}${route}`, c.body);
          expect(r.status, `${route} ${JSON.stringify(c.body)}: ${r.body}`).toBe(400);
          const body = JSON.parse(r.body) as Record<string, unknown>;
          if (api === 'anthropic') {
            expect(body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: c.message }, request_id: expect.stringMatching(/.+/) });
          } else {
            expect(body, route).toMatchObject({ error: { type: 'invalid_request_error', message: c.message, param: c.param } });
          }
        }
      }
      expect(modelCalls() - before).toBe(0);
    });
  }

  it('count_tokens on a provider that estimates it checks the body too', async () => {
    const r = await post(`${t.proxy.url}/codex/v1/messages/count_tokens`, { model: 'm', messages: [{ role: 'user', content: 42 }] });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body)).toMatchObject({ error: { message: 'messages.0.content: must be a string or an array, got number' } });
    const ok = await post(`${t.proxy.url}/codex/v1/messages/count_tokens`, { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(ok.status).toBe(200);
  });

  it('the captured Claude Code and Codex requests pass on converting routes', async () => {
    const capture = (file: string): Record<string, unknown> => {
      const c = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/captures', file), 'utf8')) as { body: unknown };
      return (typeof c.body === 'string' ? JSON.parse(c.body) : c.body) as Record<string, unknown>;
    };
    t.upstream.fault = { kind: 'ok' };
    for (const file of ['claude-code-2.1.331-messages.json', 'claude-code-2.1.331-interactive-messages.json']) {
      const r = await post(`${t.proxy.url}/codex/v1/messages`, capture(file));
      expect(r.status, `${file}: ${r.body.slice(0, 300)}`).toBe(200);
    }
    const r = await post(`${t.proxy.url}/claude/v1/responses`, capture('codex-0.169.0-responses.json'));
    expect(r.status, r.body.slice(0, 300)).toBe(200);
  });
});
