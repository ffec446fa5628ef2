/**
 * The formats layer's public surface: pure conversions between the three client APIs.
 * Plugins call these by format name; nothing here does I/O or knows a provider.
 *
 * Stream events are parsed JSON objects of their format: Anthropic event data (`{type: ...}`),
 * Chat chunks (`{object: 'chat.completion.chunk', ...}`; the `[DONE]` sentinel is not an event),
 * Responses events (`{type: 'response.*', ...}`).
 *
 * CONTRACT (filled in by the formats modules; signatures are stable, implementations evolve):
 *   convertRequest(from, to, body, opts)   → target request body
 *   convertResponse(from, to, body, opts)  → target response body
 *   convertStream(from, to, events, opts)  → AsyncIterable of target events (incremental)
 *   accumulateStream(format, events)       → complete response of that format
 *   parseSseStream(format, bytes)          → AsyncIterable of events (robust to chunking)
 *   serializeSseStream(format, events)     → AsyncIterable<string> of SSE text (adds [DONE] for chat)
 *   convertErrorBody / errorEvent          → error bodies and mid-stream error events per format
 */
export type { ApiFormat } from './types.js';
export * from './convert.js';
export { parseSse, parseSseStream, serializeSse, serializeSseEvent, serializeSseStream } from './sse.js';
export type { SseMessage } from './sse.js';
export { convertErrorBody, errorBody, errorEvent, readErrorBody, readErrorEvent, retryAfterSeconds, statusFor } from './errors.js';
export type { ConvertedError, ErrorInfo, ErrorSpec } from './errors.js';
/** Pass-through requests: drop the other vendor's reasoning a switched client replays. */
export { dropForeignReasoning, dropForeignThinking } from './shared/foreign-reasoning.js';
export * from './models/index.js';
export { estimateInputTokens, estimatedTokenCount } from './token-estimate.js';
/** One usage model for every API: each API's usage object read, and a meter for streams. */
export { anthropicUsage, chatUsage, responsesUsage, usageOf, type Usage } from './usage.js';
export { UsageMeter } from './usage-meter.js';
/** Claude Code's per-build billing line, removed before any system prompt is forwarded. */
export { stripBillingHeader, withoutBillingLines } from './shared/billing-header.js';
/** Anything thrown while reading an upstream's answer → the error the client gets (502 for a shape it cannot read). */
export { unreadableAnswer } from './unreadable.js';
