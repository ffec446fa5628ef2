/** Zod models of the three client APIs (requests, responses, stream events, error bodies). */
export * from './anthropic.js';
export * from './chat.js';
export * from './responses.js';
export * from './validate.js';
