/**
 * One call to the Anthropic API with our credential, through the core's upstream client: an
 * account of the pool, OAuth or API key from its token source (the client refreshes and retries
 * once on a 401), the headers built per credential, the body shaped per credential kind (identity
 * injection is OAuth-only), and the outcome recorded for health (no extra paid calls: health only
 * ever looks at what real requests saw).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { UpstreamStats, upstreamClient, type AbortSignalLike, type AccountPool, type RequestObserver, type UpstreamResponse } from '../../plugin.js';
import type { ClaudeTokenSource, UpstreamCredential } from './auth/token-source.js';
import type { ClaudeApiConfig } from './config.js';
import type { ClaudeDetector } from './detection.js';
import { buildUpstreamHeaders } from './headers.js';

export const PLUGIN_NAME = 'claude_api';

export interface CallOptions {
  /** `/v1/messages` or `/v1/messages/count_tokens`. */
  path: string;
  /** Client headers to forward (native route), or null. */
  clientHeaders: IncomingHttpHeaders | null;
  stream: boolean;
  /** Body bytes for a credential kind. */
  body: (kind: UpstreamCredential['kind']) => Buffer;
  signal?: AbortSignalLike;
  /** The conversation's affinity key (computed only when there are several accounts). */
  affinity?: () => string | undefined;
  /** Told about the response (`upstream.response`, with the account when there are several). */
  observer?: RequestObserver;
}

export class ClaudeUpstream {
  readonly stats = new UpstreamStats();
  private readonly base: string;

  constructor(
    private readonly config: ClaudeApiConfig,
    readonly pool: AccountPool<ClaudeTokenSource>,
    private readonly detector: ClaudeDetector,
    private readonly dispatcher: Dispatcher,
  ) {
    this.base = config.base_url.replace(/\/+$/, '');
  }

  /**
   * `account` names the pool account that served when there are several (undefined for the single
   * account of a plain setup, whose events stay as they were).
   */
  call(opts: CallOptions): Promise<UpstreamResponse & { account?: string }> {
    return upstreamClient(this.dispatcher).pooled(this.pool, { affinity: opts.affinity, stats: this.stats }, async (member) => {
      const source = await member.value.source();
      return {
        // Claude Code calls `?beta=true`; subscription traffic should look the same.
        url: `${this.base}${opts.path}${source.kind === 'oauth' ? '?beta=true' : ''}`,
        method: 'POST',
        headers: {},
        body: opts.body(source.kind),
        signal: opts.signal,
        plugin: PLUGIN_NAME,
        observer: opts.observer,
        credential: {
          source,
          apply: (credential: UpstreamCredential) => ({
            headers: buildUpstreamHeaders({
              client: opts.clientHeaders,
              credential,
              detected: this.detector.current().headers,
              anthropicVersion: this.config.anthropic_version,
              stream: opts.stream,
            }),
          }),
        },
      };
    });
  }
}
