/**
 * Model → ordered provider plan for one request. The first entry is the choice; the rest are
 * tried in order when it fails before anything reached the client.
 *
 * Choice, first that applies:
 *  1. a `[routing.models]` rule (exact name, else the first matching glob), optionally with a
 *     target model;
 *  2. the active providers whose `listModels()` has the model (priority order);
 *  3. `routing.default`;
 *  4. the only active provider serving the client's API.
 * Then (except after a rule): the other providers listing the model; then `routing.fallbacks`. Providers not running,
 * or not serving the client's API, are left out.
 */
import type { Settings } from '../config/schema.js';
import type { ApiFormat, ProviderAdapter } from '../adapter.js';
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
  reason: 'rule' | 'listed' | 'default' | 'only' | 'fallback';
}

type Routing = Settings['routing'];

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

  async plan(model: string | undefined, api: ApiFormat, need?: (a: ProviderAdapter) => boolean): Promise<PlanStep[]> {
    const wanted: Array<Omit<PlanStep, 'adapter'>> = [];
    const rule = model ? matchPattern(this.routing.models, model) : undefined;
    // A rule decides alone (no listing needed, so rule-only configs never wait on listModels).
    const listed = model && !rule ? await this.index.providersFor(model) : [];
    if (rule) {
      const t = rule.value;
      wanted.push(typeof t === 'string' ? { provider: t, reason: 'rule' } : { provider: t.provider, ...(t.model ? { model: t.model } : {}), reason: 'rule' });
    }
    listed.forEach((p, i) => wanted.push({ provider: p, reason: i === 0 ? 'listed' : 'fallback' }));
    if (!rule && listed.length === 0 && this.routing.default) wanted.push({ provider: this.routing.default, reason: 'default' });
    if (wanted.length === 0) {
      const serving = this.directory.activeEntries().filter((e) => e.adapter.apis.includes(api));
      if (serving.length === 1) wanted.push({ provider: serving[0]!.name, reason: 'only' });
    }
    if (wanted.length === 0) throw noRoute(model, this.directory);
    for (const p of this.routing.fallbacks) wanted.push({ provider: p, reason: 'fallback' });

    const plan: PlanStep[] = [];
    const skipped: string[] = [];
    for (const w of wanted) {
      if (plan.some((s) => s.provider === w.provider)) continue;
      const entry = this.directory.active(w.provider);
      if (!entry) skipped.push(`${w.provider} (not running)`);
      else if (!entry.adapter.apis.includes(api) || (need && !need(entry.adapter))) skipped.push(`${w.provider} (does not serve ${api}${need ? ' count_tokens' : ''})`);
      else plan.push({ ...w, adapter: entry.adapter });
    }
    if (plan.length === 0) {
      throw new ProxyError('api_error', `No available provider for model "${model ?? ''}": ${skipped.join(', ')}`, {
        status: 503, code: 'CCPROXY_ERR_NO_PROVIDER',
      });
    }
    return plan;
  }
}

function noRoute(model: string | undefined, directory: ProviderDirectory): ProxyError {
  const providers = directory.activeEntries().map((e) => e.name).join(', ') || 'none';
  const what = model ? `model "${model}"` : 'a request without a model';
  return new ProxyError('not_found', `No provider serves ${what}: no provider lists it, and no [routing] rule or routing.default matches. ` +
    `Running providers: ${providers}. Use a provider's prefix (e.g. /codex/v1), or add a rule in [routing.models].`, {
    code: 'model_not_found', param: 'model',
  });
}
