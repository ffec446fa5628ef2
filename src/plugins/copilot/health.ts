/**
 * copilot health, from what the plugin already knows (never an upstream call per health request):
 * is there a GitHub token (and where from), the Copilot token's expiry, the last exchange and
 * models fetch, the plan the exchange named. warn: no GitHub token yet (not set up). fail: GitHub refused the
 * exchange (bad token, no subscription). warn also: the last exchange or models fetch failed otherwise.
 */
import type { HealthCheckResult } from '../../plugin.js';
import type { CopilotTokens } from './auth/copilot-token.js';
import type { GitHubToken } from './auth/github-token.js';
import type { CopilotAdapter } from './adapter.js';
import type { CopilotModels } from './models.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export function copilotHealth(github: GitHubToken | undefined, tokens: CopilotTokens, models: CopilotModels, adapter: CopilotAdapter, now = Date.now()): HealthCheckResult {
  const exchange = tokens.lastExchange;
  const held = tokens.held;
  const fetched = models.lastFetch;
  let status: HealthCheckResult['status'] = 'pass';
  let output: string | undefined;
  if (!github) {
    // Not set up is not broken (as for openai without a key): say what to run.
    status = 'warn';
    output = 'no GitHub token: run `ccproxy auth login copilot`';
  } else if (exchange && !exchange.ok) {
    status = exchange.status === 401 || exchange.status === 403 || exchange.status === 404 ? 'fail' : 'warn';
    output = `Copilot token exchange failed: ${exchange.error ?? `HTTP ${exchange.status}`}`;
  } else if (fetched && !fetched.ok) {
    status = 'warn';
    output = `models fetch failed: ${fetched.error ?? `HTTP ${fetched.status}`}`;
  }
  const last = adapter.stats.lastResponse;
  return {
    status,
    componentId: 'copilot',
    componentType: 'provider',
    time: iso(now),
    ...(output ? { output } : {}),
    details: {
      github_token: github ? { present: true, source: github.source } : { present: false },
      copilot_token: held
        ? { expires_at: iso(held.expiresAt), expires_in_s: Math.round((held.expiresAt - now) / 1000), expiring: held.expiresAt - now < 5 * 60_000, api: held.apiBase }
        : null,
      plan: held?.plan ?? null,
      last_exchange: exchange ? { ok: exchange.ok, at: iso(exchange.at), ...(exchange.status ? { status: exchange.status } : {}), ...(exchange.error ? { error: exchange.error } : {}) } : null,
      models: fetched ? { ok: fetched.ok, at: iso(fetched.at), ...(fetched.count !== undefined ? { count: fetched.count } : {}), ...(fetched.error ? { error: fetched.error } : {}) } : null,
      last_upstream: last ? { status: last.status, at: iso(last.at) } : null,
    },
  };
}
