import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { AnthropicResponseSchema, modelIssue, requestIssue, validateRequest } from '../../../src/formats/models/index.js';

const CAPTURES = path.resolve(import.meta.dirname, '../../fixtures/captures');
const capture = (file: string): unknown => {
  const c = JSON.parse(fs.readFileSync(path.join(CAPTURES, file), 'utf8')) as { body: unknown };
  return typeof c.body === 'string' ? JSON.parse(c.body) : c.body;
};

describe('requestIssue: the first problem of a client request, as a path and a phrase', () => {
  const m = { model: 'm', max_tokens: 10 };
  const cases: Array<[Parameters<typeof requestIssue>[0], unknown, string, string]> = [
    ['anthropic', m, 'messages', 'required'],
    ['responses', { model: 'm', input: 42 }, 'input', 'must be a string or an array, got number'],
    ['anthropic', { ...m, messages: [], system: [null] }, 'system.0', 'must be an object, got null'],
    ['anthropic', { ...m, messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] }, 'messages.0.content.0.text', 'must be a string, got number'],
    ['anthropic', { ...m, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: [{ type: 'text' }] }] }] }, 'messages.0.content.0.content.0.text', 'required'],
    ['anthropic', { ...m, messages: [{ role: 'robot', content: 'x' }] }, 'messages.0.role', 'must be one of "user", "assistant", "system", got "robot"'],
    ['anthropic', { ...m, messages: [], tool_choice: { type: 'foo' } }, 'tool_choice.type', 'must be one of "auto", "any", "tool", "none", got "foo"'],
    ['anthropic', { model: 'm', max_tokens: 1.5, messages: [] }, 'max_tokens', 'must be an integer, got number'],
    ['anthropic', { model: 'm', max_tokens: -1, messages: [] }, 'max_tokens', 'must be >= 0'],
    ['anthropic', { ...m, messages: [], thinking: { type: 'enabled' } }, 'thinking.budget_tokens', 'required'],
    ['chat', { model: 'm', messages: [{ role: 'assistant', tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: {} } }] }] }, 'messages.0.tool_calls.0.function.arguments', 'must be a string, got object'],
    ['responses', { model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: 5 }] }, 'input.0.arguments', 'must be a string, got number'],
    ['responses', { model: 'm', input: [{ foo: 1 }] }, 'input.0.role', 'required'],
  ];
  for (const [api, body, where, message] of cases) {
    it(`${api} ${JSON.stringify(body).slice(0, 90)} → ${where}: ${message}`, () => {
      expect(requestIssue(api, body)).toEqual({ path: where.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)), message });
    });
  }

  it('new block and item types pass; count_tokens bodies need no max_tokens', () => {
    expect(requestIssue('anthropic', { ...m, messages: [{ role: 'user', content: [{ type: 'future_block', x: 1 }] }] })).toBeUndefined();
    expect(requestIssue('responses', { input: [{ type: 'additional_tools', tools: [] }] })).toBeUndefined();
    expect(requestIssue('anthropic', { model: 'm', messages: [] }, { countTokens: true })).toBeUndefined();
  });

  it('the captured Claude Code and Codex requests pass', () => {
    expect(requestIssue('anthropic', capture('claude-code-2.1.331-messages.json'))).toBeUndefined();
    expect(requestIssue('anthropic', capture('claude-code-2.1.331-interactive-messages.json'))).toBeUndefined();
    expect(requestIssue('responses', capture('codex-0.169.0-responses.json'))).toBeUndefined();
  });

  it('validateRequest throws the 400 naming the field (message and OpenAI param)', () => {
    const err = (() => {
      try {
        validateRequest('chat', { model: 'm', messages: 'hi' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ status: 400, message: 'messages: must be an array, got string', param: 'messages' });
  });

  it('modelIssue quotes a value only when asked (an upstream answer may carry anything)', () => {
    const answer = { id: 'x', type: 'sk-ant-secret', role: 'assistant', model: 'm', content: [], stop_reason: null, usage: {} };
    expect(modelIssue(AnthropicResponseSchema, answer)).toEqual({ path: ['type'], message: 'must be "message", got string' });
  });
});
