/**
 * Request conversions in both directions: hand-written fixtures (every mapped field, every
 * deliberate drop reported), the real Claude Code capture → Chat, and the real Codex capture →
 * Anthropic (H5's responses-to-anthropic) → Chat, each validated against the target request model.
 */
import { describe, expect, it } from 'vitest';
import { direction as anthropicToChat } from '../../../src/formats/anthropic-to-chat/index.js';
import { direction as chatToAnthropic } from '../../../src/formats/chat-to-anthropic/index.js';
import { usesBudgetThinking } from '../../../src/formats/shared/reasoning-effort.js';
import { convertRequest } from '../../../src/formats/convert.js';
import type { JsonObject } from '../../../src/formats/convert.js';
import { AnthropicRequestSchema } from '../../../src/formats/models/anthropic.js';
import { ChatRequestSchema } from '../../../src/formats/models/chat.js';
import { loadRequestFixtures, readCapture } from './helpers.js';

const fixtures = loadRequestFixtures();

describe('request fixtures', () => {
  for (const fx of fixtures) {
    it(fx.name, () => {
      const drops: string[] = [];
      const toChat = fx.name.startsWith('a2c-');
      const dir = toChat ? anthropicToChat : chatToAnthropic;
      const out = dir.request(fx.input, { ...fx.opts, onDrop: (field) => drops.push(field) });
      expect(out).toEqual(fx.expected);
      expect([...new Set(drops)].sort()).toEqual([...fx.drops].sort());
      const schema = toChat ? ChatRequestSchema : AnthropicRequestSchema;
      const parsed = schema.safeParse(out);
      expect(parsed.error?.issues ?? []).toEqual([]);
    });
  }
});

describe('real client captures', () => {
  it('Claude Code 2.1.331 request → valid Chat request, nothing corrupted', () => {
    const body = readCapture('claude-code-2.1.331-messages.json');
    const drops: string[] = [];
    const out = anthropicToChat.request(body, { model: 'gpt-5.1', onDrop: (f) => drops.push(f) });
    const parsed = ChatRequestSchema.safeParse(out);
    expect(parsed.error?.issues ?? []).toEqual([]);
    const messages = out.messages as { role: string; content: unknown }[];
    expect(messages[0]?.role).toBe('system');
    expect(String(messages[0]?.content)).not.toContain('x-anthropic-billing-header');
    // the mid-conversation system message keeps its position after the first user turn
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'system']);
    expect((out.tools as unknown[]).length).toBe((body.tools as unknown[]).length);
    expect(out).toMatchObject({ reasoning_effort: 'medium', max_completion_tokens: 128000, stream: true, stream_options: { include_usage: true } });
    expect(out.user).toMatch(/^[0-9a-f]{64}$/);
    expect(drops).toEqual(expect.arrayContaining(['context_management', 'system.cache_control', 'thinking.display', 'tools.defer_loading']));
  });

  it('Codex 0.169.0 request → Anthropic (responses-to-anthropic) → valid Chat request', () => {
    const body = readCapture('codex-0.169.0-responses.json');
    const anthropic = convertRequest('responses', 'anthropic', body, { model: 'claude-opus-4-6' });
    const out = anthropicToChat.request(anthropic, { model: 'gpt-5.1' });
    const parsed = ChatRequestSchema.safeParse(out);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect((out.messages as { role: string }[])[0]?.role).toBe('system');
    expect((out.tools as { function: { name: string } }[]).map((t) => t.function.name)).toContain('exec_command');
  });

  it('a Chat request converted to Anthropic validates and keeps tool ids for the next turn', () => {
    const chat = anthropicToChat.request(readCapture('claude-code-2.1.331-messages.json'), {});
    const back = chatToAnthropic.request(chat, { model: 'claude-opus-4-6' });
    const parsed = AnthropicRequestSchema.safeParse(back);
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});

describe('request details', () => {
  it('chooses manual budgets only for models that lack adaptive thinking', () => {
    expect(['claude-3-7-sonnet-latest', 'claude-sonnet-4-20250514', 'claude-opus-4-1-20250805', 'claude-sonnet-4-5', 'claude-haiku-4-5-20251001'].map(usesBudgetThinking)).toEqual([true, true, true, true, true]);
    expect(['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-opus-5-5', 'claude-opus-4-8'].map(usesBudgetThinking)).toEqual([false, false, false, false]);
  });

  it('keeps a manual budget below max_tokens, or skips thinking when there is no room', () => {
    const drops: string[] = [];
    const base = { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'x' }], reasoning_effort: 'high' };
    expect(chatToAnthropic.request({ ...base, max_tokens: 5000 }, {}).thinking).toEqual({ type: 'enabled', budget_tokens: 4999 });
    expect(chatToAnthropic.request({ ...base, max_tokens: 800 }, { onDrop: (f) => drops.push(f) }).thinking).toBeUndefined();
    expect(drops).toEqual(['reasoning_effort']);
    // `disabled` is rejected by always-thinking models; omitting is valid everywhere.
    expect(chatToAnthropic.request({ ...base, reasoning_effort: 'none' }, {}).thinking).toBeUndefined();
  });

  it('leaves thinking out where Anthropic would reject it', () => {
    const drops: string[] = [];
    const onDrop = (f: string, reason: string): void => void drops.push(`${f}: ${reason}`);
    const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }];
    const forced = chatToAnthropic.request({ model: 'claude-opus-4-6', messages: [{ role: 'user', content: 'x' }], tools, tool_choice: 'required', reasoning_effort: 'high' }, { onDrop });
    expect(forced.thinking).toBeUndefined();
    const loop = (assistant: JsonObject): JsonObject => ({
      model: 'claude-opus-4-6',
      reasoning_effort: 'high',
      tools,
      messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }], ...assistant }, { role: 'tool', tool_call_id: 'c', content: 'ok' }],
    });
    expect(chatToAnthropic.request(loop({}), { onDrop }).thinking).toBeUndefined();
    const echoed = loop({ reasoning_details: [{ type: 'reasoning.text', text: 't', signature: 'sig', format: 'anthropic-claude-v1', index: 0 }] });
    expect(chatToAnthropic.request(echoed, { onDrop }).thinking).toEqual({ type: 'adaptive' });
    expect(drops).toEqual([
      'reasoning_effort: Anthropic cannot think while a tool is forced',
      "reasoning_effort: this tool loop's assistant turn has no Anthropic thinking to continue from (the client did not send it back, or another vendor produced it), so it cannot continue with thinking",
    ]);
  });

  it('maps Anthropic budgets and tool choices onto Chat', () => {
    const base: JsonObject = { model: 'm', max_tokens: 10, messages: [], tools: [{ name: 't', input_schema: { type: 'object' } }] };
    const cases: [JsonObject, JsonObject][] = [
      [{ thinking: { type: 'enabled', budget_tokens: 2000 }, tool_choice: { type: 'auto' } }, { reasoning_effort: 'low', tool_choice: 'auto' }],
      [{ thinking: { type: 'enabled', budget_tokens: 10000 }, tool_choice: { type: 'none' } }, { reasoning_effort: 'medium', tool_choice: 'none' }],
      [{ thinking: { type: 'enabled', budget_tokens: 30000 }, tool_choice: { type: 'tool', name: 't' } }, { reasoning_effort: 'high', tool_choice: { type: 'function', function: { name: 't' } } }],
    ];
    for (const [input, expected] of cases) expect(anthropicToChat.request({ ...base, ...input }, {})).toMatchObject(expected);
    expect(anthropicToChat.request({ ...base, thinking: { type: 'disabled' } }, {}).reasoning_effort).toBeUndefined();
  });

  it('puts a mid-conversation system message right after an assistant turn into a new user turn', () => {
    const out = chatToAnthropic.request(
      { model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 'b' }, { role: 'system', content: 'note' }] },
      {},
    );
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'b' }] },
      { role: 'user', content: [{ type: 'text', text: '<system-reminder>\nnote\n</system-reminder>' }] },
    ]);
  });
});

describe('request edge cases', () => {
  it('Anthropic documents → Chat text / file parts; url documents are reported', () => {
    const drops: string[] = [];
    const out = anthropicToChat.request(
      {
        model: 'm',
        max_tokens: 5,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain doc' } },
              { type: 'document', title: 'spec.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } },
              { type: 'document', source: { type: 'url', url: 'https://example.com/a.pdf' } },
            ],
          },
        ],
      },
      { onDrop: (f) => drops.push(f) },
    );
    expect((out.messages as JsonObject[])[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'plain doc' },
        { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } },
      ],
    });
    expect(drops).toEqual(['messages.content.document']);
  });

  it('Chat file parts, bad tool arguments, custom tools, function messages and hot temperatures', () => {
    const drops: string[] = [];
    const out = chatToAnthropic.request(
      {
        model: 'm',
        temperature: 1.5,
        messages: [
          { role: 'user', content: [{ type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0x' } }, { type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] },
          { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{not json' } }] },
          { role: 'tool', tool_call_id: 'c1', content: '[tool error]' },
          { role: 'function', name: 'old', content: 'x' },
        ],
        tools: [{ type: 'custom', custom: { name: 'apply_patch' } }],
        tool_choice: { type: 'allowed_tools', allowed_tools: { mode: 'auto', tools: [] } },
      },
      { onDrop: (f) => drops.push(f) },
    );
    expect(out.messages).toEqual([
      { role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' }, title: 'a.pdf' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'f', input: { raw: '{not json' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: '', is_error: true }] },
    ]);
    expect(out.temperature).toBe(1);
    expect(out.tools).toBeUndefined();
    expect(drops).toEqual(['messages.user.content.input_audio', 'tool_calls.function.arguments', 'messages.function', 'tools.custom', 'temperature']);
  });
});

describe('tool message placement', () => {
  it('moves a system message between tool_use and tool_result after the tool messages', () => {
    const out = anthropicToChat.request(
      {
        model: 'm',
        max_tokens: 5,
        system: 'top',
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
          { role: 'system', content: 'reminder' },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'ok' }] },
        ],
      },
      {},
    );
    expect((out.messages as { role: string }[]).map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool', 'system']);
  });
});

describe('reasoning_details in Chat history', () => {
  it('restores only Anthropic-issued signatures; proxy-wrapped reasoning of other vendors is dropped', () => {
    const drops: string[] = [];
    const out = chatToAnthropic.request(
      {
        model: 'claude-opus-4-6',
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            content: 'y',
            reasoning_details: [
              { type: 'reasoning.text', text: 'a', signature: 'ccproxy-rs1:rs_1:enc', format: 'anthropic-claude-v1', index: 0 },
              { type: 'reasoning.text', text: 'b', signature: 'real-sig', index: 1 },
              { type: 'reasoning.encrypted', data: 'gAAAA', format: 'openai-responses-v1', index: 2 },
            ],
          },
        ],
      },
      { onDrop: (f) => drops.push(f) },
    );
    expect((out.messages as JsonObject[])[1]).toEqual({ role: 'assistant', content: [{ type: 'thinking', thinking: 'b', signature: 'real-sig' }, { type: 'text', text: 'y' }] });
    expect(drops).toEqual(['messages.assistant.reasoning_details', 'messages.assistant.reasoning_details']);
  });
});

describe('assistant turns Chat cannot express', () => {
  it('skips a thinking-only assistant turn instead of sending an empty assistant message', () => {
    const out = anthropicToChat.request(
      {
        model: 'm',
        max_tokens: 5,
        messages: [
          { role: 'user', content: 'a' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 'anthropic-sig' }] },
          { role: 'user', content: 'b' },
        ],
      },
      {},
    );
    expect(out.messages).toEqual([
      { role: 'user', content: 'a' },
      { role: 'user', content: 'b' },
    ]);
  });
});
