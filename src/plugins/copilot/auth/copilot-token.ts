/**
 * The Copilot API token: exchanged from the GitHub token (`GET token_exchange_url`,
 * `authorization: token <github token>`), held in memory only, exchanged again `refresh_margin`
 * before it expires and after the API refused it (401). One exchange in flight at a time: twenty
 * requests that find it expired wait for the same exchange. The answer names the API base URL
 * (`endpoints.api`) and the plan (`sku`), which health reports.
 */
import { AuthError, UpstreamError, secrets, upstreamRequest, type CoreServices, type TokenSource } from '../../../plugin.js';
import { editorHeaders, type CopilotConfig } from '../config.js';
import type { GitHubToken } from './github-token.js';
import type { Logger } from 'pino';

export interface CopilotToken {
  token: string;
  /** ms since epoch. */
  expiresAt: number;
  apiBase: string;
  plan?: string;
}

/** A request to Copilot's API with `token`: the bearer, and the API base the exchange named. */
export function copilotAuth(token: CopilotToken, path: string): { headers: Record<string, string>; url: string } {
  return { headers: { authorization: `Bearer ${token.token}` }, url: `${token.apiBase}${path}` };
}

export interface ExchangeRecord {
  ok: boolean;
  at: number;
  status?: number;
  error?: string;
}

export interface CopilotTokenDeps {
  config: CopilotConfig;
  dispatcher: CoreServices['httpClient'];
  githubToken: () => Promise<GitHubToken | undefined>;
  now?: () => number;
  logger?: Pick<Logger, 'info'>;
}

const NOT_LOGGED_IN = 'No GitHub token for Copilot: run `ccproxy auth login copilot`, or set github_token / the COPILOT_GITHUB_TOKEN variable';

export class CopilotTokens implements TokenSource<CopilotToken> {
  private current: CopilotToken | null = null;
  private inflight: Promise<CopilotToken> | null = null;
  private readonly now: () => number;
  lastExchange: ExchangeRecord | null = null;
  /** Exchanges started by this process (health, tests). */
  exchanges = 0;

  constructor(private readonly deps: CopilotTokenDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The held token when it is still good for `refresh_margin`, without a promise (the hot path). */
  peek(): CopilotToken | null {
    const t = this.current;
    return t && t.expiresAt - this.deps.config.refresh_margin * 1000 > this.now() ? t : null;
  }

  /** A usable token: the held one (no promise on the hot path), or the result of the (single) exchange in flight. */
  token(): CopilotToken | Promise<CopilotToken> {
    return this.peek() ?? this.exchange();
  }

  /** The API refused `stale` (401): exchange again, unless someone already replaced it. */
  refresh(stale: CopilotToken): Promise<CopilotToken> {
    this.deps.logger?.info('Copilot refused its token (401): exchanging it again');
    if (this.current && this.current !== stale && this.peek()) return Promise.resolve(this.current);
    if (this.current === stale) this.current = null;
    return this.exchange();
  }

  get held(): CopilotToken | null {
    return this.current;
  }

  private exchange(): Promise<CopilotToken> {
    this.inflight ??= this.fetch().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async fetch(): Promise<CopilotToken> {
    const { config, dispatcher } = this.deps;
    this.exchanges++;
    try {
      const gh = await this.deps.githubToken();
      if (!gh) throw new AuthError(NOT_LOGGED_IN, { plugin: 'copilot' });
      const res = await upstreamRequest({
        dispatcher,
        url: config.token_exchange_url,
        method: 'GET',
        headers: { ...editorHeaders(config), accept: 'application/json', authorization: `token ${gh.token}` },
        signal: AbortSignal.timeout(30_000),
        plugin: 'copilot',
      });
      const body = (await res.body.json()) as Record<string, unknown> | null;
      const token = typeof body?.token === 'string' ? body.token : '';
      const expiresAt = typeof body?.expires_at === 'number' ? body.expires_at * 1000 : 0;
      if (!token || !expiresAt) throw new AuthError('The Copilot token exchange answered without a token or expiry', { plugin: 'copilot' });
      secrets.register(token);
      const endpoints = body?.endpoints as Record<string, unknown> | undefined;
      const apiBase = (typeof endpoints?.api === 'string' && /^https?:\/\//.test(endpoints.api) ? endpoints.api : config.api_base_url).replace(/\/+$/, '');
      const plan = typeof body?.sku === 'string' ? body.sku : undefined;
      this.current = { token, expiresAt, apiBase, ...(plan ? { plan } : {}) };
      this.lastExchange = { ok: true, at: this.now(), status: res.status };
      return this.current;
    } catch (err) {
      const status = err instanceof UpstreamError ? err.upstreamStatus : undefined;
      this.lastExchange = { ok: false, at: this.now(), ...(status ? { status } : {}), error: err instanceof Error ? err.message : String(err) };
      // GitHub says 401 for a revoked GitHub token and 403/404 for an account without Copilot.
      if (status === 401 || status === 403 || status === 404) {
        throw new AuthError(`GitHub refused the Copilot token exchange (HTTP ${status}): the GitHub token is invalid or the account has no Copilot subscription; run \`ccproxy auth login copilot\``, { plugin: 'copilot', cause: err });
      }
      throw err;
    }
  }
}
