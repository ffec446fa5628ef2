/** OpenAI Chat Completions → Anthropic Messages: requests, complete responses and stream events. */
import type { Direction } from '../direction.js';
import { chatToAnthropicRequest } from './request.js';
import { chatToAnthropicResponse } from './response.js';
import { chatToAnthropicStream } from './stream.js';

export const direction: Direction = {
  request: chatToAnthropicRequest,
  response: chatToAnthropicResponse,
  stream: chatToAnthropicStream,
};
