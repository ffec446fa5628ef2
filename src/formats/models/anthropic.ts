/**
 * Anthropic Messages API models (POST /v1/messages): request, complete response, stream events
 * and error body. Loose everywhere (unknown keys pass through); tagged unions fall back to a
 * generic member for types added after this was written (server tools, new blocks).
 *
 * Real traffic notes: Claude Code sends `role: "system"` messages mid-conversation (sometimes with
 * extra keys such as `output_config`), adaptive thinking, `context_management` and
 * `output_config.effort`; all are modelled or passed through.
 */
import { z } from 'zod';
import { JsonObjectSchema, TokenCount, unknownTagged } from './common.js';

// ---- content blocks --------------------------------------------------------------------------

export const AnthropicCacheControlSchema = z.looseObject({ type: z.literal('ephemeral'), ttl: z.string().optional() });

const cacheControl = AnthropicCacheControlSchema.nullish();

export const AnthropicTextBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(),
  citations: z.array(JsonObjectSchema).nullish(),
  cache_control: cacheControl,
});

export const AnthropicImageSourceSchema = z.union([
  z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string() }),
  z.looseObject({ type: z.literal('file'), file_id: z.string() }),
]);

export const AnthropicImageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: AnthropicImageSourceSchema,
  cache_control: cacheControl,
});

export const AnthropicDocumentSourceSchema = z.union([
  z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal('text'), media_type: z.string(), data: z.string() }),
  z.looseObject({ type: z.literal('url'), url: z.string() }),
  z.looseObject({ type: z.literal('file'), file_id: z.string() }),
  z.looseObject({ type: z.literal('content'), content: z.union([z.string(), z.array(JsonObjectSchema)]) }),
]);

export const AnthropicDocumentBlockSchema = z.looseObject({
  type: z.literal('document'),
  source: AnthropicDocumentSourceSchema,
  title: z.string().nullish(),
  context: z.string().nullish(),
  citations: JsonObjectSchema.nullish(),
  cache_control: cacheControl,
});

export const AnthropicSearchResultBlockSchema = z.looseObject({
  type: z.literal('search_result'),
  source: z.string(),
  title: z.string(),
  content: z.array(AnthropicTextBlockSchema),
  cache_control: cacheControl,
});

/** `signature` is absent/empty in `content_block_start`; it arrives as a `signature_delta`. */
export const AnthropicThinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});

export const AnthropicRedactedThinkingBlockSchema = z.looseObject({
  type: z.literal('redacted_thinking'),
  data: z.string(),
});

export const AnthropicToolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: JsonObjectSchema,
  cache_control: cacheControl,
});

export const AnthropicServerToolUseBlockSchema = z.looseObject({
  type: z.literal('server_tool_use'),
  id: z.string(),
  name: z.string(),
  input: JsonObjectSchema,
});

/** Content allowed inside a tool_result: text, image, document, search_result (and newer types). */
export const AnthropicToolResultContentSchema = z.union([
  z.discriminatedUnion('type', [
    AnthropicTextBlockSchema,
    AnthropicImageBlockSchema,
    AnthropicDocumentBlockSchema,
    AnthropicSearchResultBlockSchema,
  ]),
  unknownTagged(['text', 'image', 'document', 'search_result']),
]);

export const AnthropicToolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(AnthropicToolResultContentSchema)]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const KNOWN_BLOCK_TYPES = [
  'text',
  'image',
  'document',
  'search_result',
  'thinking',
  'redacted_thinking',
  'tool_use',
  'tool_result',
  'server_tool_use',
] as const;

/**
 * Any content block. Server tool results (`web_search_tool_result`, `web_fetch_tool_result`,
 * `code_execution_tool_result`, `tool_search_tool_result`, …) and `container_upload` are kept by
 * the generic member: converters pass them through or drop them deliberately.
 */
export const AnthropicContentBlockSchema = z.union([
  z.discriminatedUnion('type', [
    AnthropicTextBlockSchema,
    AnthropicImageBlockSchema,
    AnthropicDocumentBlockSchema,
    AnthropicSearchResultBlockSchema,
    AnthropicThinkingBlockSchema,
    AnthropicRedactedThinkingBlockSchema,
    AnthropicToolUseBlockSchema,
    AnthropicToolResultBlockSchema,
    AnthropicServerToolUseBlockSchema,
  ]),
  unknownTagged(KNOWN_BLOCK_TYPES),
]);

// ---- request ---------------------------------------------------------------------------------

/** `system` is allowed mid-conversation (Claude Code sends it; the SDK has SystemMessageParam). */
export const AnthropicMessageSchema = z.looseObject({
  role: z.enum(['user', 'assistant', 'system']),
  content: z.union([z.string(), z.array(AnthropicContentBlockSchema)]),
});

export const AnthropicToolSchema = z.looseObject({
  /** Absent or `custom` for client tools; versioned names (`web_search_20250305`, …) for server tools. */
  type: z.string().nullish(),
  name: z.string(),
  description: z.string().optional(),
  input_schema: JsonObjectSchema.optional(),
  strict: z.boolean().optional(),
  defer_loading: z.boolean().optional(),
  cache_control: cacheControl,
});

export const AnthropicToolChoiceSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal('none') }),
]);

// `summarized` and `omitted` are documented; Claude Code's interactive session (2.1.331) sends
// `updates` (its thinking-display-updates beta). New values must not make a real request invalid.
const thinkingDisplay = z.string().nullish();

export const AnthropicThinkingConfigSchema = z.union([
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('enabled'), budget_tokens: TokenCount, display: thinkingDisplay }),
    z.looseObject({ type: z.literal('adaptive'), display: thinkingDisplay }),
    z.looseObject({ type: z.literal('disabled') }),
  ]),
  unknownTagged(['enabled', 'adaptive', 'disabled']),
]);

export const AnthropicOutputConfigSchema = z.looseObject({
  /** `low` | `medium` | `high` | `xhigh` | `max` (kept open: new levels appear). */
  effort: z.string().nullish(),
  format: z.looseObject({ type: z.string(), schema: JsonObjectSchema.optional() }).nullish(),
});

export const AnthropicSystemSchema = z.union([z.string(), z.array(AnthropicTextBlockSchema)]);

const requestFields = {
  model: z.string(),
  messages: z.array(AnthropicMessageSchema),
  system: AnthropicSystemSchema.optional(),
  tools: z.array(AnthropicToolSchema).optional(),
  tool_choice: AnthropicToolChoiceSchema.optional(),
  thinking: AnthropicThinkingConfigSchema.optional(),
  output_config: AnthropicOutputConfigSchema.optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  top_k: z.number().int().optional(),
  context_management: JsonObjectSchema.nullish(),
  service_tier: z.string().optional(),
};

export const AnthropicRequestSchema = z.looseObject({ ...requestFields, max_tokens: TokenCount });

/** POST /v1/messages/count_tokens: the same body without `max_tokens`. */
export const AnthropicCountTokensRequestSchema = z.looseObject(requestFields);

// ---- response --------------------------------------------------------------------------------

export const AnthropicUsageSchema = z.looseObject({
  input_tokens: TokenCount.nullish(),
  output_tokens: TokenCount.nullish(),
  cache_creation_input_tokens: TokenCount.nullish(),
  cache_read_input_tokens: TokenCount.nullish(),
  cache_creation: JsonObjectSchema.nullish(),
  server_tool_use: JsonObjectSchema.nullish(),
  output_tokens_details: JsonObjectSchema.nullish(),
  service_tier: z.string().nullish(),
});

/** end_turn | max_tokens | stop_sequence | tool_use | pause_turn | refusal | model_context_window_exceeded */
export const ANTHROPIC_STOP_REASONS = [
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
] as const;
export type AnthropicStopReason = (typeof ANTHROPIC_STOP_REASONS)[number];

export const AnthropicResponseSchema = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(AnthropicContentBlockSchema),
  stop_reason: z.string().nullable(),
  stop_sequence: z.string().nullish(),
  usage: AnthropicUsageSchema,
});

// ---- stream events ---------------------------------------------------------------------------

export const AnthropicContentDeltaSchema = z.union([
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
    z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() }),
    z.looseObject({ type: z.literal('thinking_delta'), thinking: z.string() }),
    z.looseObject({ type: z.literal('signature_delta'), signature: z.string() }),
    z.looseObject({ type: z.literal('citations_delta'), citation: JsonObjectSchema }),
  ]),
  unknownTagged(['text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta', 'citations_delta']),
]);

export const AnthropicErrorDetailSchema = z.looseObject({ type: z.string(), message: z.string() });

/** The error body of a failed request, and the data of a mid-stream `event: error`. */
export const AnthropicErrorBodySchema = z.looseObject({
  type: z.literal('error'),
  error: AnthropicErrorDetailSchema,
  request_id: z.string().nullish(),
});

export const AnthropicMessageStartEventSchema = z.looseObject({
  type: z.literal('message_start'),
  /** Starts with empty `content`, `stop_reason: null` and the input-side usage. */
  message: AnthropicResponseSchema,
});
export const AnthropicContentBlockStartEventSchema = z.looseObject({
  type: z.literal('content_block_start'),
  index: z.number().int().nonnegative(),
  content_block: AnthropicContentBlockSchema,
});
export const AnthropicContentBlockDeltaEventSchema = z.looseObject({
  type: z.literal('content_block_delta'),
  index: z.number().int().nonnegative(),
  delta: AnthropicContentDeltaSchema,
});
export const AnthropicContentBlockStopEventSchema = z.looseObject({
  type: z.literal('content_block_stop'),
  index: z.number().int().nonnegative(),
});
export const AnthropicMessageDeltaEventSchema = z.looseObject({
  type: z.literal('message_delta'),
  delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
  /** Cumulative counts; `output_tokens` always, the input side on some upstreams. */
  usage: AnthropicUsageSchema.optional(),
});
export const AnthropicMessageStopEventSchema = z.looseObject({ type: z.literal('message_stop') });
export const AnthropicPingEventSchema = z.looseObject({ type: z.literal('ping') });

export const ANTHROPIC_STREAM_EVENT_TYPES = [
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
] as const;

/** Any stream event; the API may add event types, which consumers are told to ignore. */
export const AnthropicStreamEventSchema = z.union([
  z.discriminatedUnion('type', [
    AnthropicMessageStartEventSchema,
    AnthropicContentBlockStartEventSchema,
    AnthropicContentBlockDeltaEventSchema,
    AnthropicContentBlockStopEventSchema,
    AnthropicMessageDeltaEventSchema,
    AnthropicMessageStopEventSchema,
    AnthropicPingEventSchema,
    AnthropicErrorBodySchema,
  ]),
  unknownTagged(ANTHROPIC_STREAM_EVENT_TYPES),
]);

// ---- types -----------------------------------------------------------------------------------

export type AnthropicTextBlock = z.infer<typeof AnthropicTextBlockSchema>;
export type AnthropicImageBlock = z.infer<typeof AnthropicImageBlockSchema>;
export type AnthropicDocumentBlock = z.infer<typeof AnthropicDocumentBlockSchema>;
export type AnthropicThinkingBlock = z.infer<typeof AnthropicThinkingBlockSchema>;
export type AnthropicRedactedThinkingBlock = z.infer<typeof AnthropicRedactedThinkingBlockSchema>;
export type AnthropicToolUseBlock = z.infer<typeof AnthropicToolUseBlockSchema>;
export type AnthropicToolResultBlock = z.infer<typeof AnthropicToolResultBlockSchema>;
export type AnthropicContentBlock = z.infer<typeof AnthropicContentBlockSchema>;
export type AnthropicMessage = z.infer<typeof AnthropicMessageSchema>;
export type AnthropicTool = z.infer<typeof AnthropicToolSchema>;
export type AnthropicToolChoice = z.infer<typeof AnthropicToolChoiceSchema>;
export type AnthropicThinkingConfig = z.infer<typeof AnthropicThinkingConfigSchema>;
export type AnthropicRequest = z.infer<typeof AnthropicRequestSchema>;
export type AnthropicUsage = z.infer<typeof AnthropicUsageSchema>;
export type AnthropicResponse = z.infer<typeof AnthropicResponseSchema>;
export type AnthropicContentDelta = z.infer<typeof AnthropicContentDeltaSchema>;
export type AnthropicErrorBody = z.infer<typeof AnthropicErrorBodySchema>;
export type AnthropicStreamEvent = z.infer<typeof AnthropicStreamEventSchema>;
