/** Anthropic Messages → OpenAI Responses: requests, complete responses and stream events. */
import type { Direction } from '../direction.js';
import { anthropicToResponsesRequest } from './request.js';
import { anthropicToResponsesResponse } from './response.js';
import { anthropicToResponsesStream } from './stream.js';

export const direction: Direction = {
  request: anthropicToResponsesRequest,
  response: anthropicToResponsesResponse,
  stream: anthropicToResponsesStream,
};
