/**
 * `ccproxy accounts`: every account of every provider with accounts, one line each: provider,
 * name, plan, token expiry (from its credentials), state, requests and tokens in the current window (from
 * the running proxy's /health, when it answers). Never a token.
 */
import type { AccountInfo, PluginAuthCommands, PluginConfig } from '../../core/plugin.js';
import { loadContext, type GlobalOptions } from '../context.js';
import { proxyTarget } from '../proxy-target.js';
import { table } from '../table.js';
import { readVersion } from '../version.js';
import { authContext } from './auth.js';

export interface AccountsOptions extends GlobalOptions {
  url?: string;
}

interface LiveAccount {
  name: string;
  state: string;
  until?: string;
  reason?: string;
  requests?: number;
  tokens?: number;
}

type Check = { status?: string; output?: string; details?: Record<string, unknown> & { accounts?: LiveAccount[] } };
type HealthDoc = { checks?: Record<string, Check[]> };

export async function accountsCommand(opts: AccountsOptions): Promise<void> {
  const { loaded, records } = await loadContext(opts);
  const target = proxyTarget(loaded.settings, opts.url, `ccproxy-accounts/${readVersion()}`);
  const health = await fetch(`${target.base}/health`, { headers: target.headers, signal: AbortSignal.timeout(5000) })
    .then(async (r) => (r.ok || r.status === 503 ? ((await r.json()) as HealthDoc) : null))
    .catch(() => null);
  const rows: string[][] = [];
  for (const record of [...records].sort((a, b) => a.name.localeCompare(b.name))) {
    if (record.state === 'disabled') continue;
    const auth = record.plugin?.auth as PluginAuthCommands<PluginConfig> | undefined;
    const check = health?.checks?.[`plugin:${record.name}`]?.[0];
    if (!auth?.accounts) {
      // Keys (openai): nothing to read offline; the running proxy lists them per instance.
      for (const [provider, live] of instanceAccounts(check)) rows.push([provider, live.name, 'api key', '-', state({ name: live.name }, live, check, true), count(live.requests), count(live.tokens)]);
      continue;
    }
    const { ctx, close } = await authContext(record, loaded, opts);
    let accounts: AccountInfo[];
    try {
      accounts = await auth.accounts(ctx);
    } finally {
      await close();
    }
    for (const a of accounts) {
      const live = check?.details?.accounts?.find((x) => x.name === a.name);
      rows.push([record.name, a.name, a.plan ?? '-', expiry(a.expiresAt), state(a, live, check, health !== null), count(live?.requests), count(live?.tokens)]);
    }
  }
  if (rows.length === 0) {
    process.stdout.write('No provider with accounts is enabled.\n');
    return;
  }
  process.stdout.write(table(['PROVIDER', 'ACCOUNT', 'PLAN', 'TOKEN EXPIRES', 'STATE', 'REQUESTS', 'TOKENS'], rows));
  if (!health) process.stdout.write(`(no ccproxy answering at ${target.base}: states are unknown; start it with \`ccproxy serve\`, or pass --url)\n`);
}

/** A plugin with instances (openai) reports each one's accounts under `details.<instance>.accounts`. */
function instanceAccounts(check: Check | undefined): Array<[string, LiveAccount]> {
  const out: Array<[string, LiveAccount]> = [];
  for (const [provider, d] of Object.entries(check?.details ?? {})) {
    const accounts = (d as { accounts?: unknown } | null)?.accounts;
    if (Array.isArray(accounts)) for (const a of accounts as LiveAccount[]) out.push([provider, a]);
  }
  return out;
}

function count(n: number | undefined): string {
  return n === undefined ? '-' : String(n);
}

function expiry(at: number | undefined): string {
  if (at === undefined) return '-';
  const min = Math.round((at - Date.now()) / 60_000);
  return min > 0 ? `in ${min} min` : `expired ${-min} min ago`;
}

function state(a: AccountInfo, live: LiveAccount | undefined, check: Check | undefined, running: boolean): string {
  if (a.problem) return `failing: ${a.problem}`;
  if (live) {
    if (live.state === 'cooling') return `cooling down until ${live.until}`;
    if (live.state === 'failing') return `failing: ${live.reason ?? 'credentials rejected'}`;
    return 'ready';
  }
  if (!running) return 'unknown';
  if (!check) return 'not running';
  // A single account: the provider's own health says it.
  return check.status === 'fail' ? `failing: ${check.output ?? ''}` : 'ready';
}
