/**
 * The Copilot token through the real proxy: one exchange for twenty concurrent requests that find
 * it expiring, and one for twenty that get a 401 because GitHub stopped accepting it early.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCopilotHarness, type CopilotHarness } from './harness.js';

let h: CopilotHarness;
beforeAll(async () => {
  h = await startCopilotHarness();
  h.fake.exchangeDelayMs = 50;
});
afterAll(async () => {
  await h?.close();
});

const ask = (): Promise<unknown> =>
  new OpenAI({ baseURL: `${h.proxy.url}/copilot/v1`, apiKey: 'sk-client-dummy', maxRetries: 0 }).chat.completions.create({ model: 'gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });

describe('Copilot token exchange', () => {
  it('20 concurrent requests with an expiring token → one exchange, all answered', async () => {
    h.fake.ttl = 60; // inside the 5-minute refresh margin: the next request must exchange again
    await ask();
    h.fake.ttl = 1800;
    const before = h.fake.exchanges;
    const results = await Promise.allSettled(Array.from({ length: 20 }, ask));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(h.fake.exchanges - before).toBe(1);
  });

  it('20 concurrent requests refused with 401 → one exchange, each request retried once and answered', async () => {
    await ask();
    h.fake.revokeAll();
    const before = h.fake.exchanges;
    const chats = h.fake.chatRequests.length;
    const results = await Promise.allSettled(Array.from({ length: 20 }, ask));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(h.fake.exchanges - before).toBe(1);
    expect(h.fake.chatRequests.length - chats).toBe(40);
  });

  it('a revoked GitHub token: a clear authentication error, not a 500', async () => {
    h.fake.revokeAll();
    h.fake.githubToken = 'gho_rotated_elsewhere_0000';
    const err = await ask().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as Error).message).toContain('ccproxy auth login copilot');
  });
});
