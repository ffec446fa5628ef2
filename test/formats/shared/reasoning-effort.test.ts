/**
 * The effort ⇄ thinking mapping is shared (src/formats/shared/reasoning-effort.ts): Chat and
 * Responses clients asking the same effort of the same Claude model get the same thinking, and an
 * Anthropic client's thinking becomes the same effort for both OpenAI upstreams (up to the
 * levels each target lacks).
 */
import { describe, expect, it } from 'vitest';
import { direction as anthropicToChat } from '../../../src/formats/anthropic-to-chat/index.js';
import { direction as anthropicToResponses } from '../../../src/formats/anthropic-to-responses/index.js';
import { direction as chatToAnthropic } from '../../../src/formats/chat-to-anthropic/index.js';
import type { JsonObject } from '../../../src/formats/convert.js';
import { direction as responsesToAnthropic } from '../../../src/formats/responses-to-anthropic/index.js';
import { defaultMaxTokens } from '../../../src/formats/shared/reasoning-effort.js';

const pick = (out: JsonObject) => ({ thinking: out.thinking, output_config: out.output_config, max_tokens: out.max_tokens });

describe('effort → thinking (chat-to-anthropic = responses-to-anthropic)', () => {
  const efforts = [undefined, 'none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
  const models = ['claude-opus-4-6', 'claude-sonnet-4-5', 'claude-3-7-sonnet-20250219', 'claude-fable-5'];
  for (const model of models) {
    it(`${model}: same thinking for every effort`, () => {
      for (const effort of efforts) {
        const chat = chatToAnthropic.request({ model, messages: [{ role: 'user', content: 'x' }], ...(effort ? { reasoning_effort: effort } : {}) }, {});
        const responses = responsesToAnthropic.request({ model, input: 'x', ...(effort ? { reasoning: { effort } } : {}) }, {});
        expect(pick(responses), `${model} ${effort}`).toEqual(pick(chat));
        expect(chat.max_tokens).toBe(defaultMaxTokens(model));
        // `disabled` is rejected by always-thinking models: never sent.
        expect(chat.thinking).not.toEqual({ type: 'disabled' });
      }
    });
  }

  it('leaves thinking out while a tool is forced, in both directions', () => {
    const dropped: string[] = [];
    const onDrop = (f: string) => dropped.push(f);
    const chat = chatToAnthropic.request(
      { model: 'claude-opus-4-6', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'required', reasoning_effort: 'high' },
      { onDrop },
    );
    const responses = responsesToAnthropic.request(
      { model: 'claude-opus-4-6', input: 'x', tools: [{ type: 'function', name: 'f' }], tool_choice: 'required', reasoning: { effort: 'high' } },
      { onDrop },
    );
    expect(chat.thinking).toBeUndefined();
    expect(responses.thinking).toBeUndefined();
    expect(dropped).toEqual(['reasoning_effort', 'reasoning']);
  });
});

describe('thinking → effort (anthropic-to-chat and anthropic-to-responses agree)', () => {
  const base = { model: 'claude-x', max_tokens: 64000, messages: [{ role: 'user', content: 'x' }] };
  const effortOf = (extra: JsonObject) => ({
    chat: anthropicToChat.request({ ...base, ...extra }, {}).reasoning_effort,
    responses: (anthropicToResponses.request({ ...base, ...extra }, {}).reasoning as { effort?: string } | undefined)?.effort,
  });

  it('maps budgets with the same thresholds', () => {
    for (const [budget, effort] of [[1024, 'low'], [4095, 'low'], [4096, 'medium'], [16383, 'medium'], [16384, 'high'], [60000, 'high']] as const) {
      expect(effortOf({ thinking: { type: 'enabled', budget_tokens: budget } })).toEqual({ chat: effort, responses: effort });
    }
  });

  it('lets output_config.effort win and maps levels the target lacks downwards', () => {
    expect(effortOf({ thinking: { type: 'enabled', budget_tokens: 30000 }, output_config: { effort: 'low' } })).toEqual({ chat: 'low', responses: 'low' });
    expect(effortOf({ thinking: { type: 'adaptive' }, output_config: { effort: 'xhigh' } })).toEqual({ chat: 'high', responses: 'xhigh' });
    expect(effortOf({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } })).toEqual({ chat: 'high', responses: 'xhigh' });
  });

  it('sends nothing for disabled or absent thinking; adaptive alone is the target default', () => {
    expect(effortOf({ thinking: { type: 'disabled' }, output_config: { effort: 'high' } })).toEqual({ chat: undefined, responses: undefined });
    expect(effortOf({})).toEqual({ chat: undefined, responses: undefined });
    expect(effortOf({ thinking: { type: 'adaptive' } })).toEqual({ chat: undefined, responses: 'medium' });
  });
});
