/**
 * The real Claude Code CLI through a pool of two Claude accounts while one is cooling down: its
 * requests go to the other account, and a Bash tool round trip completes with no error shown.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Harness } from './harness.js';
import { runClaude } from './cli-helpers.js';
import { accountOf, rateLimited, startPool } from './pool-harness.js';
import { isMainRequest, requestText, text, toolUse } from '../../fakes/anthropic-upstream.js';

let h: Harness;
beforeAll(async () => {
  h = await startPool('round_robin');
});
afterAll(async () => {
  await h?.close();
});

describe('Claude Code CLI → /claude with a pool of two accounts, one cooling down', () => {
  it('completes a Bash tool round trip on the account that is ready', async () => {
    const marker = `MARK-${randomBytes(5).toString('hex')}`;
    const final = `DONE-${randomBytes(4).toString('hex')}`;
    h.upstream.script = (r) => {
      if (accountOf(r) === 'a') return rateLimited('600');
      if (!isMainRequest(r)) return text('ok');
      if (requestText(r).includes('tool_result') && requestText(r).includes(marker)) return text(`The command printed the marker. ${final}`);
      return toolUse('Bash', { command: `echo ${marker}`, description: 'Print the marker' }, 'Running the command.');
    };
    const run = await runClaude(h.base, 'Run the marker command with Bash and tell me what it printed.');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout).toContain(final);
    expect(run.stdout + run.stderr).not.toMatch(/rate limit|429/i);
    const used = h.upstream.messageRequests.map(accountOf);
    // a was asked once at most (its 429 put it in cooldown); b served the whole session.
    expect(used.filter((x) => x === 'a').length).toBeLessThanOrEqual(1);
    expect(h.upstream.mainRequests.filter((r) => accountOf(r) === 'b').some((r) => requestText(r).includes('tool_result'))).toBe(true);
  });
});
