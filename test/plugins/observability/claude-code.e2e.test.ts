/**
 * One real Claude Code run through /claude with the access log and usage plugins on: each of its
 * requests leaves an access-log line and a usage row with the token numbers the fake reported.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMainRequest, text } from '../../fakes/anthropic-upstream.js';
import { runClaude } from '../claude_api/cli-helpers.js';
import { startObserved, type ObservedProxy } from './harness.js';

let h: ObservedProxy;
beforeAll(async () => {
  h = await startObserved(['access_log', 'usage']);
});
afterAll(async () => {
  await h?.close();
});

describe('Claude Code through the proxy, observed', () => {
  it('leaves a log line and a usage row for its main request, with the fake\'s token numbers', async () => {
    h.anthropic.script = (r) => (isMainRequest(r)
      ? { kind: 'message', content: [{ type: 'text', text: 'Observed answer.' }], usage: { input_tokens: 321, output_tokens: 54, cache_read_input_tokens: 1000, cache_creation_input_tokens: 77 } }
      : text('ok'));
    const run = await runClaude(`${h.proxy.url}/claude`, 'Say something.');
    expect(run.timedOut, run.stderr).toBe(false);
    expect(run.stdout).toContain('Observed answer.');

    const logFile = path.join(h.env.XDG_STATE_HOME, 'ccproxy', 'access.log');
    const main = async (): Promise<Record<string, unknown> | undefined> => (await fs.readFile(logFile, 'utf8').catch(() => ''))
      .split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.input_tokens === 321);
    await expect.poll(main).toBeDefined();
    expect(await main()).toMatchObject({ provider: 'claude_api', api: 'anthropic', client: 'claude-cli', status: 200, cache_read_tokens: 1000, cache_write_tokens: 77, output_tokens: 54 });

    const doc = await (await fetch(`${h.proxy.url}/usage?group_by=client&client=claude-cli`)).json() as { rows: Array<Record<string, unknown>> };
    expect(doc.rows[0]).toMatchObject({ key: 'claude-cli' });
    expect(Number(doc.rows[0]!.input_tokens)).toBeGreaterThanOrEqual(321);
    expect(Number(doc.rows[0]!.cost_usd)).toBeGreaterThan(0);
  });
});
