/**
 * One call to the Anthropic API with our credential: picks OAuth or API key, builds the headers,
 * lets the caller shape the body per credential (identity injection is OAuth-only), retries once
 * after refreshing on a 401, and records the outcome for health (no extra paid calls: health only
 * ever looks at what real requests saw).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { upstreamRequest, UpstreamError, type AbortSignalLike, type UpstreamResponse, type AccountPool } from '../../plugin.js';
import type { ClaudeTokenSource, UpstreamCredential } from './auth/token-source.js';
import type { ClaudeApiConfig } from './config.js';
import type { ClaudeDetector } from './detection.js';
import { buildUpstreamHeaders } from './headers.js';

export const PLUGIN_NAME = 'claude_api';

export interface UpstreamStats {
  lastStatus?: number;
  lastAt?: string;
  lastError?: string;
  /** Last successful upstream response, ISO time. */
  lastOkAt?: string;
}

export interface CallOptions {
  /** `/v1/messages` or `/v1/messages/count_tokens`. */
  path: string;
  /** Client headers to forward (native route), or null. */
  clientHeaders: IncomingHttpHeaders | null;
  stream: boolean;
  /** Body bytes for a given credential. */
  body: (cred: UpstreamCredential) => Buffer;
  signal?: AbortSignalLike;
  /** The conversation's affinity key (computed only when there are several accounts). */
  affinity?: () => string | undefined;
}

/**
 * Records epoch ms per request and formats ISO times only when health asks: two
 * `new Date().toISOString()` per request showed up in the profile of the small-body workload.
 */
class RecordedStats implements UpstreamStats {
  lastStatus?: number;
  lastError?: string;
  lastAtMs?: number;
  lastOkAtMs?: number;
  get lastAt(): string | undefined {
    return this.lastAtMs === undefined ? undefined : new Date(this.lastAtMs).toISOString();
  }
  get lastOkAt(): string | undefined {
    return this.lastOkAtMs === undefined ? undefined : new Date(this.lastOkAtMs).toISOString();
  }
}

function isUnauthorized(err: unknown): boolean {
  return err instanceof UpstreamError && err.status === 401;
}

export class ClaudeUpstream {
  readonly stats: RecordedStats = new RecordedStats();
  constructor(
    private readonly config: ClaudeApiConfig,
    readonly pool: AccountPool<ClaudeTokenSource>,
    private readonly detector: ClaudeDetector,
    private readonly dispatcher: Dispatcher,
  ) {
    this.base = config.base_url.replace(/\/+$/, '');
  }

  private readonly base: string;

  /**
   * `account` names the pool account that served when there are several (undefined for the single
   * account of a plain setup, whose events stay as they were).
   */
  async call(opts: CallOptions): Promise<UpstreamResponse & { upstreamMs: number; account?: string }> {
    const started = performance.now();
    try {
      const { result: res, account } = await this.pool.run(opts.affinity, (member) => member.value.withCredential(
        (cred) => this.once(opts, cred),
        isUnauthorized,
      ));
      const stats = this.stats;
      stats.lastStatus = res.status;
      stats.lastAtMs = stats.lastOkAtMs = Date.now();
      stats.lastError = undefined;
      return { status: res.status, headers: res.headers, body: res.body, upstreamMs: performance.now() - started, ...(this.pool.pooled ? { account } : {}) };
    } catch (err) {
      this.stats.lastAtMs = Date.now();
      this.stats.lastStatus = err instanceof UpstreamError ? err.status : undefined;
      this.stats.lastError = err instanceof Error ? err.message : String(err);
      throw err;
    }
  }

  private once(opts: CallOptions, cred: UpstreamCredential): Promise<UpstreamResponse> {
    const headers = buildUpstreamHeaders({
      client: opts.clientHeaders,
      credential: cred,
      detected: this.detector.current().headers,
      anthropicVersion: this.config.anthropic_version,
      stream: opts.stream,
    });
    // Claude Code calls `?beta=true`; subscription traffic should look the same.
    const query = cred.kind === 'oauth' ? '?beta=true' : '';
    return upstreamRequest({
      dispatcher: this.dispatcher,
      url: `${this.base}${opts.path}${query}`,
      method: 'POST',
      headers,
      body: opts.body(cred),
      signal: opts.signal,
      plugin: PLUGIN_NAME,
    });
  }
}
