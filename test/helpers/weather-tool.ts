/**
 * The one tool the SDK-client tests call: `get_weather(city)`, declared for each client API, the
 * call a fake upstream makes, and the Messages round trip (tool_use, then the tool's answer).
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { FakeTurn } from '../fakes/openai-compatible.js';

/** The call the fake upstream makes: `get_weather({ city: 'Paris' })`. */
export const weather = { name: 'get_weather', arguments: { city: 'Paris' } };
export const weatherParams = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
export const chatTool = { type: 'function' as const, function: { name: 'get_weather', description: 'Weather', parameters: weatherParams } };
export const anthropicTool = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] } };

/** The question that starts the round trip. */
export const weatherQuestion: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };

/** Upstream script: calls the tool, and once the tool's answer ("18 degrees") is in the request, answers with it. */
export const weatherRoundTrip = (req: { body: Record<string, unknown> }): FakeTurn =>
  JSON.stringify(req.body).includes('18 degrees') ? { text: 'It is 18 degrees.' } : { text: 'Checking.', toolCalls: [weather] };

/** The second turn's messages: the question, the assistant's tool_use turn as received, and the tool's answer. */
export function weatherFollowUp(first: Anthropic.Message): Anthropic.MessageParam[] {
  const use = first.content.find((b) => b.type === 'tool_use');
  return [
    weatherQuestion,
    { role: 'assistant', content: first.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: use?.id ?? '', content: '18 degrees' }] },
  ];
}
