/**
 * Request conversion in both directions: reviewed fixtures (input → expected body + the fields
 * reported through onDrop) and the real captured client requests (Claude Code → Responses,
 * Codex → Anthropic).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { direction as a2r } from '../../../src/formats/anthropic-to-responses/index.js';
import { convertRequest } from '../../../src/formats/convert.js';
import type { JsonObject } from '../../../src/formats/convert.js';
import { AnthropicRequestSchema, ResponsesRequestSchema } from '../../../src/formats/models/index.js';
import { direction as r2a } from '../../../src/formats/responses-to-anthropic/index.js';
import { FIXTURES } from './helpers.js';

/** Asserts `body` parses with the target request schema (zod issues in the failure message). */
function expectValid(schema: typeof AnthropicRequestSchema | typeof ResponsesRequestSchema, body: JsonObject): void {
  const parsed = schema.safeParse(body);
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
}

interface RequestFixture {
  description: string;
  direction: 'anthropic-to-responses' | 'responses-to-anthropic';
  input: JsonObject;
  expected: JsonObject;
  dropped: string[];
}

const dir = path.join(FIXTURES, 'requests');
const CAPTURES = path.resolve(FIXTURES, '../../captures');

function capture(name: string): JsonObject {
  return (JSON.parse(fs.readFileSync(path.join(CAPTURES, name), 'utf8')) as { body: JsonObject }).body;
}

describe('request fixtures', () => {
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const fx = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as RequestFixture;
    it(`${file}: ${fx.description.slice(0, 60)}`, () => {
      const dropped: string[] = [];
      const toResponses = fx.direction === 'anthropic-to-responses';
      expectValid(toResponses ? AnthropicRequestSchema : ResponsesRequestSchema, fx.input);
      const out = (toResponses ? a2r : r2a).request(structuredClone(fx.input), { onDrop: (field) => dropped.push(field) });
      expect(out).toEqual(fx.expected);
      expectValid(toResponses ? ResponsesRequestSchema : AnthropicRequestSchema, out);
      expect(dropped).toEqual(fx.dropped);
    });
  }

  it('is what convertRequest dispatches to', () => {
    const body = { model: 'claude-x', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] };
    expect(convertRequest('anthropic', 'responses', body)).toEqual(a2r.request(body, {}));
    expect(convertRequest('responses', 'anthropic', { model: 'g', input: 'hi' })).toEqual(r2a.request({ model: 'g', input: 'hi' }, {}));
  });

  it('turns thinking off for a tool loop whose reasoning came from another vendor, keeps it otherwise', () => {
    const loop = [
      { role: 'user', content: 'go' },
      { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAABopenai' },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
    ];
    const dropped: string[] = [];
    const out = r2a.request({ model: 'g', reasoning: { effort: 'high' }, tools: [{ type: 'function', name: 'f' }], input: loop }, { onDrop: (f) => dropped.push(f) });
    expect(out.thinking).toBeUndefined();
    expect(out.output_config).toBeUndefined();
    expect(dropped).toEqual(['input.reasoning', 'reasoning']);
    const own = loop.map((i) => (i.type === 'reasoning' ? { ...i, encrypted_content: 'ccproxy-at1:SIG' } : i));
    expect(r2a.request({ model: 'g', reasoning: { effort: 'high' }, input: own }, {})).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
  });

  it('uses opts.model when given', () => {
    expect(a2r.request({ model: 'claude-x', max_tokens: 1, messages: [] }, { model: 'gpt-5.5' }).model).toBe('gpt-5.5');
    expect(r2a.request({ model: 'gpt-5.5', input: 'hi' }, { model: 'claude-x' }).model).toBe('claude-x');
  });
});

describe('real Claude Code request → Responses', () => {
  const body = capture('claude-code-2.1.331-messages.json');
  const dropped: string[] = [];
  const out = a2r.request(body, { model: 'gpt-5.5', onDrop: (f) => dropped.push(f) });
  const input = out.input as { type: string; role?: string; call_id?: string }[];

  it('validates against the Responses request schema', () => {
    expectValid(AnthropicRequestSchema, body);
    expectValid(ResponsesRequestSchema, out);
  });

  it('puts the system prompt in instructions and mid-conversation system messages in developer items, never system', () => {
    expect(String(out.instructions)).toMatch(/^You are a Claude agent/);
    expect(input.some((i) => i.role === 'system')).toBe(false);
    const messages = body.messages as { role: string }[];
    const sysIndex = messages.findIndex((m) => m.role === 'system');
    expect(sysIndex).toBeGreaterThan(0);
    expect(input.filter((i) => i.role === 'developer')).toHaveLength(messages.filter((m) => m.role === 'system').length);
  });

  it('converts all 12 tools as non-strict functions with their JSON schemas', () => {
    const tools = out.tools as { type: string; name: string; strict: boolean; parameters: JsonObject }[];
    expect(tools).toHaveLength((body.tools as unknown[]).length);
    for (const tool of tools) {
      expect(tool).toMatchObject({ type: 'function', strict: false });
      expect(tool.parameters.type).toBe('object');
    }
  });

  it('maps adaptive thinking + effort, stateless reasoning, token limit, user id', () => {
    expect(out).toMatchObject({
      model: 'gpt-5.5',
      stream: true,
      store: false,
      max_output_tokens: 128000,
      reasoning: { effort: 'medium', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
    });
    expect(String(out.safety_identifier)).toMatch(/^[0-9a-f]{64}$/);
    expect(dropped).toEqual(expect.arrayContaining(['context_management', 'system.cache_control', 'system.x-anthropic-billing-header']));
  });
});

describe('real Codex request → Anthropic', () => {
  const body = capture('codex-0.169.0-responses.json');
  const dropped: string[] = [];
  const out = r2a.request(body, { model: 'claude-sonnet-4-6', onDrop: (f) => dropped.push(f) });
  const messages = out.messages as { role: string; content: { type: string }[] }[];

  it('validates against the Anthropic request schema', () => {
    expectValid(ResponsesRequestSchema, body);
    expectValid(AnthropicRequestSchema, out);
  });

  it('moves the leading developer base prompt into system and starts with a user turn', () => {
    const system = out.system as { type: string; text: string }[];
    expect(system[0]?.text).toContain('You are Codex');
    expect(messages[0]?.role).toBe('user');
    expect(messages.every((m) => m.content.length > 0)).toBe(true);
    for (let i = 1; i < messages.length; i++) {
      if (messages[i]!.role !== 'system') expect(messages[i]!.role).not.toBe(messages[i - 1]!.role);
    }
  });

  it('keeps function and custom tools, drops built-ins', () => {
    const tools = out.tools as { name: string; input_schema: { properties: Record<string, unknown> } }[];
    const names = tools.map((t) => t.name);
    expect(names).toContain('exec_command');
    expect(names).toContain('apply_patch');
    expect(tools.find((t) => t.name === 'apply_patch')?.input_schema.properties).toHaveProperty('input');
    expect(dropped).toEqual(expect.arrayContaining(['tools.tool_search', 'tools.web_search', 'store', 'prompt_cache_key', 'client_metadata', 'include', 'text.verbosity']));
  });

  it('maps reasoning effort and defaults max_tokens', () => {
    expect(out).toMatchObject({ model: 'claude-sonnet-4-6', stream: true, thinking: { type: 'adaptive' }, output_config: { effort: 'medium' }, max_tokens: 32000, tool_choice: { type: 'auto' } });
  });

  it('uses a manual thinking budget on models without adaptive thinking, as chat-to-anthropic does', () => {
    const older = r2a.request(body, { model: 'claude-sonnet-4-5' });
    expect(older).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 8192 }, max_tokens: 32000 });
    expect(older.output_config).toBeUndefined();
  });
});
