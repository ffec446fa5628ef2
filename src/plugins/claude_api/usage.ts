/**
 * Reads token usage out of an Anthropic SSE byte stream as it passes through, without changing a
 * byte: only `message_start` / `message_delta` data lines are parsed (they carry `usage`).
 */
import type { TokenUsage } from '../../plugin.js';

export class AnthropicUsageSniffer {
  usage: TokenUsage = {};
  model?: string;
  private partial = '';

  push(chunk: Uint8Array | string): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data:') || !line.includes('"usage"')) continue;
      try {
        this.take(JSON.parse(line.slice(5)) as Record<string, unknown>);
      } catch {
        /* not ours to judge: the bytes still pass through */
      }
    }
  }

  /** Usage from a complete (non-stream) Messages response or a stream event. */
  take(obj: Record<string, unknown>): void {
    const msg = (obj.type === 'message_start' ? obj.message : obj) as Record<string, unknown> | undefined;
    if (typeof msg?.model === 'string') this.model = msg.model;
    const u = (msg?.usage ?? obj.usage) as Record<string, unknown> | undefined;
    if (!u) return;
    const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
    this.usage = {
      ...this.usage,
      ...(num(u.input_tokens) !== undefined ? { inputTokens: num(u.input_tokens) } : {}),
      ...(num(u.output_tokens) !== undefined ? { outputTokens: num(u.output_tokens) } : {}),
      ...(num(u.cache_read_input_tokens) !== undefined ? { cacheReadTokens: num(u.cache_read_input_tokens) } : {}),
      ...(num(u.cache_creation_input_tokens) !== undefined ? { cacheCreationTokens: num(u.cache_creation_input_tokens) } : {}),
    };
  }
}
