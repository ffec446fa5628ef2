import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnthropicRequestSchema, AnthropicStreamEventSchema } from '../../../src/formats/models/anthropic.js';
import { ChatChunkSchema, ChatRequestSchema, ChatStreamEventSchema } from '../../../src/formats/models/chat.js';
import { loadStreamFixtures } from '../helpers/fixtures.js';
import { ResponsesRequestSchema, ResponsesStreamEventSchema } from '../../../src/formats/models/responses.js';

const CAPTURES = path.resolve(import.meta.dirname, '../../fixtures/captures');

function captureBody(file: string): Record<string, unknown> {
  const capture = JSON.parse(fs.readFileSync(path.join(CAPTURES, file), 'utf8')) as { body: unknown };
  return (typeof capture.body === 'string' ? JSON.parse(capture.body) : capture.body) as Record<string, unknown>;
}

describe('models accept real client captures', () => {
  it('Claude Code /v1/messages request (adaptive thinking, mid-conversation system, context_management)', () => {
    const body = captureBody('claude-code-2.1.331-messages.json');
    const parsed = AnthropicRequestSchema.parse(body);
    expect(parsed.messages.some((m) => m.role === 'system')).toBe(true);
    expect(parsed.thinking?.type).toBe('adaptive');
    // Loose: unknown keys survive parsing untouched.
    expect(parsed).toEqual(body);
  });

  it('Claude Code interactive-session request (its own tool set, safeguards)', () => {
    const body = captureBody('claude-code-2.1.331-interactive-messages.json');
    const parsed = AnthropicRequestSchema.parse(body);
    expect(parsed.tools?.map((t) => t.name)).toEqual(expect.arrayContaining(['Bash', 'Read', 'Edit', 'Write']));
    expect(parsed).toEqual(body);
  });

  it('Codex /v1/responses request (developer messages, custom/tool_search/web_search tools)', () => {
    const body = captureBody('codex-0.169.0-responses.json');
    const parsed = ResponsesRequestSchema.parse(body);
    expect(parsed.tools?.map((t) => t.type)).toEqual(expect.arrayContaining(['custom', 'tool_search', 'web_search']));
    expect(parsed).toEqual(body);
  });
});

describe('models reject malformed known shapes', () => {
  it('a tool_use block without id is not waved through as an unknown block', () => {
    const bad = { model: 'm', max_tokens: 1, messages: [{ role: 'assistant', content: [{ type: 'tool_use', name: 'x', input: {} }] }] };
    expect(AnthropicRequestSchema.safeParse(bad).success).toBe(false);
  });

  it('unknown block, event and item types pass', () => {
    expect(AnthropicStreamEventSchema.safeParse({ type: 'future_event', x: 1 }).success).toBe(true);
    expect(ResponsesStreamEventSchema.safeParse({ type: 'response.web_search_call.searching', sequence_number: 3 }).success).toBe(true);
  });

  it('chat request roles and chunk shapes', () => {
    const req = {
      model: 'gpt',
      messages: [
        { role: 'developer', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'hi' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
      stream_options: { include_usage: true },
    };
    expect(ChatRequestSchema.safeParse(req).success).toBe(true);
    const chunk = { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '{"a' } }] }, finish_reason: null }] };
    expect(ChatChunkSchema.safeParse(chunk).success).toBe(true);
  });
});

describe('models accept every fixture stream event', () => {
  const schemas = { anthropic: AnthropicStreamEventSchema, chat: ChatStreamEventSchema, responses: ResponsesStreamEventSchema };
  for (const fx of loadStreamFixtures()) {
    it(fx.name, () => {
      for (const ev of fx.events) expect(schemas[fx.format].safeParse(ev).error).toBeUndefined();
    });
  }
});
