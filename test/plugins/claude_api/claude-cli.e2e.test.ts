/**
 * The real Claude Code CLI (devDependency) as the client of /claude, with the proxy holding OAuth
 * credentials and a fake Anthropic API behind it: a plain answer, then a Bash tool round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startHarness, VALID_TOKEN, type Harness } from './harness.js';
import { runClaude } from './cli-helpers.js';
import { isMainRequest, requestText, text, toolUse } from '../../fakes/anthropic-upstream.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

function assertProxied(): void {
  expect(h.upstream.leakedClientKey).toBe(false);
  expect(h.upstream.refusals).toEqual([]);
  for (const r of h.upstream.messageRequests) {
    expect(r.headers.authorization).toBe(`Bearer ${VALID_TOKEN}`);
    expect(String(r.headers['anthropic-beta'])).toContain('oauth-2025-04-20');
    expect(JSON.stringify(r.body.system ?? '')).not.toContain('x-anthropic-billing-header');
  }
}

describe('Claude Code CLI → /claude', () => {
  it('prints the answer', async () => {
    const answer = `ANSWER-${randomBytes(4).toString('hex')}`;
    h.upstream.requests.length = 0;
    h.upstream.script = (r) => (isMainRequest(r) ? text(`The answer is ${answer}.`) : text('ok'));
    const run = await runClaude(h.base, 'Say the answer.');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout).toContain(answer);
    expect(h.upstream.messageRequests.some(isMainRequest)).toBe(true);
    // Claude Code's own identity already opens its system prompt: nothing was prepended.
    const main = h.upstream.messageRequests.find(isMainRequest)!;
    const system = main.body.system as Array<{ text: string }>;
    expect(system[0]!.text).toBe("You are a Claude agent, built on Anthropic's Claude Agent SDK.");
    expect(String(main.headers['user-agent'])).toMatch(/^claude-cli\//);
    assertProxied();
  });

  it('runs a Bash tool call and sends the result back', async () => {
    const marker = `MARK-${randomBytes(5).toString('hex')}`;
    const final = `DONE-${randomBytes(4).toString('hex')}`;
    h.upstream.requests.length = 0;
    h.upstream.script = (r) => {
      if (!isMainRequest(r)) return text('ok');
      if (requestText(r).includes('tool_result') && requestText(r).includes(marker)) return text(`The command printed the marker. ${final}`);
      return toolUse('Bash', { command: `echo ${marker}`, description: 'Print the marker' }, 'Running the command.');
    };
    const run = await runClaude(h.base, 'Run the marker command with Bash and tell me what it printed.');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout).toContain(final);
    const withResult = h.upstream.mainRequests.find((r) => requestText(r).includes('tool_result'));
    expect(withResult, 'a request carrying the tool_result').toBeDefined();
    const messages = withResult!.body.messages as Array<{ role: string; content: unknown }>;
    const results = messages.flatMap((m) => (Array.isArray(m.content) ? m.content : [])).filter((b) => (b as { type?: string }).type === 'tool_result');
    expect(JSON.stringify(results)).toContain(marker);
    assertProxied();
  });
});
