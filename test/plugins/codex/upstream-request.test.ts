import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.js';
import { shapeCodexRequest, type ShapeOptions } from '../../../src/plugins/codex/upstream-request.js';
import { FALLBACK_CODEX_BASE_PROMPT } from '../../../src/plugins/codex/detection-fallback.js';

const opts: ShapeOptions = {
  basePrompt: 'You are Codex, BASE.',
  model: 'gpt-5.5',
  effort: 'medium',
  reasoningSummary: 'auto',
};

const codexCapture = JSON.parse(readFileSync(new URL('../../fixtures/captures/codex-0.169.0-responses.json', import.meta.url), 'utf8')) as {
  body: Record<string, unknown>;
};

describe('shapeCodexRequest', () => {
  it('forces stream/store, puts the base prompt in instructions and the client system text after it', () => {
    const { body, dropped } = shapeCodexRequest({
      model: 'claude-opus-5-5',
      instructions: 'You are a Claude agent.',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
        { type: 'message', role: 'system', content: [{ type: 'input_text', text: '# Environment' }] },
      ],
      max_output_tokens: 128000,
      temperature: 1,
      top_p: 0.9,
      metadata: { user_id: 'x' },
      safety_identifier: 'abc',
      stream: false,
      store: true,
    }, opts);
    expect(body.stream).toBe(true);
    expect(body.store).toBe(false);
    expect(body.model).toBe('gpt-5.5');
    expect(body.instructions).toBe('You are Codex, BASE.');
    const input = body.input as Record<string, unknown>[];
    expect(input[0]).toEqual({ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a Claude agent.' }] });
    expect(input[1]?.role).toBe('user');
    // Mid-conversation system message stays in place as developer.
    expect(input[2]).toMatchObject({ role: 'developer', content: [{ type: 'input_text', text: '# Environment' }] });
    expect(input.some((i) => i.role === 'system')).toBe(false);
    for (const f of ['max_output_tokens', 'temperature', 'top_p', 'metadata', 'safety_identifier']) {
      expect(body).not.toHaveProperty(f);
      expect(dropped).toContain(f);
    }
    expect(body.include).toContain('reasoning.encrypted_content');
    expect(body.reasoning).toEqual({ effort: 'medium', summary: 'auto' });
  });

  it('drops item_reference inputs and reasoning items the backend cannot resolve', () => {
    const { body, dropped } = shapeCodexRequest({
      input: [
        { type: 'item_reference', id: 'msg_1' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'reasoning', id: 'rs_2', summary: [], encrypted_content: 'gAAA' },
        { type: 'message', role: 'user', content: 'hello' },
      ],
    }, opts);
    expect((body.input as Record<string, unknown>[]).map((i) => i.type)).toEqual(['reasoning', 'message']);
    expect(dropped).toContain('input.item_reference');
  });

  it('answers previous_response_id with a clear 400', () => {
    let err: unknown;
    try {
      shapeCodexRequest({ previous_response_id: 'resp_1', input: 'hi' }, opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).status).toBe(400);
    expect((err as ValidationError).message).toMatch(/store=false/);
  });

  it('keeps an inbound prompt_cache_key, else derives a stable one per conversation', () => {
    expect(shapeCodexRequest({ input: 'x', prompt_cache_key: 'pck-1' }, opts).sessionId).toBe('pck-1');
    expect(shapeCodexRequest({ input: 'x' }, { ...opts, sessionHint: 'sess-9' }).body.prompt_cache_key).toBe('sess-9');
    const turn1 = shapeCodexRequest({ input: [{ role: 'user', content: 'first question' }] }, opts);
    const turn2 = shapeCodexRequest({
      input: [
        { role: 'user', content: 'first question' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'answer' }] },
        { role: 'user', content: 'follow-up' },
      ],
    }, opts);
    expect(turn1.sessionId).toBe(turn2.sessionId);
    expect(turn1.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(shapeCodexRequest({ input: [{ role: 'user', content: 'another chat' }] }, opts).sessionId).not.toBe(turn1.sessionId);
  });

  it('does not send the base prompt twice when the Codex CLI itself is the client', () => {
    const { body } = shapeCodexRequest(codexCapture.body, { ...opts, basePrompt: FALLBACK_CODEX_BASE_PROMPT });
    expect(body.instructions).toBe(FALLBACK_CODEX_BASE_PROMPT);
    const input = body.input as { role?: string; content?: { text?: string }[] }[];
    const texts = input.flatMap((i) => (i.content ?? []).map((p) => p.text ?? ''));
    expect(texts.some((t) => t.includes('You are Codex, a coding agent'))).toBe(false);
    // Its other developer messages (skills, permissions) survive, and its tools are untouched.
    expect(texts.some((t) => t.startsWith('<skills_instructions>'))).toBe(true);
    expect(body.tools).toEqual(codexCapture.body.tools);
    expect(body.prompt_cache_key).toBe(codexCapture.body.prompt_cache_key);
  });
});

describe('shapeCodexRequest with the Codex CLI on another model', () => {
  it("uses the client's own Codex base prompt as instructions instead of sending two", () => {
    const own = 'You are Codex, an agent based on GPT-6. ...';
    const { body } = shapeCodexRequest({
      model: 'gpt-6.1-sol',
      input: [
        { type: 'additional_tools', role: 'developer', tools: [] },
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: own }] },
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      ],
    }, { ...opts, basePrompt: FALLBACK_CODEX_BASE_PROMPT, model: 'gpt-6.1-sol' });
    expect(body.instructions).toBe(own);
    expect((body.input as { type?: string }[]).map((i) => i.type)).toEqual(['additional_tools', 'message', 'message']);
  });
});
