/**
 * A fake of everything the copilot plugin talks to, on one loopback server, speaking the real
 * wire formats and checking what it receives:
 *  - GitHub's device flow: `POST /login/device/code` (form `client_id`, `scope`) and
 *    `POST /login/oauth/access_token` (the device-code grant), answering `authorization_pending`
 *    a scripted number of times, then a token, or `expired_token`;
 *  - the token exchange `GET /copilot_internal/v2/token`: `authorization: token <github token>`
 *    and the editor headers, else 401 / 400; issues Copilot tokens with `expires_at`, `sku` and
 *    `endpoints.api` (`<url>/api`, so the plugin must use the API base the exchange names);
 *  - the Copilot API under `/api`: `POST /chat/completions` (real `chat.completion.chunk` SSE or a
 *    completion, tool calls included, from the openai fake's generators) and `GET /models`; both
 *    require `authorization: Bearer <a live Copilot token>` (else 401) and the editor headers
 *    (else 400, as Copilot answers IDE requests without them). Scripted 429s and other errors.
 * Every request is recorded.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { LoopbackFake, readBody } from './loopback.js';
import { chatCompletion, chatEvents, sendError, streamEvents, type FakeTurn } from './openai-compatible.js';

export interface CopilotRecorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export const COPILOT_CLIENT_ID = 'Iv1.b507a08c87ecfe98';

export class FakeCopilot extends LoopbackFake {
  readonly requests: CopilotRecorded[] = [];
  githubToken = `gho_${randomBytes(12).toString('hex')}`;
  /** Copilot tokens issued and still accepted. */
  readonly live = new Set<string>();
  /** Seconds of life of the next Copilot tokens. */
  ttl = 1800;
  /** Delay of the exchange answer (ms): widens the window for concurrent callers. */
  exchangeDelayMs = 0;
  exchanges = 0;
  /** Device flow: `authorization_pending` this many times, then the token; `expire` answers expired_token instead. */
  device = { pending: 2, expire: false, interval: 1 };
  models = ['gpt-4.1', 'gpt-5-mini', 'claude-sonnet-4', 'claude-sonnet-4.5', 'claude-opus-4.1', 'claude-haiku-4.5'];
  respond: (req: CopilotRecorded) => FakeTurn = () => ({ text: 'Hello from the fake Copilot.' });
  /** Client keys that must never arrive (the dummies clients use). */
  readonly clientKeys = new Set(['sk-client-dummy', 'sk-ant-client-dummy', 'dummy', 'sk-codex-client-dummy']);
  leakedClientKey = false;
  private polls = 0;

  /** Chat requests the Copilot API received. */
  get chatRequests(): CopilotRecorded[] {
    return this.requests.filter((r) => r.path === '/api/chat/completions');
  }

  /** Every Copilot token issued so far stops working (as when GitHub rotates them early). */
  revokeAll(): void {
    this.live.clear();
  }

  /** The `[plugins.copilot]` keys that point the plugin here. */
  config(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      oauth: { device_code_url: `${this.url}/login/device/code`, token_url: `${this.url}/login/oauth/access_token` },
      token_exchange_url: `${this.url}/copilot_internal/v2/token`,
      api_base_url: 'http://127.0.0.1:9/unused',
      ...extra,
    };
  }

  /** A bug in the fake answers 500: the plugin under test sees a server error. */
  protected override handlerFailed(err: unknown, res: http.ServerResponse): void {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message: String(err) } }));
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = (await readBody(req)).toString('utf8');
    const path = (req.url ?? '').split('?')[0] ?? '';
    const form = (req.headers['content-type'] ?? '').includes('x-www-form-urlencoded');
    let body: Record<string, unknown> = {};
    try {
      body = !raw ? {} : form ? Object.fromEntries(new URLSearchParams(raw)) : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return json(res, 400, { message: 'Problems parsing JSON' });
    }
    const rec: CopilotRecorded = { method: req.method ?? '', path, headers: req.headers, body };
    this.requests.push(rec);
    const auth = String(req.headers.authorization ?? '');
    if ([...this.clientKeys].some((k) => auth.endsWith(` ${k}`) || req.headers['x-api-key'] === k)) this.leakedClientKey = true;

    if (req.method === 'POST' && path === '/login/device/code') {
      if (body.client_id !== COPILOT_CLIENT_ID) return json(res, 200, { error: 'unauthorized_client', error_description: 'unknown client_id' });
      this.polls = 0;
      return json(res, 200, { device_code: 'dc-123', user_code: 'WDJB-MJHT', verification_uri: `${this.url}/login/device`, expires_in: 900, interval: this.device.interval });
    }
    if (req.method === 'POST' && path === '/login/oauth/access_token') {
      if (body.client_id !== COPILOT_CLIENT_ID || body.device_code !== 'dc-123' || body.grant_type !== 'urn:ietf:params:oauth:grant-type:device_code') {
        return json(res, 200, { error: 'incorrect_device_code', error_description: 'The device_code provided is not valid.' });
      }
      if (this.device.expire) return json(res, 200, { error: 'expired_token', error_description: 'The device_code has expired.' });
      if (this.polls++ < this.device.pending) return json(res, 200, { error: 'authorization_pending', error_description: 'The authorization request is still pending.' });
      return json(res, 200, { access_token: this.githubToken, token_type: 'bearer', scope: String(body.scope ?? 'read:user') });
    }
    if (path === '/copilot_internal/v2/token') {
      if (auth !== `token ${this.githubToken}`) return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      if (!req.headers['editor-version'] || !req.headers['editor-plugin-version']) return json(res, 400, { message: 'editor-version and editor-plugin-version are required' });
      this.exchanges++;
      if (this.exchangeDelayMs) await new Promise((r) => setTimeout(r, this.exchangeDelayMs));
      const exp = Math.floor(Date.now() / 1000) + this.ttl;
      const token = `tid=${randomBytes(8).toString('hex')};exp=${exp};sku=copilot_for_individual_subscriber;chat=1:${randomBytes(16).toString('hex')}`;
      this.live.add(token);
      return json(res, 200, { token, expires_at: exp, refresh_in: Math.max(0, this.ttl - 300), sku: 'copilot_for_individual_subscriber', chat_enabled: true, endpoints: { api: `${this.url}/api` } });
    }
    if (path.startsWith('/api/')) {
      const token = auth.replace(/^Bearer\s+/i, '');
      if (!this.live.has(token)) return json(res, 401, { error: { message: 'unauthorized: token expired', code: 'unauthorized' } });
      if (!req.headers['editor-version'] || !req.headers['copilot-integration-id']) return json(res, 400, { error: { message: 'missing Editor-Version header for IDE auth' } });
      if (req.method === 'GET' && path === '/api/models') {
        return json(res, 200, { object: 'list', data: this.models.map((id) => ({ id, name: id.toUpperCase(), object: 'model', vendor: id.startsWith('claude') ? 'Anthropic' : 'Azure OpenAI', version: id, capabilities: { type: 'chat', supports: { streaming: true, tool_calls: true } } })) });
      }
      if (req.method === 'POST' && path === '/api/chat/completions') {
        if (typeof body.model !== 'string' || !Array.isArray(body.messages)) return sendError(res, 400, 'model and messages are required', 'invalid_request_error');
        const turn = this.respond(rec);
        if (turn.httpError) {
          const e = turn.httpError;
          return sendError(res, e.status, e.message ?? `HTTP ${e.status}`, e.type ?? (e.status === 429 ? 'rate_limit_error' : 'server_error'), e.code, e.retryAfter);
        }
        if (body.stream === true) {
          const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
          return streamEvents(res, chatEvents(turn, body.model, {}, includeUsage), true, turn, body);
        }
        return json(res, 200, chatCompletion(turn, body.model, {}));
      }
    }
    return json(res, 404, { message: 'Not Found' });
  }
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
