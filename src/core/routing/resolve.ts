/**
 * Model → ordered provider plan for one request. The first entry is the choice; the rest are
 * tried in order when it fails before anything reached the client.
 *
 * Choice, first that applies:
 *  1. a `[routing.models]` rule (exact name, else the first matching glob), optionally with a
 *     target model;
 *  2. the active providers whose `listModels()` has the model (priority order);
 *  3. the active providers that take the model as a name of their own (`acceptsModel` →
 *     `native`: `gpt-5` on codex), else those whose model map takes it (`mapped`);
 *  4. `routing.default`;
 *  5. the only active provider serving the client's API.
 * The other providers of the step that decided follow as fallbacks, then `routing.fallbacks`.
 * Providers not running, or not serving the client's API, are left out; when that leaves none,
 * the answer says which providers would serve the API (400) or that they are down (503).
 */
import type { Settings } from '../config/schema.js';
import type { ApiFormat, ModelAcceptance, ProviderAdapter } from '../adapter.js';
import { ProxyError } from '../errors.js';
import { matchPattern } from './glob.js';
import type { ProviderDirectory } from './directory.js';
import type { ModelIndex } from './model-index.js';

export interface PlanStep {
  provider: string;
  adapter: ProviderAdapter;
  /** Target model from a `{ provider, model }` rule (for the chosen provider only). */
  model?: string;
  /** Why this provider: for logs. */
  reason: 'rule' | 'listed' | ModelAcceptance | 'default' | 'only' | 'fallback';
}

/** A capability the route needs beyond the API (count_tokens), with its name for messages. */
export interface RouteNeed {
  what: string;
  test: (a: ProviderAdapter) => boolean;
}

type Routing = Settings['routing'];

const API_ROUTE: Record<ApiFormat, string> = {
  anthropic: 'POST /v1/messages',
  chat: 'POST /v1/chat/completions',
  responses: 'POST /v1/responses',
};

export class Router {
  constructor(
    private readonly routing: Routing,
    private readonly directory: ProviderDirectory,
    private readonly index: ModelIndex,
  ) {}

  /** The provider that would serve `model` for `api` (first plan step), or undefined. */
  async choose(model: string, api: ApiFormat): Promise<string | undefined> {
    try {
      return (await this.plan(model, api))[0]?.provider;
    } catch {
      return undefined;
    }
  }

  async plan(model: string, api: ApiFormat, need?: RouteNeed): Promise<PlanStep[]> {
    const wanted = await this.candidates(model, api);
    if (wanted.length === 0) throw noRoute(model, this.directory);
    for (const p of this.routing.fallbacks) wanted.push({ provider: p, reason: 'fallback' });

    const plan: PlanStep[] = [];
    const down: string[] = [];
    const unserved: string[] = [];
    for (const w of wanted) {
      if (plan.some((s) => s.provider === w.provider)) continue;
      const entry = this.directory.active(w.provider);
      if (!entry) down.push(w.provider);
      else if (!entry.adapter.apis.includes(api) || (need && !need.test(entry.adapter))) unserved.push(w.provider);
      else plan.push({ ...w, adapter: entry.adapter });
    }
    if (plan.length > 0) return plan;
    if (down.length === 0) throw this.notServed(model, api, need, unserved);
    const why = [...down.map((p) => `${p} (not running)`), ...unserved.map((p) => `${p} (does not serve ${need?.what ?? API_ROUTE[api]})`)];
    throw new ProxyError('api_error', `No available provider for model "${model}": ${why.join(', ')}`, { status: 503, code: 'CCPROXY_ERR_NO_PROVIDER' });
  }

  /** Steps 1-5 (see the file comment), without `routing.fallbacks`. */
  private async candidates(model: string, api: ApiFormat): Promise<Array<Omit<PlanStep, 'adapter'>>> {
    const rule = matchPattern(this.routing.models, model);
    if (rule) {
      const t = rule.value;
      return [typeof t === 'string' ? { provider: t, reason: 'rule' } : { provider: t.provider, ...(t.model ? { model: t.model } : {}), reason: 'rule' }];
    }
    // A rule decides alone (no listing needed, so rule-only configs never wait on listModels).
    const listed = await this.index.providersFor(model);
    const [names, reason] = listed.length ? [listed, 'listed' as const] : this.accepting(model);
    if (names.length) return names.map((provider, i) => ({ provider, reason: i === 0 ? reason : 'fallback' }));
    if (this.routing.default) return [{ provider: this.routing.default, reason: 'default' }];
    const serving = this.directory.activeEntries().filter((e) => e.adapter.apis.includes(api));
    return serving.length === 1 ? [{ provider: serving[0]!.name, reason: 'only' }] : [];
  }

  /** Active providers taking `model` by name: native ones if any, else mapped ones (priority order). */
  private accepting(model: string): [string[], ModelAcceptance] {
    const entries = this.directory.activeEntries();
    for (const how of ['native', 'mapped'] as const) {
      const names = entries.filter((e) => e.adapter.acceptsModel?.(model) === how).map((e) => e.name);
      if (names.length) return [names, how];
    }
    return [[], 'native'];
  }

  /** Every provider picked for the model is running but none serves this API: say which do. */
  private notServed(model: string, api: ApiFormat, need: RouteNeed | undefined, unserved: string[]): ProxyError {
    const what = need?.what ?? API_ROUTE[api];
    const able = this.directory.activeEntries()
      .filter((e) => e.adapter.apis.includes(api) && (!need || need.test(e.adapter)))
      .map((e) => e.name);
    const served = unserved.map((p) => {
      const apis = this.directory.active(p)?.adapter.apis ?? [];
      return `${p} serves ${apis.map((a) => API_ROUTE[a]).join(', ') || 'no model API'}`;
    });
    const alternatives = able.length
      ? `Providers that serve it: ${able.join(', ')} (route the model to one in [routing.models], or use its prefix)`
      : 'No running provider serves it';
    return new ProxyError('invalid_request', `Model "${model}" goes to ${unserved.join(', ')}, which does not serve ${what} (${served.join('; ')}). ${alternatives}.`, {
      code: 'CCPROXY_ERR_API_NOT_SERVED', param: 'model',
    });
  }
}

function noRoute(model: string, directory: ProviderDirectory): ProxyError {
  const providers = directory.activeEntries().map((e) => e.name).join(', ') || 'none';
  return new ProxyError('not_found', `No provider serves model "${model}": no provider lists or takes it, and no [routing] rule or routing.default matches. ` +
    `Running providers: ${providers}. Use a provider's prefix (e.g. /codex/v1), or add a rule in [routing.models].`, {
    code: 'model_not_found', param: 'model',
  });
}
