/**
 * copilot health, from what the plugin already knows (never an upstream call per health request):
 * is there a GitHub token (and where from), the Copilot token's expiry, the last exchange and
 * models fetch, the plan the exchange named. warn: no GitHub token yet (not set up). fail: GitHub refused the
 * exchange (bad token, no subscription). warn also: the last exchange or models fetch failed otherwise.
 */
import { healthReport, lastResponseDetail, type HealthCheckResult, type HealthNote } from '../../plugin.js';
import type { CopilotTokens } from './auth/copilot-token.js';
import type { GitHubToken } from './auth/github-token.js';
import type { CopilotAdapter } from './adapter.js';
import type { CopilotModels } from './models.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export function copilotHealth(github: GitHubToken | undefined, tokens: CopilotTokens, models: CopilotModels, adapter: CopilotAdapter, now = Date.now()): HealthCheckResult {
  const exchange = tokens.lastExchange;
  const held = tokens.held;
  const fetched = models.lastFetch;
  const notes: HealthNote[] = [];
  if (!github) {
    // Not set up is not broken (as for openai without a key): say what to run.
    notes.push({ level: 'warn', message: 'no GitHub token: run `ccproxy auth login copilot`' });
  } else if (exchange && !exchange.ok) {
    const refused = exchange.status === 401 || exchange.status === 403 || exchange.status === 404;
    notes.push({ level: refused ? 'fail' : 'warn', message: `Copilot token exchange failed: ${exchange.error ?? `HTTP ${exchange.status}`}` });
  } else if (fetched && !fetched.ok) {
    notes.push({ level: 'warn', message: `models fetch failed: ${fetched.error ?? `HTTP ${fetched.status}`}` });
  }
  return healthReport({
    componentId: 'copilot',
    notes,
    now,
    details: {
      github_token: github ? { present: true, source: github.source } : { present: false },
      copilot_token: held
        ? { expires_at: iso(held.expiresAt), expires_in_s: Math.round((held.expiresAt - now) / 1000), expiring: held.expiresAt - now < 5 * 60_000, api: held.apiBase }
        : null,
      plan: held?.plan ?? null,
      last_exchange: exchange ? { ok: exchange.ok, at: iso(exchange.at), ...(exchange.status ? { status: exchange.status } : {}), ...(exchange.error ? { error: exchange.error } : {}) } : null,
      models: fetched ? { ok: fetched.ok, at: iso(fetched.at), ...(fetched.count !== undefined ? { count: fetched.count } : {}), ...(fetched.error ? { error: fetched.error } : {}) } : null,
      last_upstream: lastResponseDetail(adapter.stats.lastResponse),
    },
  });
}
