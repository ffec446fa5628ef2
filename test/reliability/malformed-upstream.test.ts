/**
 * Malformed upstream answers on converting routes are the upstream's fault: every spot of a valid
 * answer broken in turn (null, another JSON type, an odd number, a missing member), sent to every
 * route that converts it, on every provider that reads that API (claude_api: Anthropic; codex:
 * Responses streams; openai: Chat and Responses upstreams), streamed and not. The client gets the
 * answer converted (when the break is harmless), or a 502 in its own API's format saying the
 * upstream answered something unreadable, or (once its stream started) that API's error event.
 * Never a 500, never a credential-looking string from the answer in an error message.
 */
import { describe, expect, it } from 'vitest';
import { anthropicBody, chatBody, openaiOnBothFormats, post, type Reply, sseData, useFaultProxy } from './helpers.js';
import { SECRET_MARKER, breakages, frame, validAnswer, type Json, type UpstreamApi } from '../fakes/malformed-answers.js';

type ClientApi = 'anthropic' | 'chat' | 'responses';
const CLIENT_PATH: Record<ClientApi, string> = { anthropic: '/v1/messages', chat: '/v1/chat/completions', responses: '/v1/responses' };

const t = useFaultProxy({
  openai: openaiOnBothFormats,
});

interface Route {
  /** Provider prefix: `/claude`, `/codex`, `/openai`, `/openai/resp`. */
  prefix: string;
  client: ClientApi;
  stream: boolean;
  /** What the upstream answers this route with. */
  upstream: UpstreamApi;
  upstreamStreams: boolean;
}

const CLIENTS: ClientApi[] = ['anthropic', 'chat', 'responses'];
const ROUTES: Route[] = [];
for (const stream of [false, true]) {
  // claude_api converts Chat and Responses clients (Anthropic clients are a byte passthrough).
  for (const client of ['chat', 'responses'] as const) ROUTES.push({ prefix: '/claude', client, stream, upstream: 'anthropic', upstreamStreams: stream });
  for (const client of CLIENTS) {
    // The ChatGPT backend always streams; codex accumulates for non-stream clients.
    ROUTES.push({ prefix: '/codex', client, stream, upstream: 'responses', upstreamStreams: true });
    ROUTES.push({ prefix: '/openai', client, stream, upstream: 'chat', upstreamStreams: stream });
    ROUTES.push({ prefix: '/openai/resp', client, stream, upstream: 'responses', upstreamStreams: stream });
  }
}

function clientBody(route: Route, marker: string): Record<string, unknown> {
  if (route.client === 'anthropic') return anthropicBody(route.stream, { model: 'gpt-5.5', messages: [{ role: 'user', content: marker }] });
  if (route.client === 'chat') return { ...chatBody(route.stream), messages: [{ role: 'user', content: marker }] };
  return { model: 'gpt-5.5', stream: route.stream, input: marker };
}

/** The error message of an error body or event of `api`, if `value` is one. */
function errorMessage(api: ClientApi, value: unknown): string | undefined {
  const o = value as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') return undefined;
  if (api === 'responses' && o.type === 'error') return typeof o.message === 'string' ? o.message : '';
  if (api === 'responses' && o.type === 'response.failed') return String((o.response as { error?: { message?: unknown } })?.error?.message ?? '');
  const detail = o.error as { message?: unknown } | undefined;
  if (!detail || typeof detail !== 'object' || (api === 'anthropic' && o.type !== 'error')) return undefined;
  return typeof detail.message === 'string' ? detail.message : '';
}

/** What the client got is fine: converted, a 502 in its format, or its stream's error event. Returns a problem, if any. */
function problemWith(route: Route, reply: Reply): string | undefined {
  if (reply.status === 502) {
    let body: unknown;
    try {
      body = JSON.parse(reply.body);
    } catch {
      return `502 body is not JSON: ${reply.body.slice(0, 200)}`;
    }
    const message = errorMessage(route.client === 'responses' ? 'chat' : route.client, body);
    if (message === undefined) return `502 body is not a ${route.client} error: ${reply.body.slice(0, 200)}`;
    if (!/unreadable|ended/i.test(message)) return `502 message does not say what was wrong with the answer: ${message}`;
    if (message.includes(SECRET_MARKER)) return `502 message repeats the answer's text: ${message}`;
    return undefined;
  }
  if (reply.status !== 200) return `status ${reply.status}: ${reply.body.slice(0, 300)}`;
  if (!route.stream) {
    try {
      JSON.parse(reply.body);
    } catch {
      return `200 body is not JSON: ${reply.body.slice(0, 200)}`;
    }
    return undefined;
  }
  for (const data of sseData(reply.body)) {
    if (data === '[DONE]') continue;
    if (typeof data !== 'object') return `stream data is not JSON: ${String(data).slice(0, 200)}`;
    const message = errorMessage(route.client, data);
    if (message?.includes(SECRET_MARKER)) return `stream error event repeats the answer's text: ${message}`;
  }
  return undefined;
}

/** Runs `cases` with at most `width` requests in flight. */
async function inBatches<T>(cases: T[], width: number, run: (c: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < cases.length) await run(cases[next++]!);
  }));
}

/** Cases per route: a spread of each answer's breakages (test/formats/malformed-answers.test.ts runs them all). */
const PER_ROUTE = 24;

/** `PER_ROUTE` breakages spread over all of them, shifted per route so routes see different ones; the whole answer's first. */
function sample<T>(all: T[], routeIndex: number): T[] {
  const step = Math.max(1, Math.floor(all.length / PER_ROUTE));
  const out = all.slice(0, 4);
  for (let i = (routeIndex * 7) % step + 4; i < all.length && out.length < PER_ROUTE; i += step) out.push(all[i]!);
  return out;
}

describe('malformed upstream answers on converting routes', () => {
  const groups = new Map<string, Route[]>();
  for (const r of ROUTES) {
    const key = `${r.upstream} ${r.upstreamStreams ? 'stream' : 'body'}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }

  for (const [group, routes] of groups) {
    const [api, kind] = group.split(' ') as [UpstreamApi, string];
    const stream = kind === 'stream';
    it(`a broken ${api} ${stream ? 'stream' : 'answer'}: converted, 502 or the stream's error event, never a 500`, async () => {
      // Usage observers read the answer too: have someone listen.
      const unsubscribe = t.proxy.services.events.on('request.completed', () => {});
      const broken = breakages(validAnswer(api, stream, 'gpt-5.5'), stream);
      // The case rides in the client's prompt, which every converted request carries upstream.
      const answers = new Map<string, Json | Json[]>();
      t.upstream.fault = (req) => {
        const id = /case-\d+-\d+/.exec(JSON.stringify(req.body))?.[0];
        const answer = id ? answers.get(id) : undefined;
        return answer === undefined ? { kind: 'status', status: 400 } : { kind: 'raw', ...frame(api, stream, answer) };
      };
      const cases = routes.flatMap((route, r) => sample(broken, r).map((b, i) => ({ route, b, id: `case-${r}-${i}` })));
      for (const c of cases) answers.set(c.id, c.b.answer);
      const problems: string[] = [];
      let unreadable = 0;
      await inBatches(cases, 4, async ({ route, b, id }) => {
        const path = `${route.prefix}${CLIENT_PATH[route.client]}`;
        const reply = await post(`${t.proxy.url}${path}`, clientBody(route, id));
        if (reply.body.includes('Upstream answered something unreadable')) unreadable++;
        const problem = problemWith(route, reply);
        if (problem) problems.push(`${path} ${route.stream ? 'stream' : 'json'} | ${b.label} → ${problem}`);
      });
      unsubscribe();
      expect(problems.slice(0, 30), `${problems.length} of ${cases.length} cases`).toEqual([]);
      // The sample did break something badly enough to be refused (a 502, or the stream's error event).
      expect(unreadable).toBeGreaterThan(0);
    }, 120_000);
  }
});
