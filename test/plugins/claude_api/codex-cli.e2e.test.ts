/**
 * The real Codex CLI (devDependency) as a client of /claude/v1 through the Responses API, with a
 * fake Anthropic API behind the proxy: a plain answer, then an `exec_command` tool round trip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startHarness, VALID_TOKEN, type Harness } from './harness.js';
import { runCodex } from './cli-helpers.js';
import { requestText, text, toolUse } from '../../fakes/anthropic-upstream.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  h.upstream.clientKeys.add('sk-codex-client-dummy');
});
afterAll(async () => {
  await h?.close();
});

describe('Codex CLI → /claude/v1 (Responses)', () => {
  it('prints the answer', async () => {
    const answer = `ANSWER-${randomBytes(4).toString('hex')}`;
    h.upstream.requests.length = 0;
    h.upstream.script = () => text(`The answer is ${answer}.`);
    const run = await runCodex(`${h.base}/v1`, 'Say the answer.', 'gpt-5');
    expect(run.timedOut, run.stderr.slice(-2000)).toBe(false);
    expect(run.stdout + run.stderr).toContain(answer);
    const up = h.upstream.messageRequests[0]!;
    expect(up.headers.authorization).toBe(`Bearer ${VALID_TOKEN}`);
    expect(up.body.model).toBe('claude-sonnet-4-6');
    expect(h.upstream.leakedClientKey).toBe(false);
  });

  it('runs exec_command and sends the output back', async () => {
    const marker = `MARK-${randomBytes(5).toString('hex')}`;
    const final = `DONE-${randomBytes(4).toString('hex')}`;
    h.upstream.requests.length = 0;
    h.upstream.script = (r) => {
      const t = requestText(r);
      if (t.includes('tool_result') && t.includes(marker)) return text(`The command printed the marker. ${final}`);
      return toolUse('exec_command', { cmd: `echo ${marker}` });
    };
    const run = await runCodex(`${h.base}/v1`, 'Run the marker command and report its output.', 'gpt-5');
    expect(run.timedOut, run.stderr.slice(-2000)).toBe(false);
    expect(run.stdout + run.stderr).toContain(final);
    const withResult = h.upstream.messageRequests.find((r) => requestText(r).includes('tool_result'));
    expect(withResult, 'a request carrying the tool_result').toBeDefined();
    expect(requestText(withResult!)).toContain(marker);
    expect(h.upstream.leakedClientKey).toBe(false);
  });
});
