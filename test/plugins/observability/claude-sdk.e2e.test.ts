/**
 * claude_sdk with the access log and usage plugins on: real Agent SDK requests (the CLI spawned by
 * the plugin) against the fake Anthropic upstream leave an access-log line and a usage row each,
 * with the token numbers the fake reported, streams included.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Plugin as AccessLog } from '../../../src/plugins/access_log/plugin.js';
import { Plugin as Usage } from '../../../src/plugins/usage/plugin.js';
import { startSdkProxy, type SdkProxy } from '../claude_sdk/harness.js';

let p: SdkProxy;
let logFile: string;
let dir: string;
const USAGE = { input_tokens: 13, cache_read_input_tokens: 4096, cache_creation_input_tokens: 256, output_tokens: 21 };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-sdk-observe-'));
  logFile = path.join(dir, 'access.log');
  p = await startSdkProxy({}, {}, {
    plugins: [new AccessLog(), new Usage()],
    config: { access_log: { path: logFile }, usage: { path: path.join(dir, 'usage.db') } },
  });
  p.fake.script = () => ({ kind: 'message', content: [{ type: 'text', text: 'Counted answer.' }], usage: USAGE });
  for (const stream of [false, true]) {
    const res = await fetch(`${p.base}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': `sdk-observe-${stream}` },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, stream, messages: [{ role: 'user', content: 'count me' }] }),
    });
    expect(res.status, await res.text()).toBe(200);
  }
});

afterAll(async () => {
  await p?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

async function lines(): Promise<Array<Record<string, unknown>>> {
  const text = await fs.readFile(logFile, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('observability through claude_sdk', () => {
  it('writes one access-log line per request with the fake\'s token numbers, stream included', async () => {
    await expect.poll(async () => (await lines()).length).toBe(2);
    const byId = new Map((await lines()).map((l) => [l.request_id, l]));
    for (const stream of [false, true]) {
      const line = byId.get(`sdk-observe-${stream}`);
      expect(line).toMatchObject({ provider: 'claude_sdk', status: 200, stream });
      expect(JSON.stringify(line)).not.toContain('Counted answer');
      expect(line).toMatchObject({ input_tokens: 13, cache_read_tokens: 4096, cache_write_tokens: 256, output_tokens: 21 });
    }
  });

  it('records both requests in the usage database', async () => {
    await expect.poll(async () => {
      const doc = (await (await fetch(`${p.url}/usage?group_by=provider&since=1d`)).json()) as { rows: Array<Record<string, unknown>> };
      return doc.rows.find((r) => r.key === 'claude_sdk');
    }).toMatchObject({ requests: 2, input_tokens: 26, cache_read_tokens: 8192, cache_write_tokens: 512, output_tokens: 42 });
  });
});
