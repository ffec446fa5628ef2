/**
 * TurnMerger: several CLI model calls → one client message with contiguous block indexes, the CLI's
 * tool calls hidden (shown as text per sdk_message_mode), usage and stop reason from `result`.
 */
import type { SDKMessage } from '@anthropic-ai/claude-agent-sdk';
import { describe, expect, it } from 'vitest';
import { TurnMerger, clientStopReason, type AnthropicEvent } from '../../../src/plugins/claude_sdk/merge.js';

const se = (event: Record<string, unknown>, parent: string | null = null) =>
  ({ type: 'stream_event', event, parent_tool_use_id: parent, session_id: 'sess-1', uuid: 'u' }) as unknown as SDKMessage;

function turn(id: string, blocks: Array<Record<string, unknown>>, stop: string): SDKMessage[] {
  const out: SDKMessage[] = [se({ type: 'message_start', message: { id, model: 'claude-x', usage: { input_tokens: 7 } } })];
  blocks.forEach((b, i) => {
    if (b.type === 'text') {
      out.push(se({ type: 'content_block_start', index: i, content_block: { type: 'text', text: '' } }));
      out.push(se({ type: 'content_block_delta', index: i, delta: { type: 'text_delta', text: b.text } }));
    } else {
      out.push(se({ type: 'content_block_start', index: i, content_block: { ...b, input: {} } }));
      out.push(se({ type: 'content_block_delta', index: i, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } }));
      out.push({ type: 'assistant', message: { content: [b] }, parent_tool_use_id: null, session_id: 'sess-1' } as unknown as SDKMessage);
    }
    out.push(se({ type: 'content_block_stop', index: i }));
  });
  out.push(se({ type: 'message_delta', delta: { stop_reason: stop }, usage: { output_tokens: 3 } }));
  out.push(se({ type: 'message_stop' }));
  return out;
}

const toolResult = (id: string, content: string, isError = false) =>
  ({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] }, parent_tool_use_id: null, session_id: 'sess-1' }) as unknown as SDKMessage;

const result = (extra: Record<string, unknown> = {}) =>
  ({
    type: 'result', subtype: 'success', is_error: false, stop_reason: 'end_turn', num_turns: 2, result: '', session_id: 'sess-1',
    usage: { input_tokens: 20, output_tokens: 9, cache_creation_input_tokens: 1, cache_read_input_tokens: 2 }, ...extra,
  }) as unknown as SDKMessage;

function runAll(merger: TurnMerger, msgs: SDKMessage[]): AnthropicEvent[] {
  const out = msgs.flatMap((m) => merger.push(m));
  return [...out, ...merger.finish()];
}

const TOOL = { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'echo hi' } };

describe('TurnMerger', () => {
  it('merges two model calls around a tool into one message with contiguous indexes', () => {
    const m = new TurnMerger('formatted', 'msg_1', 'fallback');
    const events = runAll(m, [...turn('a', [{ type: 'text', text: 'Running.' }, TOOL], 'tool_use'), toolResult('toolu_1', 'hi'), ...turn('b', [{ type: 'text', text: 'Done.' }], 'end_turn'), result()]);
    const types = events.map((e) => e.type);
    expect(types.filter((t) => t === 'message_start')).toHaveLength(1);
    expect(types.filter((t) => t === 'message_stop')).toHaveLength(1);
    expect(types.at(-1)).toBe('message_stop');
    expect(JSON.stringify(events)).not.toContain('input_json_delta');
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => e.index);
    expect(starts).toEqual([0, 1, 2, 3]);
    expect(m.message.content.map((b) => b.text)).toEqual([
      'Running.',
      '\n<tool_use name="Bash">echo hi</tool_use>\n',
      '\n<tool_result name="Bash">hi</tool_result>\n',
      'Done.',
    ]);
    const start = events[0] as unknown as { message: { id: string; model: string } };
    expect(start.message).toMatchObject({ id: 'msg_1', model: 'claude-x' });
    expect(events.at(-2)).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { input_tokens: 20, output_tokens: 9, cache_creation_input_tokens: 1, cache_read_input_tokens: 2 },
    });
    expect(m.cliSessionId).toBe('sess-1');
  });

  it('ignore mode shows only the model text; forward mode shows the raw blocks', () => {
    const msgs = [...turn('a', [TOOL], 'tool_use'), toolResult('toolu_1', 'out', true), ...turn('b', [{ type: 'text', text: 'End.' }], 'end_turn'), result()];
    const ignore = new TurnMerger('ignore', 'm', 'x');
    runAll(ignore, msgs);
    expect(ignore.message.content).toEqual([{ type: 'text', text: 'End.' }]);
    const forward = new TurnMerger('forward', 'm', 'x');
    runAll(forward, msgs);
    expect(forward.message.content[0]?.text).toContain('<sdk_message type="tool_use">{"type":"tool_use","id":"toolu_1"');
    expect(forward.message.content[1]?.text).toContain('"is_error":true');
  });

  it('marks a failed tool result as tool_error and clips huge results', () => {
    const m = new TurnMerger('formatted', 'm', 'x');
    runAll(m, [...turn('a', [TOOL], 'tool_use'), toolResult('toolu_1', 'x'.repeat(10_000), true), result()]);
    const text = String(m.message.content[1]?.text);
    expect(text.startsWith('\n<tool_error name="Bash">')).toBe(true);
    expect(text).toContain('more characters]');
    expect(text.length).toBeLessThan(4200);
  });

  it('skips subagent stream events and passes thinking through', () => {
    const m = new TurnMerger('formatted', 'm', 'x');
    const events = runAll(m, [
      se({ type: 'message_start', message: { model: 'claude-x' } }),
      se({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      se({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'hmm' } }),
      se({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
      se({ type: 'content_block_stop', index: 0 }),
      se({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'toolu_parent'),
      result(),
    ]);
    expect(m.message.content).toEqual([{ type: 'thinking', thinking: 'hmm', signature: 'sig' }]);
    expect(events.filter((e) => e.type === 'content_block_start')).toHaveLength(1);
  });

  it('notes max_turns and never reports tool_use as the stop reason', () => {
    const m = new TurnMerger('formatted', 'm', 'x');
    runAll(m, [...turn('a', [TOOL], 'tool_use'), result({ subtype: 'error_max_turns', is_error: true, stop_reason: 'tool_use', num_turns: 1 })]);
    expect(m.message.stop_reason).toBe('end_turn');
    expect(String(m.message.content.at(-1)?.text)).toContain('max_turns');
    expect(clientStopReason('max_tokens')).toBe('max_tokens');
    expect(clientStopReason(null)).toBe('end_turn');
  });

  it('a result without any stream still yields a complete message', () => {
    const m = new TurnMerger('formatted', 'm', 'model-y');
    const events = runAll(m, [result()]);
    expect(events.map((e) => e.type)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect(m.finish()).toEqual([]);
  });
});
