/** OpenAI Responses → OpenAI Chat Completions: requests, complete responses and stream events. */
import type { Direction } from '../direction.js';
import { responsesToChatRequest } from './request.js';
import { responsesToChatResponse } from './response.js';
import { responsesToChatStream } from './stream.js';

export const direction: Direction = {
  request: responsesToChatRequest,
  response: responsesToChatResponse,
  stream: responsesToChatStream,
};
