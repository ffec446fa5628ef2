/** OpenAI Responses → Anthropic Messages: requests, complete responses and stream events. */
import type { Direction } from '../direction.js';
import { responsesToAnthropicRequest } from './request.js';
import { responsesToAnthropicResponse } from './response.js';
import { responsesToAnthropicStream } from './stream.js';

export const direction: Direction = {
  request: responsesToAnthropicRequest,
  response: responsesToAnthropicResponse,
  stream: responsesToAnthropicStream,
};
