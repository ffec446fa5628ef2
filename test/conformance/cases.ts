/**
 * The conformance matrix: what a client sends (per client API and scenario) and what each fake
 * upstream answers (per scenario). The scenario travels inside the request as a marker in the
 * user's text (`conformance:<scenario>`), so concurrent cases through one proxy never mix.
 */
import type { ClientApi } from './check.js';

/** What the upstream does; the client side of each is in `requestBody`. */
export type Scenario =
  | 'text'
  | 'tool_call'
  | 'tool_result'
  | 'reasoning'
  | 'http_400'
  | 'http_429'
  | 'http_500'
  | 'http_overloaded'
  | 'stream_error'
  | 'stream_cut';

export const SUCCESS_SCENARIOS = ['text', 'tool_call', 'tool_result', 'reasoning'] as const;
export const HTTP_ERROR_SCENARIOS = ['http_400', 'http_429', 'http_500', 'http_overloaded'] as const;
export const MID_STREAM_SCENARIOS = ['stream_error', 'stream_cut'] as const;

export const TEXT = 'Hello from the conformance upstream.';
export const REASONING = 'Pondering the question before answering.';
export const TOOL = { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
export const TOOL_ARGS = { city: 'Paris' };
export const TOOL_RESULT_ANSWER = 'It is sunny in Paris.';
/** Text the upstream streams before a mid-stream failure. */
export const PARTIAL = 'Partial answer before the failure.';

const MARKER = /conformance:([a-z_0-9]+)/;

/** The scenario a (possibly converted) upstream request carries. */
export function scenarioOf(body: unknown): Scenario {
  const m = MARKER.exec(JSON.stringify(body));
  return (m?.[1] ?? 'text') as Scenario;
}

/** What the client sends for `scenario` in `api` (every scenario but tool_result asks a question with a tool declared). */
export function requestBody(api: ClientApi, scenario: Scenario, model: string, stream: boolean): Record<string, unknown> {
  const question = `conformance:${scenario} What is the weather in Paris?`;
  const callId = 'call_conformance_1';
  if (api === 'anthropic') {
    const messages: unknown[] = [{ role: 'user', content: question }];
    if (scenario === 'tool_result') {
      messages.push(
        { role: 'assistant', content: [{ type: 'text', text: 'Let me check.' }, { type: 'tool_use', id: 'toolu_conformance_1', name: TOOL.name, input: TOOL_ARGS }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_conformance_1', content: 'Sunny, 24 °C' }] },
      );
    }
    return {
      model, max_tokens: 2048, stream, messages,
      tools: [{ name: TOOL.name, description: TOOL.description, input_schema: TOOL.parameters }],
      ...(scenario === 'reasoning' ? { thinking: { type: 'enabled', budget_tokens: 1024 } } : {}),
    };
  }
  if (api === 'chat') {
    const messages: unknown[] = [{ role: 'user', content: question }];
    if (scenario === 'tool_result') {
      messages.push(
        { role: 'assistant', content: null, tool_calls: [{ id: callId, type: 'function', function: { name: TOOL.name, arguments: JSON.stringify(TOOL_ARGS) } }] },
        { role: 'tool', tool_call_id: callId, content: 'Sunny, 24 °C' },
      );
    }
    return {
      model, stream, messages,
      tools: [{ type: 'function', function: TOOL }],
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      ...(scenario === 'reasoning' ? { reasoning_effort: 'medium' } : {}),
    };
  }
  const input: unknown[] = [{ type: 'message', role: 'user', content: question }];
  if (scenario === 'tool_result') {
    input.push(
      { type: 'function_call', call_id: callId, name: TOOL.name, arguments: JSON.stringify(TOOL_ARGS) },
      { type: 'function_call_output', call_id: callId, output: 'Sunny, 24 °C' },
    );
  }
  return {
    model, stream, input,
    tools: [{ type: 'function', ...TOOL }],
    ...(scenario === 'reasoning' ? { reasoning: { effort: 'medium', summary: 'auto' } } : {}),
  };
}

/** A body each API must refuse with 400 (a field of the wrong type). */
export function badRequestBody(api: ClientApi, model: string): Record<string, unknown> {
  if (api === 'anthropic') return { model, max_tokens: 64, messages: 'conformance:text not a list' };
  if (api === 'chat') return { model, messages: 'conformance:text not a list' };
  return { model, input: 42 };
}

/** What the body must contain for the scenario to have happened. */
export function evidence(scenario: Scenario): string[] {
  switch (scenario) {
    case 'text':
      return [TEXT];
    case 'tool_call':
      return [TOOL.name, 'Paris'];
    case 'tool_result':
      return [TOOL_RESULT_ANSWER];
    case 'reasoning':
      return [REASONING, TEXT];
    default:
      return [];
  }
}

export const PATHS: Record<ClientApi, string> = { anthropic: '/v1/messages', chat: '/v1/chat/completions', responses: '/v1/responses' };
