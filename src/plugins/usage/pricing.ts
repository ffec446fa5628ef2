/**
 * API list prices in USD per million tokens, for the API-equivalent cost: what a request would
 * have cost on the pay-as-you-go API. Patterns are globs over the model name the upstream reported
 * (first match wins, so specific names come before their family); `[plugins.usage.pricing]`
 * entries are tried before these. Prices as published by Anthropic and OpenAI in late 2026 for the
 * standard tier: no batch or priority discounts, no long-context surcharge, cache writes at the
 * 5-minute rate.
 */
import { matchPattern } from '../../plugin.js';

export interface Price {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

const p = (input: number, output: number, cache_read: number, cache_write: number): Price => ({ input, output, cache_read, cache_write });
/** OpenAI bills cache writes as ordinary input. */
const openai = (input: number, output: number, cache_read: number): Price => p(input, output, cache_read, input);

export const DEFAULT_PRICES: Readonly<Record<string, Price>> = Object.freeze({
  // Anthropic. Opus 4 and 4.1 kept the old Opus price; Opus 4.5 and later cost a third of it.
  'claude-opus-4-0*': p(15, 75, 1.5, 18.75),
  'claude-opus-4-1*': p(15, 75, 1.5, 18.75),
  'claude-opus-4-2025*': p(15, 75, 1.5, 18.75),
  'claude-3-opus*': p(15, 75, 1.5, 18.75),
  'claude-opus-*': p(5, 25, 0.5, 6.25),
  'claude-sonnet-*': p(3, 15, 0.3, 3.75),
  'claude-3-7-sonnet*': p(3, 15, 0.3, 3.75),
  'claude-3-5-sonnet*': p(3, 15, 0.3, 3.75),
  'claude-3-5-haiku*': p(0.8, 4, 0.08, 1),
  'claude-3-haiku*': p(0.25, 1.25, 0.03, 0.3),
  'claude-haiku-*': p(1, 5, 0.1, 1.25),
  // OpenAI.
  'gpt-5*-pro*': openai(15, 120, 15),
  'gpt-5*-mini*': openai(0.25, 2, 0.025),
  'gpt-5*-nano*': openai(0.05, 0.4, 0.005),
  'gpt-5*': openai(1.25, 10, 0.125),
  'gpt-4.1-mini*': openai(0.4, 1.6, 0.1),
  'gpt-4.1-nano*': openai(0.1, 0.4, 0.025),
  'gpt-4.1*': openai(2, 8, 0.5),
  'gpt-4o-mini*': openai(0.15, 0.6, 0.075),
  'gpt-4o*': openai(2.5, 10, 1.25),
  'o4-mini*': openai(1.1, 4.4, 0.275),
  'o3-mini*': openai(1.1, 4.4, 0.55),
  'o3-pro*': openai(20, 80, 20),
  'o3*': openai(2, 8, 0.5),
  'o1-mini*': openai(1.1, 4.4, 0.55),
  'o1*': openai(15, 60, 7.5),
});

export interface Tokens {
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
}

export class PriceTable {
  constructor(private readonly overrides: Record<string, Price>) {}

  priceOf(model: string): Price | undefined {
    return (matchPattern(this.overrides, model) ?? matchPattern(DEFAULT_PRICES, model))?.value;
  }

  /** USD, or null when the model has no price (then the request counts as unpriced). */
  costOf(model: string | null, t: Tokens): number | null {
    const price = model ? this.priceOf(model) : undefined;
    if (!price) return null;
    return (t.input_tokens * price.input + t.cache_read_tokens * price.cache_read +
      t.cache_write_tokens * price.cache_write + t.output_tokens * price.output) / 1e6;
  }
}
