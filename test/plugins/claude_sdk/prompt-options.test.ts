/** Request → CLI prompt (history, system, new turn) and the per-request option allow list. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { ClaudeSdkConfigSchema } from '../../../src/plugins/claude_sdk/config.js';
import { resolveOptions } from '../../../src/plugins/claude_sdk/options.js';
import { blockToText, buildPrompt, systemText } from '../../../src/plugins/claude_sdk/prompt.js';

const config = (c: Record<string, unknown> = {}) => ClaudeSdkConfigSchema.parse(c);

describe('buildPrompt', () => {
  const body = {
    system: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Be kind.' }],
    messages: [
      { role: 'user', content: 'first question' },
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'secret' }, { type: 'text', text: 'first answer' }, { type: 'tool_use', id: 't1', name: 'lookup', input: { q: 1 } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'found' }] }] },
      { role: 'assistant', content: 'second answer' },
      { role: 'user', content: [{ type: 'text', text: 'new question' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] },
    ],
  };

  it('renders earlier turns as a transcript and passes the new turn through', () => {
    const p = buildPrompt(body, false);
    expect(p.system).toBe('Be brief.\n\nBe kind.');
    expect(p.historyMessages).toBe(4);
    const transcript = String(p.content[0]?.text);
    expect(transcript).toContain('<conversation_history>');
    expect(transcript).toContain('<turn role="user">\nfirst question\n</turn>');
    expect(transcript).toContain('first answer');
    expect(transcript).toContain('[tool call lookup {"q":1}]');
    expect(transcript).toContain('[tool result: found]');
    expect(transcript).not.toContain('secret');
    expect(p.content.slice(1)).toEqual(body.messages[4]!.content);
  });

  it('sends only the new turn when the CLI session is resumed', () => {
    const p = buildPrompt(body, true);
    expect(p.historyMessages).toBe(0);
    expect(p.content).toEqual(body.messages[4]!.content);
  });

  it('a trailing assistant message asks the CLI to continue', () => {
    const p = buildPrompt({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'partial' }] }, false);
    expect(p.content.at(-1)?.text).toContain('Continue');
  });

  it('refuses requests without messages', () => {
    expect(() => buildPrompt({ messages: [] }, false)).toThrow(ValidationError);
    expect(() => buildPrompt({}, false)).toThrow(/messages/);
    expect(() => buildPrompt({ messages: [{ content: 'x' }] }, false)).toThrow(/role/);
    expect(() => buildPrompt({ messages: [{ role: 'user', content: [] }] }, false)).toThrow(/no content/);
  });

  it('helpers', () => {
    expect(systemText('plain')).toBe('plain');
    expect(systemText(undefined)).toBe('');
    expect(blockToText({ type: 'document' })).toBe('[document]');
    expect(blockToText({ type: 'tool_result', is_error: true, content: 'bad' })).toBe('[tool result (error): bad]');
    expect(blockToText({ type: 'weird' })).toBe('[weird]');
  });
});

describe('resolveOptions', () => {
  it('uses the config, and the body model when `model` is allowed', () => {
    const o = resolveOptions(config({ model: 'cfg-model', allowed_tools: ['Read'], max_turns: 3 }), { model: 'body-model' });
    expect(o).toMatchObject({ model: 'body-model', allowedTools: ['Read'], maxTurns: 3, permissionMode: 'default' });
    expect(resolveOptions(config({ model: 'cfg-model', request_options: [] }), { model: 'body-model' }).model).toBe('cfg-model');
    expect(resolveOptions(config(), { model: 'b' }, 'routed').model).toBe('routed');
  });

  it('applies allowed request options', () => {
    const o = resolveOptions(config({ request_options: ['max_turns', 'allowed_tools', 'append_system_prompt'], append_system_prompt: 'A' }), {
      sdk_options: { max_turns: 2, allowed_tools: ['Bash'], append_system_prompt: 'B' },
    });
    expect(o).toMatchObject({ maxTurns: 2, allowedTools: ['Bash'], appendSystemPrompt: 'A\n\nB' });
  });

  it('refuses options outside the allow list, unknown options, bad values and bypassPermissions', () => {
    const c = config();
    const err = (body: Record<string, unknown>, cc = c) => {
      try {
        resolveOptions(cc, body);
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('expected a refusal');
    };
    expect(err({ sdk_options: { allowed_tools: ['Bash'] } }).message).toContain('sdk_options.allowed_tools');
    expect(err({ sdk_options: { allowed_tools: ['Bash'] } }).status).toBe(400);
    expect(err({ sdk_options: { nope: 1 } }).message).toContain('Unknown option sdk_options.nope');
    expect(err({ sdk_options: { max_turns: -1 } }).message).toContain('sdk_options.max_turns');
    expect(err({ sdk_options: 'x' }).message).toContain('must be an object');
    const permissive = config({ request_options: ['permission_mode'] });
    expect(err({ sdk_options: { permission_mode: 'bypassPermissions' } }, permissive).message).toContain('bypassPermissions');
    expect(resolveOptions(permissive, { sdk_options: { permission_mode: 'acceptEdits' } }).permissionMode).toBe('acceptEdits');
  });

  it('defaults are the safe ones', () => {
    const c = config();
    expect(c.permission_mode).toBe('default');
    expect(c.allowed_tools).toEqual([]);
    expect(c.request_options).toEqual(['model', 'max_turns', 'max_thinking_tokens']);
    expect(c.sdk_message_mode).toBe('formatted');
  });
});
