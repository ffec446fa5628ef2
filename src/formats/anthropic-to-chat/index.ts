/** Anthropic Messages → OpenAI Chat Completions: requests, complete responses and stream events. */
import type { Direction } from '../direction.js';
import { anthropicToChatRequest } from './request.js';
import { anthropicToChatResponse } from './response.js';
import { anthropicToChatStream } from './stream.js';

export const direction: Direction = {
  request: anthropicToChatRequest,
  response: anthropicToChatResponse,
  stream: anthropicToChatStream,
};
