/**
 * OpenAI Responses API models (POST /v1/responses): request, complete response, stream events and
 * error body. Loose everywhere; every tagged union has a generic member so hosted-tool items
 * (`web_search_call`, `tool_search_call`, `mcp_call`, `compaction`, …) and new event types pass.
 *
 * Real traffic notes: Codex sends the base prompt as `developer` messages (no `instructions`),
 * `custom` (grammar) tools, `tool_search` and `web_search` tools, `client_metadata`,
 * `text.verbosity`, `include: ["reasoning.encrypted_content"]` and `store: false`.
 */
import { z } from 'zod';
import { JsonObjectSchema, TokenCount, unknownTagged } from './common.js';
import { OpenAIErrorBodySchema } from './chat.js';

// ---- content parts ---------------------------------------------------------------------------

export const ResponsesInputTextSchema = z.looseObject({ type: z.literal('input_text'), text: z.string() });
export const ResponsesInputImageSchema = z.looseObject({
  type: z.literal('input_image'),
  image_url: z.string().nullish(),
  file_id: z.string().nullish(),
  detail: z.string().optional(),
});
export const ResponsesInputFileSchema = z.looseObject({
  type: z.literal('input_file'),
  file_id: z.string().nullish(),
  file_data: z.string().optional(),
  file_url: z.string().optional(),
  filename: z.string().optional(),
});
export const ResponsesOutputTextSchema = z.looseObject({
  type: z.literal('output_text'),
  text: z.string(),
  annotations: z.array(JsonObjectSchema).optional(),
  logprobs: z.array(JsonObjectSchema).optional(),
});
export const ResponsesRefusalSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

const PART_TYPES = ['input_text', 'input_image', 'input_file', 'output_text', 'refusal'] as const;
export const ResponsesContentPartSchema = z.union([
  z.discriminatedUnion('type', [
    ResponsesInputTextSchema,
    ResponsesInputImageSchema,
    ResponsesInputFileSchema,
    ResponsesOutputTextSchema,
    ResponsesRefusalSchema,
  ]),
  unknownTagged(PART_TYPES),
]);

// ---- items (input and output share most shapes) ----------------------------------------------

/** `type` is optional on input messages (EasyInputMessage); roles include developer/system. */
export const ResponsesMessageItemSchema = z.looseObject({
  type: z.literal('message').optional(),
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer']),
  content: z.union([z.string(), z.array(ResponsesContentPartSchema)]),
  status: z.string().optional(),
});

export const ResponsesFunctionCallItemSchema = z.looseObject({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string(),
  status: z.string().optional(),
});

export const ResponsesFunctionCallOutputItemSchema = z.looseObject({
  type: z.literal('function_call_output'),
  id: z.string().nullish(),
  call_id: z.string(),
  output: z.union([z.string(), z.array(ResponsesContentPartSchema)]),
  status: z.string().nullish(),
});

export const ResponsesCustomToolCallItemSchema = z.looseObject({
  type: z.literal('custom_tool_call'),
  id: z.string().optional(),
  call_id: z.string(),
  name: z.string(),
  input: z.string(),
});

export const ResponsesCustomToolCallOutputItemSchema = z.looseObject({
  type: z.literal('custom_tool_call_output'),
  id: z.string().optional(),
  call_id: z.string(),
  output: z.union([z.string(), z.array(ResponsesContentPartSchema)]),
});

export const ResponsesReasoningItemSchema = z.looseObject({
  type: z.literal('reasoning'),
  id: z.string().optional(),
  summary: z.array(z.looseObject({ type: z.string(), text: z.string() })),
  content: z.array(z.looseObject({ type: z.string(), text: z.string() })).nullish(),
  /** Opaque reasoning state, returned with `include: ["reasoning.encrypted_content"]`. */
  encrypted_content: z.string().nullish(),
  status: z.string().optional(),
});

export const ResponsesItemReferenceSchema = z.looseObject({ type: z.literal('item_reference'), id: z.string() });

const ITEM_TYPES = [
  'message',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'reasoning',
  'item_reference',
] as const;

const typedItems = z.discriminatedUnion('type', [
  ResponsesFunctionCallItemSchema,
  ResponsesFunctionCallOutputItemSchema,
  ResponsesCustomToolCallItemSchema,
  ResponsesCustomToolCallOutputItemSchema,
  ResponsesReasoningItemSchema,
  ResponsesItemReferenceSchema,
]);

/** Any item in `input` or `output`. Messages first: their `type` may be omitted on input. */
export const ResponsesItemSchema = z.union([ResponsesMessageItemSchema, typedItems, unknownTagged(ITEM_TYPES)]);

// ---- request ---------------------------------------------------------------------------------

export const ResponsesFunctionToolSchema = z.looseObject({
  type: z.literal('function'),
  name: z.string(),
  description: z.string().nullish(),
  parameters: JsonObjectSchema.nullish(),
  strict: z.boolean().nullish(),
});

export const ResponsesCustomToolSchema = z.looseObject({
  type: z.literal('custom'),
  name: z.string(),
  description: z.string().optional(),
  /** `{type: 'text'}` or `{type: 'grammar', syntax: 'lark'|'regex', definition}`. */
  format: JsonObjectSchema.optional(),
});

/** Function and custom tools, plus hosted tools (web_search, tool_search, mcp, …) kept generic. */
export const ResponsesToolSchema = z.union([
  z.discriminatedUnion('type', [ResponsesFunctionToolSchema, ResponsesCustomToolSchema]),
  unknownTagged(['function', 'custom']),
]);

export const ResponsesToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), name: z.string() }),
  z.looseObject({ type: z.literal('custom'), name: z.string() }),
  z.looseObject({ type: z.string() }),
]);

export const ResponsesTextFormatSchema = z.union([
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('text') }),
    z.looseObject({ type: z.literal('json_object') }),
    z.looseObject({
      type: z.literal('json_schema'),
      name: z.string(),
      schema: JsonObjectSchema,
      description: z.string().optional(),
      strict: z.boolean().nullish(),
    }),
  ]),
  unknownTagged(['text', 'json_object', 'json_schema']),
]);

export const ResponsesRequestSchema = z.looseObject({
  /** Optional in the API (a stored prompt may name it); providers then use their default model. */
  model: z.string().optional(),
  input: z.union([z.string(), z.array(ResponsesItemSchema)]).optional(),
  instructions: z.string().nullish(),
  tools: z.array(ResponsesToolSchema).optional(),
  tool_choice: ResponsesToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: TokenCount.nullish(),
  reasoning: z
    .looseObject({
      /** none | minimal | low | medium | high | xhigh (kept open). */
      effort: z.string().nullish(),
      /** auto | concise | detailed */
      summary: z.string().nullish(),
    })
    .nullish(),
  text: z.looseObject({ format: ResponsesTextFormatSchema.optional(), verbosity: z.string().nullish() }).optional(),
  include: z.array(z.string()).nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  previous_response_id: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  user: z.string().optional(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
});

// ---- response --------------------------------------------------------------------------------

export const ResponsesUsageSchema = z.looseObject({
  input_tokens: TokenCount,
  output_tokens: TokenCount,
  total_tokens: TokenCount,
  input_tokens_details: z.looseObject({ cached_tokens: TokenCount.nullish(), cache_write_tokens: TokenCount.nullish() }).nullish(),
  output_tokens_details: z.looseObject({ reasoning_tokens: TokenCount.nullish() }).nullish(),
});

/** completed | failed | in_progress | cancelled | queued | incomplete */
export const RESPONSES_STATUSES = ['completed', 'failed', 'in_progress', 'cancelled', 'queued', 'incomplete'] as const;

export const ResponsesResponseSchema = z.looseObject({
  id: z.string(),
  object: z.literal('response'),
  created_at: z.number(),
  model: z.string(),
  status: z.string().optional(),
  output: z.array(ResponsesItemSchema),
  usage: ResponsesUsageSchema.nullish(),
  error: z.looseObject({ code: z.string().nullish(), message: z.string() }).nullish(),
  /** `reason`: max_output_tokens | content_filter */
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
});

// ---- stream events ---------------------------------------------------------------------------

const seq = { sequence_number: z.number().int().nonnegative() };
const at = { item_id: z.string(), output_index: z.number().int().nonnegative() };
const atPart = { ...at, content_index: z.number().int().nonnegative() };
const atSummary = { ...at, summary_index: z.number().int().nonnegative() };

const lifecycle = (type: string) => z.looseObject({ type: z.literal(type), ...seq, response: ResponsesResponseSchema });

export const ResponsesErrorEventSchema = z.looseObject({
  type: z.literal('error'),
  code: z.string().nullish(),
  message: z.string(),
  param: z.string().nullish(),
  ...seq,
});

const KNOWN_EVENTS = [
  'response.created',
  'response.in_progress',
  'response.queued',
  'response.completed',
  'response.failed',
  'response.incomplete',
  'response.output_item.added',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.refusal.delta',
  'response.refusal.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.custom_tool_call_input.delta',
  'response.custom_tool_call_input.done',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.delta',
  'response.reasoning_text.done',
  'error',
] as const;

export const ResponsesStreamEventSchema = z.union([
  z.discriminatedUnion('type', [
    lifecycle('response.created'),
    lifecycle('response.in_progress'),
    lifecycle('response.queued'),
    lifecycle('response.completed'),
    lifecycle('response.failed'),
    lifecycle('response.incomplete'),
    z.looseObject({ type: z.literal('response.output_item.added'), ...seq, output_index: at.output_index, item: ResponsesItemSchema }),
    z.looseObject({ type: z.literal('response.output_item.done'), ...seq, output_index: at.output_index, item: ResponsesItemSchema }),
    z.looseObject({ type: z.literal('response.content_part.added'), ...seq, ...atPart, part: ResponsesContentPartSchema }),
    z.looseObject({ type: z.literal('response.content_part.done'), ...seq, ...atPart, part: ResponsesContentPartSchema }),
    z.looseObject({ type: z.literal('response.output_text.delta'), ...seq, ...atPart, delta: z.string() }),
    z.looseObject({ type: z.literal('response.output_text.done'), ...seq, ...atPart, text: z.string() }),
    z.looseObject({ type: z.literal('response.refusal.delta'), ...seq, ...atPart, delta: z.string() }),
    z.looseObject({ type: z.literal('response.refusal.done'), ...seq, ...atPart, refusal: z.string() }),
    z.looseObject({ type: z.literal('response.function_call_arguments.delta'), ...seq, ...at, delta: z.string() }),
    z.looseObject({ type: z.literal('response.function_call_arguments.done'), ...seq, ...at, arguments: z.string() }),
    z.looseObject({ type: z.literal('response.custom_tool_call_input.delta'), ...seq, ...at, delta: z.string() }),
    z.looseObject({ type: z.literal('response.custom_tool_call_input.done'), ...seq, ...at, input: z.string() }),
    z.looseObject({
      type: z.literal('response.reasoning_summary_part.added'),
      ...seq,
      ...atSummary,
      part: z.looseObject({ type: z.string(), text: z.string() }),
    }),
    z.looseObject({
      type: z.literal('response.reasoning_summary_part.done'),
      ...seq,
      ...atSummary,
      part: z.looseObject({ type: z.string(), text: z.string() }),
    }),
    z.looseObject({ type: z.literal('response.reasoning_summary_text.delta'), ...seq, ...atSummary, delta: z.string() }),
    z.looseObject({ type: z.literal('response.reasoning_summary_text.done'), ...seq, ...atSummary, text: z.string() }),
    z.looseObject({ type: z.literal('response.reasoning_text.delta'), ...seq, ...atPart, delta: z.string() }),
    z.looseObject({ type: z.literal('response.reasoning_text.done'), ...seq, ...atPart, text: z.string() }),
    ResponsesErrorEventSchema,
  ]),
  unknownTagged(KNOWN_EVENTS),
]);

/** HTTP error body: same shape as Chat's. */
export const ResponsesErrorBodySchema = OpenAIErrorBodySchema;

// ---- types -----------------------------------------------------------------------------------

export type ResponsesContentPart = z.infer<typeof ResponsesContentPartSchema>;
export type ResponsesMessageItem = z.infer<typeof ResponsesMessageItemSchema>;
export type ResponsesFunctionCallItem = z.infer<typeof ResponsesFunctionCallItemSchema>;
export type ResponsesFunctionCallOutputItem = z.infer<typeof ResponsesFunctionCallOutputItemSchema>;
export type ResponsesReasoningItem = z.infer<typeof ResponsesReasoningItemSchema>;
export type ResponsesItem = z.infer<typeof ResponsesItemSchema>;
export type ResponsesTool = z.infer<typeof ResponsesToolSchema>;
export type ResponsesToolChoice = z.infer<typeof ResponsesToolChoiceSchema>;
export type ResponsesTextFormat = z.infer<typeof ResponsesTextFormatSchema>;
export type ResponsesRequest = z.infer<typeof ResponsesRequestSchema>;
export type ResponsesUsage = z.infer<typeof ResponsesUsageSchema>;
export type ResponsesResponse = z.infer<typeof ResponsesResponseSchema>;
export type ResponsesErrorEvent = z.infer<typeof ResponsesErrorEventSchema>;
export type ResponsesStreamEvent = z.infer<typeof ResponsesStreamEventSchema>;
