/** The OAuth body edits and header rules, as pure functions. */
import { describe, expect, it } from 'vitest';
import { promises as fs } from 'node:fs';
import { CLAUDE_CODE_IDENTITY, prepareMessagesBody, startsWithIdentity } from '../../../src/plugins/claude_api/request-body.js';
import { buildUpstreamHeaders, mergeBetas } from '../../../src/plugins/claude_api/headers.js';
import { mapModel } from '../../../src/plugins/claude_api/models.js';
import { ClaudeApiConfigSchema } from '../../../src/plugins/claude_api/config.js';

const opts = { injection: 'minimal' as const, maxBreakpoints: 4 };

describe('prepareMessagesBody', () => {
  it('leaves a body that needs nothing untouched (same object)', () => {
    const body = { model: 'm', system: `${CLAUDE_CODE_IDENTITY}\nmore`, messages: [] };
    const out = prepareMessagesBody(body, opts);
    expect(out.changed).toBe(false);
    expect(out.body).toBe(body);
  });

  it('turns a string system into blocks after the identity', () => {
    const out = prepareMessagesBody({ system: 'Be terse.', messages: [] }, opts);
    expect(out.body.system).toEqual([{ type: 'text', text: CLAUDE_CODE_IDENTITY }, { type: 'text', text: 'Be terse.' }]);
    expect(prepareMessagesBody({ messages: [] }, opts).body.system).toEqual([{ type: 'text', text: CLAUDE_CODE_IDENTITY }]);
  });

  it('full mode prepends the detected CLI prompt; none mode only strips billing lines', () => {
    const detected = [{ type: 'text' as const, text: 'CLI identity.' }, { type: 'text' as const, text: 'CLI rules.' }];
    const full = prepareMessagesBody({ system: 'Mine.', messages: [] }, { ...opts, injection: 'full', detectedSystem: detected });
    expect((full.body.system as Array<{ text: string }>).map((b) => b.text)).toEqual(['CLI identity.', 'CLI rules.', 'Mine.']);
    const none = prepareMessagesBody({ system: 'x-anthropic-billing-header: cc_version=1;\nMine.', messages: [] }, { ...opts, injection: 'none' });
    expect(none.body.system).toBe('Mine.');
  });

  it('drops thinking another vendor issued (client switched from Codex), keeps Anthropic-signed thinking', () => {
    const assistant = {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'earlier, on Codex', signature: 'ccproxy-rs1:rs_1:gAAAA' },
        { type: 'thinking', thinking: 'real', signature: 'EuYBCkQYAiJA' },
        { type: 'text', text: 'answer' },
      ],
    };
    const body = { system: CLAUDE_CODE_IDENTITY, messages: [{ role: 'user', content: 'q' }, assistant, { role: 'user', content: 'next' }] };
    const out = prepareMessagesBody(body, opts);
    expect(out.edits).toContain('foreign-thinking');
    const kept = (out.body.messages as Array<{ content: Array<{ signature?: string }> | string }>)[1]!.content as Array<{ signature?: string }>;
    expect(kept.map((b) => b.signature)).toEqual(['EuYBCkQYAiJA', undefined]);
  });

  it.each([
    ['claude-code-2.1.331-messages.json', "You are a Claude agent, built on Anthropic's Claude Agent SDK."],
    ['claude-code-2.1.331-interactive-messages.json', "You are Claude Code, Anthropic's official CLI for Claude."],
  ])('the real Claude Code capture %s: billing block dropped, no identity added, breakpoints kept', async (file, identity) => {
    const capture = JSON.parse(await fs.readFile(`test/fixtures/captures/${file}`, 'utf8')) as { body: Record<string, unknown> };
    const out = prepareMessagesBody(capture.body, opts);
    expect(out.edits).toEqual(['billing-header']);
    const system = out.body.system as Array<{ text: string }>;
    expect(system[0]!.text).toBe(identity);
    expect(JSON.stringify(system)).not.toContain('x-anthropic-billing-header');
    expect(startsWithIdentity(out.body.system)).toBe(true);
    // Everything else is the very same object (byte-faithful re-serialization).
    for (const k of Object.keys(capture.body)) if (k !== 'system') expect(out.body[k]).toBe(capture.body[k]);
  });
});

describe('headers', () => {
  it('merges betas without duplicates and without extras', () => {
    expect(mergeBetas(undefined, ['a', 'b'])).toBe('a,b');
    expect(mergeBetas(' x , b ,x', ['a', 'b'])).toBe('x,b,a');
  });

  it('API key mode: x-api-key, client betas untouched, no detected identity', () => {
    const h = buildUpstreamHeaders({
      client: { 'anthropic-beta': 'foo', 'x-api-key': 'client', authorization: 'Bearer client', host: 'x', 'anthropic-version': '2023-01-01' },
      credential: { kind: 'api_key', key: 'ours' },
      detected: { 'user-agent': 'claude-cli/1', 'x-app': 'cli' },
      anthropicVersion: '2023-06-01',
      stream: true,
    });
    expect(h).toEqual({ 'anthropic-beta': 'foo', 'anthropic-version': '2023-01-01', 'x-api-key': 'ours', 'content-type': 'application/json', accept: 'text/event-stream' });
  });
});

describe('mapModel', () => {
  const config = ClaudeApiConfigSchema.parse({});
  it.each([
    ['gpt-4o', 'claude-sonnet-4-6'],
    ['gpt-4o-mini', 'claude-haiku-4-5'],
    ['o3', 'claude-sonnet-4-6'],
    ['claude-opus-5-5', 'claude-opus-5-5'],
    ['something-else', 'claude-sonnet-4-6'],
    [undefined, 'claude-sonnet-4-6'],
  ])('%s → %s', (from, to) => {
    expect(mapModel(from, config)).toBe(to);
  });
  it('exact keys win over Claude pass-through', () => {
    expect(mapModel('claude-3-opus', { ...config, model_map: { 'claude-3-opus': 'claude-opus-4-1' } })).toBe('claude-opus-4-1');
  });
});
