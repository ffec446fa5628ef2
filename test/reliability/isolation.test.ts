/**
 * Nothing one client sends can change what another gets. Two clients hold growing conversations
 * with different secrets (Claude Code-sized: the same tools and system prompt every turn, one more
 * turn each time), interleaved on the native, converting and codex routes; every upstream request
 * must carry its own client's content and nothing of the other's, before and after thousands of
 * other requests. Among them, an attacker who knows the system prompt B's client sends (every
 * Claude Code user sends the same one) sends it as a decoy next to a copy whose `cache_control:
 * null` reads `1e400` (a number JSON.stringify writes as null): B's body must still go upstream
 * exactly as it did on a fresh proxy, its four breakpoints intact.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { useFaultProxy } from './helpers.js';

const fault = useFaultProxy();
const agent = new Agent({ connections: 4 });
afterAll(async () => {
  await agent.close();
});

const ROUTES = ['/claude/v1/messages', '/claude/v1/chat/completions', '/codex/v1/messages', '/codex/v1/responses'] as const;
type Route = (typeof ROUTES)[number];

const tools = Array.from({ length: 12 }, (_, i) => ({
  name: `Tool${i}`,
  description: `Does thing ${i}. ${'Use it carefully — with “care”. '.repeat(40)}`,
  input_schema: { type: 'object', properties: { path: { type: 'string', description: 'A path' }, n: { type: 'number' } }, required: ['path'] },
}));
const system = [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.331.f79; cc_entrypoint=cli;' }, { type: 'text', text: `You are a coding agent. ${'Be precise. '.repeat(200)}` }];

/** One turn of a client's conversation in the route's API. */
function turnBody(route: Route, secret: string, turns: number): Record<string, unknown> {
  const messages: Array<{ role: string; content: string }> = [];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: 'user', content: `${secret} question ${t}: ${'context '.repeat(30)}` });
    messages.push({ role: 'assistant', content: `${secret} answer ${t}` });
  }
  messages.push({ role: 'user', content: `${secret} question ${turns}` });
  if (route === '/claude/v1/chat/completions') {
    return {
      model: 'claude-sonnet-4-6', stream: false,
      messages: [{ role: 'system', content: `${secret} system` }, ...messages],
      tools: tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema } })),
    };
  }
  if (route === '/codex/v1/responses') {
    return {
      model: 'gpt-5.5', stream: false, instructions: `${secret} instructions`,
      input: messages.map((m) => ({ type: 'message', role: m.role, content: m.content })),
      tools: tools.map((t) => ({ type: 'function', name: t.name, description: t.description, parameters: t.input_schema })),
    };
  }
  return { model: 'claude-sonnet-4-6', max_tokens: 64, stream: false, system: [...system, { type: 'text', text: `${secret} system` }], tools, messages, metadata: { user_id: secret } };
}

async function send(route: Route, body: Record<string, unknown> | string): Promise<{ status: number; upstream: unknown }> {
  const before = fault.upstream.requests.length;
  const res = await request(`${fault.proxy.url}${route}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  await res.body.text();
  const upstream = fault.upstream.requests.slice(before);
  expect(upstream.length).toBeLessThanOrEqual(1);
  return { status: res.statusCode, upstream: upstream[0]?.body };
}

/** A client's turn: answered, and its upstream request carries its secret and not `other`. */
async function expectOwnContent(route: Route, secret: string, other: string, turns: number): Promise<void> {
  const { status, upstream } = await send(route, turnBody(route, secret, turns));
  expect(status, route).toBe(200);
  const text = JSON.stringify(upstream);
  expect(text).toContain(secret);
  expect(text).not.toContain(other);
}

describe('two clients, one proxy', () => {
  it('each upstream request carries only its own client content, before and after thousands of other requests', async () => {
    const a = `SECRET-A-${randomUUID()}`;
    const b = `SECRET-B-${randomUUID()}`;
    // B's body on a fresh proxy: what the upstream gets for it, to compare with later. Its system
    // block's `cache_control: null` is no breakpoint; its four tool breakpoints are the most allowed.
    const publicSystem = [system[0], { ...system[1], cache_control: null }];
    const bTools = tools.map((t, i) => (i < 4 ? { ...t, cache_control: { type: 'ephemeral' } } : t));
    const bBody = JSON.stringify({ ...turnBody('/claude/v1/messages', b, 3), system: publicSystem, tools: bTools });
    const cold = await send('/claude/v1/messages', bBody);
    expect(cold.status).toBe(200);

    for (let turn = 0; turn < 6; turn++) {
      for (const route of ROUTES) {
        await expectOwnContent(route, a, b, turn);
        await expectOwnContent(route, b, a, turn);
      }
    }

    // Thousands of other requests, among them the attacker's decoys.
    const published = JSON.stringify(publicSystem);
    const decoy = `{"model":"claude-sonnet-4-6","max_tokens":64,"messages":[{"role":"user","content":"attacker"}],"decoy":{"system":${published}},` +
      `"system":${published.replace('"cache_control":null', '"cache_control":1e400')},"tools":${JSON.stringify(tools)}}`;
    for (let i = 0; i < 1500; i++) {
      const route = ROUTES[i % ROUTES.length]!;
      if (i % 3 === 0) expect((await send('/claude/v1/messages', decoy)).status).toBe(200);
      else if (i % 3 === 1) expect((await send(route, turnBody(route, `noise-${i}`, i % 3))).status).toBe(200);
      else expect((await send('/claude/v1/messages', `{"model":"m","max_tokens":1,"messages":[{"role":"user","content":[1e400,-0,1.0,"${i}"]}]}`)).status).toBe(200);
    }

    const warm = await send('/claude/v1/messages', bBody);
    expect(warm.status).toBe(200);
    expect(warm.upstream).toEqual(cold.upstream);
    expect(JSON.stringify(warm.upstream).match(/"cache_control":\{/g)).toHaveLength(4);
    for (let turn = 6; turn < 9; turn++) {
      for (const route of ROUTES) {
        await expectOwnContent(route, b, a, turn);
        await expectOwnContent(route, a, b, turn);
      }
    }
  }, 300_000);
});
