import { describe, expect, it } from 'vitest';
import { CodexConfigSchema } from '../../../src/plugins/codex/config.js';
import { modelAcceptance, requestedEffort, resolveModel } from '../../../src/plugins/codex/models.js';

const config = CodexConfigSchema.parse({});

describe('model map defaults', () => {
  it("maps Claude Code's default and background model names to Codex models", () => {
    expect(resolveModel('claude-opus-5-5', config)).toEqual({ model: 'gpt-5.5' });
    expect(resolveModel('claude-sonnet-4-5-20250929', config).model).toBe('gpt-5.5');
    expect(resolveModel('claude-haiku-4-5-20251001', config)).toEqual({ model: 'gpt-5.5', effort: 'low' });
    expect(resolveModel('opus', config).model).toBe('gpt-5.5');
    expect(resolveModel('claude-3-7-sonnet-latest', config).model).toBe('gpt-5.5');
  });

  it('passes Codex names through and sends unknown names to default_model', () => {
    expect(resolveModel('gpt-6.1-sol', config)).toEqual({ model: 'gpt-6.1-sol' });
    expect(resolveModel('o3', config)).toEqual({ model: 'o3' });
    expect(resolveModel('mistral-large', config)).toEqual({ model: 'gpt-5.5' });
    expect(resolveModel(undefined, config)).toEqual({ model: 'gpt-5.5' });
  });

  it('says which names it takes without listing them (root routing): Codex names, model_map names, not the rest', () => {
    expect(modelAcceptance('gpt-5', config)).toBe('native');
    expect(modelAcceptance('o3', config)).toBe('native');
    expect(modelAcceptance('claude-opus-5-5', config)).toBe('mapped');
    expect(modelAcceptance('haiku', config)).toBe('mapped');
    expect(modelAcceptance('mistral-large', config)).toBeUndefined();
  });

  it('lets a configured exact name win over an earlier glob', () => {
    const custom = CodexConfigSchema.parse({ model_map: { 'claude-*': 'gpt-6-sol', 'claude-opus-5-5': { model: 'gpt-6-astra', reasoning_effort: 'high' } } });
    expect(resolveModel('claude-opus-5-5', custom)).toEqual({ model: 'gpt-6-astra', effort: 'high' });
    expect(resolveModel('claude-sonnet-5', custom)).toEqual({ model: 'gpt-6-sol' });
  });
});

describe('requestedEffort', () => {
  it('reads every API', () => {
    expect(requestedEffort({ reasoning: { effort: 'high' } })).toBe('high');
    expect(requestedEffort({ reasoning_effort: 'low' })).toBe('low');
    expect(requestedEffort({ thinking: { type: 'adaptive' }, output_config: { effort: 'medium' } })).toBe('medium');
    expect(requestedEffort({ output_config: { effort: 'max' } })).toBe('xhigh');
    expect(requestedEffort({ thinking: { type: 'enabled', budget_tokens: 2000 } })).toBe('low');
    expect(requestedEffort({ thinking: { type: 'enabled', budget_tokens: 10000 } })).toBe('medium');
    expect(requestedEffort({ thinking: { type: 'enabled', budget_tokens: 32000 } })).toBe('high');
    expect(requestedEffort({ thinking: { type: 'disabled' } })).toBe('low');
    expect(requestedEffort({})).toBeUndefined();
  });
});
