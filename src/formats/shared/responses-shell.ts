/**
 * The response object every converter into the Responses API starts from: the fields the API
 * always reports, with the request's own settings echoed back as the real API does (its
 * instructions, tools, tool choice, sampling…), whatever upstream answered.
 */
import type { ConvertOptions, JsonObject } from '../types.js';

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `id`, `createdAt` (seconds) and `model` of the response; the rest from what the client asked for. */
export function responseShell(id: string, createdAt: number, model: string, opts: ConvertOptions): JsonObject {
  const req = opts.clientRequest ?? {};
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: req.reasoning ?? null,
    store: req.store ?? false,
    temperature: req.temperature ?? null,
    text: req.text ?? { format: { type: 'text' } },
    tool_choice: req.tool_choice ?? 'auto',
    tools: Array.isArray(req.tools) ? req.tools.filter(isObject).map(toolAsReported) : [],
    top_p: req.top_p ?? null,
    truncation: 'disabled',
    usage: null,
    metadata: req.metadata ?? {},
  };
}

/**
 * A request tool as the response reports it: function tools with the fields the API always
 * reports filled in. `strict` stays what the client asked for (the upstream got no strict mode
 * otherwise), never the API's own default.
 */
function toolAsReported(tool: JsonObject): JsonObject {
  if (tool.type !== 'function') return tool;
  return { ...tool, description: tool.description ?? null, parameters: tool.parameters ?? null, strict: tool.strict ?? false };
}
