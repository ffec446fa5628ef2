/**
 * A fake OAuth 2.0 token endpoint (refresh_token and authorization_code grants) for provider
 * auth tests. Accepts JSON (Anthropic) and form-encoded (OpenAI) bodies, records and counts every
 * call, issues fresh tokens (single-use refresh tokens, like the real servers), and can be told to
 * fail or to delay its answer (to widen race windows in concurrency tests).
 */
import type http from 'node:http';
import { LoopbackFake, parseJsonBody, readBody } from './loopback.js';

export interface TokenCall {
  contentType: string;
  params: Record<string, string>;
}

export interface FakeOAuthOptions {
  /** Extra fields in every token response (e.g. `id_token`, `account`). */
  extraResponse?: (call: TokenCall) => Record<string, unknown>;
  /** Seconds until issued access tokens expire (default 3600). */
  expiresIn?: number;
}

export class FakeOAuthServer extends LoopbackFake {
  readonly calls: TokenCall[] = [];
  /** When set, every call fails with this status and an OAuth error body. */
  failWith: { status: number; error: string; description?: string } | null = null;
  /** Delay before answering, ms. */
  delayMs = 0;
  /** When true, only refresh tokens in `validRefreshTokens` are accepted, each once (like the real servers). */
  strictRefreshTokens = false;
  /** Refresh tokens still valid: seeded by tests, and every issued one is added. */
  readonly validRefreshTokens = new Set<string>();
  /** Authorization codes the fake accepts (empty = accept any). */
  readonly validCodes = new Set<string>();
  /** Runs after a refresh token is redeemed, before the answer (e.g. to break the credentials directory meanwhile). */
  beforeAnswer: ((call: TokenCall) => Promise<void> | void) | null = null;
  /** When set, a successful call answers with this status and JSON body instead of the issued tokens (the tokens are still spent). */
  answerWith: { status: number; body: unknown } | null = null;
  private counter = 0;
  private readonly opts: FakeOAuthOptions;

  constructor(opts: FakeOAuthOptions = {}) {
    super();
    this.opts = opts;
  }

  get tokenUrl(): string {
    return `${this.url}/v1/oauth/token`;
  }

  get refreshCalls(): number {
    return this.calls.filter((c) => c.params.grant_type === 'refresh_token').length;
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const params = (contentType.includes('json') ? parseJsonBody(raw) : Object.fromEntries(new URLSearchParams(raw.toString('utf8')))) as Record<string, string> | undefined;
    if (!params) return this.error(res, 400, 'invalid_request', 'body is not JSON');
    const call: TokenCall = { contentType, params };
    this.calls.push(call);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (req.method !== 'POST') return this.error(res, 405, 'invalid_request', 'POST only');
    if (this.failWith) return this.error(res, this.failWith.status, this.failWith.error, this.failWith.description);
    if (!params.client_id) return this.error(res, 400, 'invalid_client', 'client_id missing');
    if (params.grant_type === 'refresh_token') {
      if (!params.refresh_token) return this.error(res, 400, 'invalid_request', 'refresh_token missing');
      if (this.strictRefreshTokens) {
        if (!this.validRefreshTokens.has(params.refresh_token)) return this.error(res, 400, 'invalid_grant', 'Refresh token not found or invalid');
        this.validRefreshTokens.delete(params.refresh_token);
      }
    } else if (params.grant_type === 'authorization_code') {
      if (!params.code || !params.code_verifier) return this.error(res, 400, 'invalid_request', 'code and code_verifier required');
      if (this.validCodes.size > 0 && !this.validCodes.has(params.code)) return this.error(res, 400, 'invalid_grant', 'Invalid authorization code');
    } else {
      return this.error(res, 400, 'unsupported_grant_type', `grant_type ${params.grant_type ?? '(none)'}`);
    }
    if (this.answerWith) {
      res.writeHead(this.answerWith.status, { 'content-type': 'application/json' }).end(JSON.stringify(this.answerWith.body));
      return;
    }
    const n = ++this.counter;
    const refresh = `fake-refresh-${n}`;
    this.validRefreshTokens.add(refresh);
    const body = {
      token_type: 'Bearer',
      access_token: `fake-access-${n}`,
      refresh_token: refresh,
      expires_in: this.opts.expiresIn ?? 3600,
      scope: params.scope ?? 'user:inference user:profile',
      ...this.opts.extraResponse?.(call),
    };
    await this.beforeAnswer?.(call);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }

  private error(res: http.ServerResponse, status: number, error: string, description?: string): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error, error_description: description ?? error }));
  }
}
