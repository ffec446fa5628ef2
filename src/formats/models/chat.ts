/**
 * OpenAI Chat Completions models (POST /v1/chat/completions): request, complete response, stream
 * chunks and error body. Loose everywhere (unknown keys pass through): OpenAI-compatible upstreams
 * add their own fields (`reasoning_content`, `reasoning`, provider stats) that must survive.
 */
import { z } from 'zod';
import { JsonObjectSchema, TokenCount, unknownTagged } from './common.js';

// ---- request messages ------------------------------------------------------------------------

export const ChatTextPartSchema = z.looseObject({ type: z.literal('text'), text: z.string() });
export const ChatImagePartSchema = z.looseObject({
  type: z.literal('image_url'),
  image_url: z.looseObject({ url: z.string(), detail: z.string().optional() }),
});
export const ChatRefusalPartSchema = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });

/** User content parts: text, image_url, input_audio, file (and newer types, kept generic). */
export const ChatContentPartSchema = z.union([
  z.discriminatedUnion('type', [
    ChatTextPartSchema,
    ChatImagePartSchema,
    ChatRefusalPartSchema,
    z.looseObject({ type: z.literal('input_audio'), input_audio: z.looseObject({ data: z.string(), format: z.string() }) }),
    z.looseObject({ type: z.literal('file'), file: JsonObjectSchema }),
  ]),
  unknownTagged(['text', 'image_url', 'refusal', 'input_audio', 'file']),
]);

const content = z.union([z.string(), z.array(ChatContentPartSchema)]);

export const ChatToolCallSchema = z.union([
  z.looseObject({
    id: z.string(),
    type: z.literal('function'),
    function: z.looseObject({ name: z.string(), arguments: z.string() }),
  }),
  z.looseObject({
    id: z.string(),
    type: z.literal('custom'),
    custom: z.looseObject({ name: z.string(), input: z.string() }),
  }),
]);

export const ChatSystemMessageSchema = z.looseObject({ role: z.literal('system'), content, name: z.string().optional() });
export const ChatDeveloperMessageSchema = z.looseObject({ role: z.literal('developer'), content, name: z.string().optional() });
export const ChatUserMessageSchema = z.looseObject({ role: z.literal('user'), content, name: z.string().optional() });
export const ChatAssistantMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: content.nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ChatToolCallSchema).nullish(),
  name: z.string().optional(),
  /** Non-standard but common (DeepSeek, vLLM, OpenRouter): the model's reasoning text. */
  reasoning_content: z.string().nullish(),
});
export const ChatToolMessageSchema = z.looseObject({
  role: z.literal('tool'),
  tool_call_id: z.string(),
  content,
});
/** Deprecated `function` role, still accepted by the API. */
export const ChatFunctionMessageSchema = z.looseObject({
  role: z.literal('function'),
  name: z.string(),
  content: z.string().nullable(),
});

export const ChatMessageSchema = z.discriminatedUnion('role', [
  ChatSystemMessageSchema,
  ChatDeveloperMessageSchema,
  ChatUserMessageSchema,
  ChatAssistantMessageSchema,
  ChatToolMessageSchema,
  ChatFunctionMessageSchema,
]);

// ---- request options -------------------------------------------------------------------------

export const ChatFunctionToolSchema = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({
    name: z.string(),
    description: z.string().optional(),
    parameters: JsonObjectSchema.optional(),
    strict: z.boolean().nullish(),
  }),
});

export const ChatToolSchema = z.union([
  z.discriminatedUnion('type', [
    ChatFunctionToolSchema,
    z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string() }) }),
  ]),
  unknownTagged(['function', 'custom']),
]);

export const ChatToolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
  z.looseObject({ type: z.literal('custom'), custom: z.looseObject({ name: z.string() }) }),
  z.looseObject({ type: z.literal('allowed_tools'), allowed_tools: JsonObjectSchema }),
]);

export const ChatResponseFormatSchema = z.union([
  z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('text') }),
    z.looseObject({ type: z.literal('json_object') }),
    z.looseObject({
      type: z.literal('json_schema'),
      json_schema: z.looseObject({
        name: z.string(),
        description: z.string().optional(),
        schema: JsonObjectSchema.optional(),
        strict: z.boolean().nullish(),
      }),
    }),
  ]),
  unknownTagged(['text', 'json_object', 'json_schema']),
]);

export const ChatRequestSchema = z.looseObject({
  model: z.string(),
  messages: z.array(ChatMessageSchema),
  tools: z.array(ChatToolSchema).optional(),
  tool_choice: ChatToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  max_tokens: TokenCount.nullish(),
  max_completion_tokens: TokenCount.nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  /** none | minimal | low | medium | high | xhigh (kept open). */
  reasoning_effort: z.string().nullish(),
  response_format: ChatResponseFormatSchema.optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  n: z.number().int().nullish(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

// ---- response --------------------------------------------------------------------------------

export const ChatUsageSchema = z.looseObject({
  prompt_tokens: TokenCount,
  completion_tokens: TokenCount,
  total_tokens: TokenCount,
  prompt_tokens_details: z.looseObject({ cached_tokens: TokenCount.nullish() }).nullish(),
  completion_tokens_details: z.looseObject({ reasoning_tokens: TokenCount.nullish() }).nullish(),
});

/** stop | length | tool_calls | content_filter | function_call */
export const CHAT_FINISH_REASONS = ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'] as const;
export type ChatFinishReason = (typeof CHAT_FINISH_REASONS)[number];

export const ChatResponseMessageSchema = z.looseObject({
  role: z.literal('assistant'),
  content: z.string().nullable(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ChatToolCallSchema).nullish(),
  annotations: z.array(JsonObjectSchema).nullish(),
  reasoning_content: z.string().nullish(),
});

export const ChatResponseSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      message: ChatResponseMessageSchema,
      finish_reason: z.string().nullable(),
      logprobs: JsonObjectSchema.nullish(),
    }),
  ),
  usage: ChatUsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
  service_tier: z.string().nullish(),
});

// ---- stream chunks ---------------------------------------------------------------------------

export const ChatToolCallDeltaSchema = z.looseObject({
  index: z.number().int().nonnegative(),
  /** Present (with `type` and `function.name`) on the first delta of each call only. */
  id: z.string().nullish(),
  type: z.literal('function').nullish(),
  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
});

export const ChatChunkDeltaSchema = z.looseObject({
  role: z.string().nullish(),
  content: z.string().nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(ChatToolCallDeltaSchema).nullish(),
  reasoning_content: z.string().nullish(),
});

export const ChatChunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: z.number(),
  model: z.string(),
  choices: z.array(
    z.looseObject({
      index: z.number().int(),
      delta: ChatChunkDeltaSchema,
      finish_reason: z.string().nullish(),
      logprobs: JsonObjectSchema.nullish(),
    }),
  ),
  /** Only on the last chunk (empty `choices`) when `stream_options.include_usage`; null before. */
  usage: ChatUsageSchema.nullish(),
  system_fingerprint: z.string().nullish(),
  service_tier: z.string().nullish(),
});

// ---- errors ----------------------------------------------------------------------------------

export const OpenAIErrorDetailSchema = z.looseObject({
  message: z.string(),
  type: z.string().nullish(),
  param: z.string().nullish(),
  code: z.union([z.string(), z.number()]).nullish(),
});

/** Error body of Chat (and Responses) HTTP errors; also what a Chat stream sends mid-stream. */
export const OpenAIErrorBodySchema = z.looseObject({ error: OpenAIErrorDetailSchema });

/** A Chat stream carries chunks, or an error object when the upstream fails mid-stream. */
export const ChatStreamEventSchema = z.union([ChatChunkSchema, OpenAIErrorBodySchema]);

// ---- types -----------------------------------------------------------------------------------

export type ChatContentPart = z.infer<typeof ChatContentPartSchema>;
export type ChatToolCall = z.infer<typeof ChatToolCallSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type ChatAssistantMessage = z.infer<typeof ChatAssistantMessageSchema>;
export type ChatTool = z.infer<typeof ChatToolSchema>;
export type ChatFunctionTool = z.infer<typeof ChatFunctionToolSchema>;
export type ChatToolChoice = z.infer<typeof ChatToolChoiceSchema>;
export type ChatResponseFormat = z.infer<typeof ChatResponseFormatSchema>;
export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatUsage = z.infer<typeof ChatUsageSchema>;
export type ChatResponse = z.infer<typeof ChatResponseSchema>;
export type ChatToolCallDelta = z.infer<typeof ChatToolCallDeltaSchema>;
export type ChatChunk = z.infer<typeof ChatChunkSchema>;
export type OpenAIErrorBody = z.infer<typeof OpenAIErrorBodySchema>;
export type ChatStreamEvent = z.infer<typeof ChatStreamEventSchema>;
