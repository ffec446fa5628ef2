/** OpenAI Chat Completions → OpenAI Responses: requests, complete responses and stream events. */
import type { Direction } from '../direction.js';
import { chatToResponsesRequest } from './request.js';
import { chatToResponsesResponse } from './response.js';
import { chatToResponsesStream } from './stream.js';

export const direction: Direction = {
  request: chatToResponsesRequest,
  response: chatToResponsesResponse,
  stream: chatToResponsesStream,
};
