/**
 * SIGTERM with 100 streams in flight (a real ccproxy process running startProxy with claude_api):
 * every stream finishes, or ends with a clean error event, and the process exits 0.
 */
import { request as httpRequest, Agent } from 'node:http';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FaultUpstream, type Fault } from '../fakes/fault-upstream.js';
import { anthropicBody, CLAUDE_KEY, sseData, waitFor } from './helpers.js';
import { killChildren, startProxyChild } from './children.js';

afterEach(() => killChildren());

/** 100 streams of `fault`, SIGTERM once all have started; how many finished and how many ended in an error event. */
async function sigtermUnderLoad(shutdownTimeout: number, fault: Fault): Promise<{ finished: number; errored: number }> {
  {
    const upstream = await new FaultUpstream().start();
    upstream.fault = fault;
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-rel-shutdown-'));
    const agent = new Agent({ keepAlive: false, maxSockets: 200 });
    try {
      const proxy = await startProxyChild({
        server: { port: 0, shutdown_timeout: shutdownTimeout }, logging: { level: 'silent' }, enabled_plugins: ['claude_api'],
        plugins: { claude_api: { base_url: upstream.url, auth_type: 'api_key', api_key: CLAUDE_KEY, detection: { enabled: false, cache_dir: path.join(home, 'cache') } } },
      }, home);
      let started = 0;
      const streams = Array.from({ length: 100 }, () => new Promise<{ status: number; body: string; clean: boolean }>((resolve) => {
        const req = httpRequest(`${proxy.url}/claude/v1/messages`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
          let body = '';
          let counted = false;
          res.on('data', (c: Buffer) => {
            body += c.toString();
            if (!counted) {
              counted = true;
              started++;
            }
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, clean: true }));
          res.on('aborted', () => resolve({ status: res.statusCode ?? 0, body, clean: false }));
          res.on('error', () => resolve({ status: res.statusCode ?? 0, body, clean: false }));
        });
        req.on('error', () => resolve({ status: 0, body: '', clean: false }));
        req.end(JSON.stringify(anthropicBody(true)));
      }));
      await waitFor(() => started === 100, 'all 100 streams to start');
      proxy.child.kill('SIGTERM');
      const results = await Promise.all(streams);
      const exitCode = await proxy.exit;

      for (const r of results) {
        expect(r.status).toBe(200);
        expect(r.clean).toBe(true);
        const last = sseData(r.body).at(-1) as { type?: string };
        // Finished, or (if the grace period ran out) ended with the API's error event.
        expect(['message_stop', 'error']).toContain(last.type);
      }
      const finished = results.filter((r) => (sseData(r.body).at(-1) as { type?: string }).type === 'message_stop').length;
      expect(exitCode).toBe(0);
      await waitFor(() => upstream.activeRequests === 0, 'upstream responses to close');
      return { finished, errored: 100 - finished };
    } finally {
      agent.destroy();
      await upstream.close();
      await fs.rm(home, { recursive: true, force: true });
    }
  }
}

describe('graceful shutdown under load', () => {
  it('SIGTERM with 100 streams in flight: all finish, exit code 0', async () => {
    // ~1.5 s per stream, and a grace period far beyond it.
    expect(await sigtermUnderLoad(120, { kind: 'ok', deltas: 50, delayMs: 30 })).toEqual({ finished: 100, errored: 0 });
  });

  it('when the grace period runs out, the remaining streams end with an error event, exit code 0', async () => {
    // Streams that would never end on their own: every one is still open when the grace period ends.
    expect(await sigtermUnderLoad(0.3, { kind: 'stall', afterEvents: 3 })).toEqual({ finished: 0, errored: 100 });
  });
});
