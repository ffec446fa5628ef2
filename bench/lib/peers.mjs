/**
 * The peers ccproxy is compared with, installed into bench/peers/ (apart from the project's own
 * dependencies): how to install, start and address each. Workload request specs for a peer live
 * in setup.mjs under the peer's id.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNode } from './measure.mjs';
import { freePort } from './setup.mjs';

const PEERS_DIR = fileURLToPath(new URL('../peers', import.meta.url));

export const PEERS = [
  {
    id: 'portkey',
    label: 'Portkey gateway',
    version: '@portkey-ai/gateway 1.15.2',
    entry: 'node_modules/@portkey-ai/gateway/build/start-server.js',
    // Proxies /v1/messages to an Anthropic-style upstream named per request.
    headers: (upstream) => ({ 'x-portkey-provider': 'anthropic', 'x-portkey-custom-host': `${upstream}/v1`, 'x-api-key': 'sk-ant-bench-key' }),
    async start(entry, { port }) {
      return startNode([entry, `--port=${port}`, '--headless'], { env: { NODE_ENV: 'production' }, readyUrl: `http://127.0.0.1:${port}/` });
    },
  },
  {
    id: 'ccr',
    label: 'claude-code-router',
    version: '@musistudio/claude-code-router 1.0.73',
    entry: 'node_modules/@musistudio/claude-code-router/dist/cli.js',
    headers: () => ({}),
    // Its config lives in $HOME/.claude-code-router/config.json. Provider `anth` passes Anthropic
    // Messages through (its "Anthropic" transformer); provider `resp` converts to the Responses API
    // (its "openai-responses" transformer), picked per request with `"model": "resp,<model>"`.
    async start(entry, { port, upstream, tmp }) {
      const home = path.join(tmp, 'ccr-home');
      mkdirSync(path.join(home, '.claude-code-router'), { recursive: true });
      writeFileSync(path.join(home, '.claude-code-router', 'config.json'), JSON.stringify({
        LOG: false,
        HOST: '127.0.0.1',
        PORT: port,
        NON_INTERACTIVE_MODE: true,
        Providers: [
          { name: 'anth', api_base_url: `${upstream}/v1/messages`, api_key: 'sk-ant-bench-key', models: ['claude-sonnet-4-6', 'bench-slow'], transformer: { use: ['Anthropic'] } },
          { name: 'resp', api_base_url: `${upstream}/backend-api/codex/responses`, api_key: 'sk-bench', models: ['gpt-5.5'], transformer: { use: ['openai-responses'] } },
        ],
        Router: { default: 'anth,claude-sonnet-4-6' },
      }));
      return startNode([entry, 'start'], { env: { HOME: home, NODE_ENV: 'production' }, readyUrl: `http://127.0.0.1:${port}/health` });
    },
  },
];

/** Peers whose package is installed (running `npm install` in bench/peers/ once if one is missing). */
export function installedPeers(log) {
  const present = () => PEERS.filter((p) => existsSync(path.join(PEERS_DIR, p.entry)));
  if (present().length < PEERS.length) {
    log('installing peers into bench/peers (npm install)...');
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: PEERS_DIR, stdio: 'inherit' });
    if (r.status !== 0) log('peer install failed: running with the peers that are present');
  }
  return present();
}

/** Start one peer on a free port; null (logged) when it does not come up. */
export async function startPeer(peer, { upstream, tmp, log }) {
  const port = await freePort();
  try {
    const server = await peer.start(path.join(PEERS_DIR, peer.entry), { port, upstream, tmp });
    return { ...server, base: `http://127.0.0.1:${port}`, headers: peer.headers(upstream) };
  } catch (err) {
    log(`${peer.label} did not start: ${err.message.split('\n')[0]}`);
    return null;
  }
}

/**
 * The peers of one bench run: started once, restarted when one died on an earlier cell (so one
 * crash does not void the rest of its row), each crash logged with its error line and kept.
 */
export class RunningPeers {
  list = [];
  #stopping = false;

  constructor({ upstream, tmp, log }) {
    this.ctx = { upstream, tmp, log };
  }

  async start(peers) {
    for (const p of peers) {
      const peer = { ...p, crashes: [], server: null };
      if (await this.#launch(peer)) this.list.push(peer);
    }
  }

  get(id) {
    return this.list.find((p) => p.id === id);
  }

  /** Restart `id` if it is a peer whose process has exited; no-op for anything else. */
  async ensureUp(id) {
    const p = this.get(id);
    if (p && p.server.child.exitCode !== null) await this.#launch(p);
  }

  async stopAll(stop) {
    this.#stopping = true;
    await Promise.all(this.list.map((p) => stop(p.server)));
  }

  async #launch(p) {
    const server = await startPeer(p, this.ctx);
    if (!server) return false;
    let stderr = '';
    server.child.stderr.on('data', (c) => (stderr = (stderr + c).slice(-4000)));
    server.child.on('exit', (code, signal) => {
      if (this.#stopping) return;
      const line = stderr.trim().split('\n').find((l) => /^[A-Za-z]*Error\b/.test(l.trim()));
      p.crashes.push(line?.trim().slice(0, 200) ?? `exit ${signal ?? code}`);
      this.ctx.log(`${p.label} exited (${signal ?? code}): ${p.crashes.at(-1)}`);
    });
    p.server = server;
    return true;
  }
}
