/**
 * Every conversion of an upstream's answer, fed every broken variant of a valid one (each spot of
 * the body, or of each stream event, replaced by null, another JSON type, an odd number, or left
 * out): the result is a converted answer, or the upstream's fault, a 502 that says the answer was
 * unreadable, or (once a stream has started) the client API's error event. Never another
 * exception (a 500 at the HTTP layer), and never the answer's text in an error message.
 */
import { describe, expect, it } from 'vitest';
import type { ApiFormat } from '../../src/core/adapter.js';
import { ProxyError } from '../../src/core/errors.js';
import { accumulateStream, convertResponse, convertStream, serializeSseStream } from '../../src/formats/index.js';
import { SECRET_MARKER, breakages, validAnswer, type Json } from '../fakes/malformed-answers.js';

const APIS: ApiFormat[] = ['anthropic', 'chat', 'responses'];

const CLIENT_REQUEST: Record<ApiFormat, Record<string, unknown>> = {
  anthropic: { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'lookup', input_schema: { type: 'object' } }] },
  chat: { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true }, tools: [{ type: 'function', function: { name: 'lookup' } }] },
  responses: { model: 'm', input: 'hi', tools: [{ type: 'function', name: 'lookup', parameters: {} }] },
};

/** A problem with how a thrown error reached the client, if any. */
function thrownProblem(err: unknown): string | undefined {
  if (!(err instanceof ProxyError)) return `threw ${String(err)}`;
  if (err.message.includes(SECRET_MARKER)) return `error repeats the answer's text: ${err.message}`;
  if (err.status === 502 && !/unreadable|ended|interrupted/i.test(err.message)) return `502 without saying why: ${err.message}`;
  return undefined;
}

async function* eventsOf(events: Json[]): AsyncIterable<Record<string, unknown>> {
  // As parseSseStream hands them on: it turns data that is not a JSON object into an error event.
  for (const e of events) yield (e !== null && typeof e === 'object' && !Array.isArray(e) ? structuredClone(e) : { type: 'error', error: { type: 'api_error', message: 'not an object' } }) as Record<string, unknown>;
}

/** Runs a client's stream pipeline to the end; a problem, if any. */
async function streamProblem(from: ApiFormat, to: ApiFormat, events: Json[]): Promise<string | undefined> {
  const out: string[] = [];
  try {
    for await (const text of serializeSseStream(to, convertStream(from, to, eventsOf(events), { model: 'm', clientRequest: CLIENT_REQUEST[to] }))) out.push(text);
  } catch (err) {
    if (out.length > 0) return `threw after ${out.length} events: ${String(err)}`;
    return thrownProblem(err);
  }
  for (const text of out) {
    for (const line of text.split('\n')) {
      if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
      const data = JSON.parse(line.slice(6)) as Record<string, unknown>;
      const error = data.type === 'error' || data.error !== undefined || data.type === 'response.failed';
      if (error && line.includes(SECRET_MARKER)) return `error event repeats the answer's text: ${line}`;
    }
  }
  return undefined;
}

describe('broken upstream answers through every conversion', () => {
  for (const from of APIS) {
    it(`${from} responses → the other APIs`, () => {
      const problems: string[] = [];
      for (const b of breakages(validAnswer(from, false, 'm'), false)) {
        for (const to of APIS.filter((a) => a !== from)) {
          try {
            JSON.stringify(convertResponse(from, to, b.answer as Record<string, unknown>, { model: 'm', clientRequest: CLIENT_REQUEST[to] }));
          } catch (err) {
            const p = thrownProblem(err);
            if (p) problems.push(`${from}→${to} ${b.label}: ${p}`);
          }
        }
      }
      expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([]);
    });

    it(`${from} streams → the other APIs`, async () => {
      const problems: string[] = [];
      for (const b of breakages(validAnswer(from, true, 'm'), true)) {
        for (const to of APIS.filter((a) => a !== from)) {
          const p = await streamProblem(from, to, b.answer as Json[]);
          if (p) problems.push(`${from}→${to} ${b.label}: ${p}`);
        }
      }
      expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([]);
    });

    it(`${from} streams accumulated for non-stream clients`, async () => {
      const problems: string[] = [];
      for (const b of breakages(validAnswer(from, true, 'm'), true)) {
        let full: Record<string, unknown>;
        try {
          full = await accumulateStream(from, eventsOf(b.answer as Json[]));
        } catch (err) {
          const p = thrownProblem(err);
          if (p) problems.push(`accumulate ${from} ${b.label}: ${p}`);
          continue;
        }
        for (const to of APIS.filter((a) => a !== from)) {
          try {
            JSON.stringify(convertResponse(from, to, full, { model: 'm', clientRequest: CLIENT_REQUEST[to] }));
          } catch (err) {
            const p = thrownProblem(err);
            if (p) problems.push(`accumulate ${from}→${to} ${b.label}: ${p}`);
          }
        }
      }
      expect(problems.slice(0, 20), `${problems.length} problems`).toEqual([]);
    });
  }
});
