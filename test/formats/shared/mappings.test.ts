/** Value mappings shared by the four Anthropic ⇄ Chat/Responses directions (src/formats/shared/). */
import { describe, expect, it } from 'vitest';
import { direction as chatToAnthropic } from '../../../src/formats/chat-to-anthropic/index.js';
import { direction as responsesToAnthropic } from '../../../src/formats/responses-to-anthropic/index.js';
import { anthropicSource, parseDataUrl, sourceUrl } from '../../../src/formats/shared/data-url.js';
import { convertId } from '../../../src/formats/shared/ids.js';
import { anthropicToolChoice, toolInput } from '../../../src/formats/shared/openai-tools.js';
import { anthropicStopReason, stopKind } from '../../../src/formats/shared/stop-reason.js';
import { markToolError, unmarkToolErrorParts } from '../../../src/formats/shared/tool-error.js';
import { anthropicUsageOf, mergeUsage, openaiTokens } from '../../../src/formats/shared/usage.js';

describe('ids', () => {
  it('keeps the suffix under each prefix, both ways', () => {
    expect(convertId('msg_abc', 'anthropic', 'chat')).toBe('chatcmpl-abc');
    expect(convertId('chatcmpl-abc', 'chat', 'anthropic')).toBe('msg_abc');
    expect(convertId('msg_abc', 'anthropic', 'responses')).toBe('resp_abc');
    expect(convertId('resp_abc', 'responses', 'anthropic')).toBe('msg_abc');
    expect(convertId('other', 'chat', 'anthropic')).toBe('msg_other');
    expect(convertId(undefined, 'responses', 'anthropic')).toBe('msg_unknown');
    expect(convertId('', 'anthropic', 'chat')).toBe('chatcmpl-unknown');
  });
});

describe('stop reasons', () => {
  it('groups Anthropic stop reasons into the outcomes both OpenAI APIs know', () => {
    expect(['end_turn', 'stop_sequence', 'pause_turn', 'max_tokens', 'model_context_window_exceeded', 'tool_use', 'refusal', null, 'new'].map(stopKind)).toEqual([
      'stop', 'stop', 'stop', 'length', 'length', 'tool', 'filter', 'stop', 'stop',
    ]);
  });

  it('lets truncation win, then refusal, then what was produced', () => {
    expect(anthropicStopReason('length', true, true)).toBe('max_tokens');
    expect(anthropicStopReason('filter', true, false)).toBe('refusal');
    expect(anthropicStopReason(null, true, true)).toBe('refusal');
    expect(anthropicStopReason(null, true, false)).toBe('tool_use');
    expect(anthropicStopReason(null, false, false)).toBe('end_turn');
  });
});

describe('usage', () => {
  it('counts cache reads and writes into the OpenAI input and back', () => {
    const tokens = openaiTokens({ input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 5, output_tokens: 7, output_tokens_details: { thinking_tokens: 3 } });
    expect(tokens).toEqual({ input: 115, cached: 100, cacheWrite: 5, output: 7, reasoning: 3 });
    expect(anthropicUsageOf(tokens, true)).toEqual({
      input_tokens: 10, output_tokens: 7, cache_creation_input_tokens: 5, cache_read_input_tokens: 100, output_tokens_details: { thinking_tokens: 3 },
      cache_creation: null, service_tier: null, inference_geo: null,
    });
    expect(anthropicUsageOf(tokens, false)).not.toHaveProperty('output_tokens_details');
    expect(openaiTokens(undefined)).toEqual({ input: 0, cached: 0, cacheWrite: 0, output: 0, reasoning: null });
  });

  it('merges stream usage without letting nulls erase counts', () => {
    expect(mergeUsage({ input_tokens: 10, output_tokens: 1 }, { input_tokens: null, output_tokens: 9 })).toEqual({ input_tokens: 10, output_tokens: 9 });
  });
});

describe('data URLs', () => {
  it('turns sources into URLs and back', () => {
    expect(sourceUrl({ type: 'base64', media_type: 'image/jpeg', data: 'AAA' }, 'image/png')).toBe('data:image/jpeg;base64,AAA');
    expect(sourceUrl({ type: 'base64', data: 'AAA' }, 'image/png')).toBe('data:image/png;base64,AAA');
    expect(sourceUrl({ type: 'url', url: 'https://x/y.png' }, 'image/png')).toBe('https://x/y.png');
    expect(sourceUrl({ type: 'file', file_id: 'f' }, 'image/png')).toBeNull();
    expect(anthropicSource('data:image/gif;base64,R0lG')).toEqual({ type: 'base64', media_type: 'image/gif', data: 'R0lG' });
    expect(anthropicSource('https://x/y.png')).toEqual({ type: 'url', url: 'https://x/y.png' });
    expect(parseDataUrl('nope')).toBeNull();
  });
});

describe('OpenAI tool choice and arguments', () => {
  it('maps both APIs\' named shapes and never puts disable_parallel_tool_use on none', () => {
    expect(anthropicToolChoice({ type: 'function', function: { name: 'f' } }, undefined, {})).toEqual({ type: 'tool', name: 'f' });
    expect(anthropicToolChoice({ type: 'custom', name: 'p' }, false, {})).toEqual({ type: 'tool', name: 'p', disable_parallel_tool_use: true });
    expect(anthropicToolChoice(undefined, false, {})).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(anthropicToolChoice('none', false, {})).toEqual({ type: 'none' });
    const tools = { tools: [{ type: 'function', name: 'f' }], tool_choice: 'none', parallel_tool_calls: false };
    expect(responsesToAnthropic.request({ model: 'claude-opus-4-6', input: 'x', ...tools }, {}).tool_choice).toEqual({ type: 'none' });
    const chatTools = { tools: [{ type: 'function', function: { name: 'f' } }], tool_choice: 'none', parallel_tool_calls: false };
    expect(chatToAnthropic.request({ model: 'claude-opus-4-6', messages: [{ role: 'user', content: 'x' }], ...chatTools }, {}).tool_choice).toEqual({ type: 'none' });
  });

  it('keeps non-object arguments under raw, reported', () => {
    const dropped: string[] = [];
    expect(toolInput('{"a":1}', {}, 'f')).toEqual({ a: 1 });
    expect(toolInput('[1]', { onDrop: (f) => dropped.push(f) }, 'function_call.arguments')).toEqual({ raw: '[1]' });
    expect(toolInput('{', { onDrop: (f) => dropped.push(f) }, 'function_call.arguments')).toEqual({ raw: '{' });
    expect(dropped).toEqual(['function_call.arguments', 'function_call.arguments']);
  });
});

describe('tool error marker in content parts', () => {
  it('restores is_error from a marker part or a marked first part', () => {
    const own = [{ type: 'input_text', text: markToolError('') }, { type: 'input_text', text: 'boom' }];
    expect(unmarkToolErrorParts(own, 'input_text')).toEqual({ isError: true, parts: [{ type: 'input_text', text: 'boom' }] });
    const joined = [{ type: 'text', text: markToolError('boom') }];
    expect(unmarkToolErrorParts(joined, 'text')).toEqual({ isError: true, parts: [{ type: 'text', text: 'boom' }] });
    const plain = [{ type: 'text', text: 'fine' }];
    expect(unmarkToolErrorParts(plain, 'text')).toEqual({ isError: false, parts: plain });
  });
});
