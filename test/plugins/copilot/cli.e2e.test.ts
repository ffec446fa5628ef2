/**
 * The real CLIs on /copilot with the fake GitHub + Copilot server behind it (issue 22):
 *  - Claude Code (`ANTHROPIC_BASE_URL=<proxy>/copilot`): a Bash tool round trip; the upstream asks
 *    for `Bash` with a marker command, the next request carries its output;
 *  - Codex (`base_url = <proxy>/copilot/v1`, wire_api responses): an `exec_command` round trip.
 * The fake checks the Copilot token and the editor headers on every request; the CLIs' dummy keys
 * never reach it.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CopilotRecorded } from '../../fakes/copilot.js';
import type { FakeTurn } from '../../fakes/openai-compatible.js';
import { runClaude, runCodex } from '../claude_api/cli-helpers.js';
import { startCopilotHarness, type CopilotHarness } from './harness.js';

let h: CopilotHarness;
let respond: (r: CopilotRecorded) => FakeTurn = () => ({ text: 'ok' });

beforeAll(async () => {
  h = await startCopilotHarness();
  h.fake.respond = (r) => respond(r);
});
afterAll(async () => {
  await h?.close();
});

type Message = { role: string; content: unknown };
const messages = (r: CopilotRecorded): Message[] => (r.body.messages ?? []) as Message[];
const hasTools = (r: CopilotRecorded): boolean => Array.isArray(r.body.tools) && r.body.tools.length > 0;
const toolOutput = (r: CopilotRecorded): string => messages(r).filter((m) => m.role === 'tool').map((m) => JSON.stringify(m.content)).join('');

/** Every Copilot call carried a live Copilot token and the editor headers, never a client's key. */
function assertCopilotCalls(): void {
  expect(h.fake.chatRequests.length).toBeGreaterThan(0);
  for (const r of h.fake.chatRequests) {
    expect(h.fake.live.has(String(r.headers.authorization).replace(/^Bearer /, ''))).toBe(true);
    expect(r.headers['editor-version']).toBeTruthy();
    expect(r.headers['copilot-integration-id']).toBeTruthy();
  }
  expect(h.fake.leakedClientKey).toBe(false);
}

/** The scripted upstream: a tool call with a marker command, then an answer once its output came back. */
function toolRoundTrip(tool: string, args: (marker: string) => Record<string, unknown>): { final: string; marker: string } {
  const marker = `MARK-${randomBytes(5).toString('hex')}`;
  const final = `DONE-${randomBytes(4).toString('hex')}`;
  respond = (r) => {
    if (!hasTools(r)) return { text: 'ok' };
    if (toolOutput(r).includes(marker)) return { text: `The command printed the marker. ${final}` };
    return { text: 'Running it.', toolCalls: [{ name: tool, arguments: args(marker) }] };
  };
  return { final, marker };
}

describe('Claude Code CLI → /copilot', () => {
  it('runs a Bash tool call and sends the result back', async () => {
    const { final, marker } = toolRoundTrip('Bash', (m) => ({ command: `echo ${m}`, description: 'Print the marker' }));
    const before = h.fake.chatRequests.length;
    const run = await runClaude(`${h.proxy.url}/copilot`, 'Run the marker command with Bash and tell me what it printed.');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout, run.stderr).toContain(final);
    const main = h.fake.chatRequests.slice(before).filter(hasTools);
    expect(main.length).toBeGreaterThanOrEqual(2);
    // Claude Code's model name became a Copilot model through the model map.
    expect(String(main[0]!.body.model)).toMatch(/^claude-(sonnet|opus|haiku)-[\d.]+$/);
    expect(main.some((r) => toolOutput(r).includes(marker)), 'a request carrying the tool result').toBe(true);
    assertCopilotCalls();
  });
});

describe('Codex CLI → /copilot/v1', () => {
  it('runs exec_command and sends the output back', async () => {
    const { final, marker } = toolRoundTrip('exec_command', (m) => ({ cmd: `echo ${m}` }));
    const before = h.fake.chatRequests.length;
    const run = await runCodex(`${h.proxy.url}/copilot/v1`, 'Run the marker command', 'gpt-5-mini');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout + run.stderr).toContain(final);
    const mine = h.fake.chatRequests.slice(before);
    expect(mine[0]?.body.model).toBe('gpt-5-mini');
    expect(mine.some((r) => toolOutput(r).includes(marker)), 'a request carrying the command output').toBe(true);
    assertCopilotCalls();
  });
});
