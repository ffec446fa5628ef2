/**
 * The root model routes (`POST /v1/messages` (+ `/count_tokens`), `/v1/chat/completions`,
 * `/v1/responses`, `GET /v1/models`): one base URL for every provider, chosen by model (see
 * resolve.ts). Fallback: when a provider's `handle` rejects with a retryable error (429, 5xx,
 * connection failure) the next provider of the plan is tried; once a provider has returned a
 * response (a stream included) it is committed, so nothing is retried after a byte may have
 * reached the client. The provider that served (or failed last) is named in `x-ccproxy-provider`
 * and in the log.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AdapterRequest, AdapterResponse, ApiFormat, ProviderAdapter } from '../adapter.js';
import type { Settings } from '../config/schema.js';
import { ValidationError, invalidField, toProxyError } from '../errors.js';
import { httpContextOf } from '../http/context.js';
import { copyRequest } from '../http/model-request.js';
import { handleModelRequest, modelList } from '../http/provider-routes.js';
import { modelRequestBody, requestModel } from '../http/request-fields.js';
import type { AnyPlugin } from '../plugin.js';
import type { PluginRegistry } from '../registry.js';
import { ProviderDirectory } from './directory.js';
import { isGlob } from './glob.js';
import { ModelIndex, type ListedModel } from './model-index.js';
import { Router, type PlanStep, type RouteNeed } from './resolve.js';
import { validateRouting } from './validate.js';
import '../http/fastify-types.js';

export const PROVIDER_HEADER = 'x-ccproxy-provider';

export interface RootRoutesOptions {
  routing: Settings['routing'];
  /** Plugins that initialized (failed ones are skipped via the registry). */
  plugins: AnyPlugin[];
  registry: PluginRegistry;
  logger: Logger;
}

const PATHS: Record<ApiFormat, string> = {
  anthropic: '/v1/messages',
  chat: '/v1/chat/completions',
  responses: '/v1/responses',
};

/** Validates `[routing]` when mounted (a ConfigError fails startup), then serves the root routes. */
export function rootRoutes(opts: RootRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    const { routing, registry } = opts;
    const logger = opts.logger.child({ component: 'routing' });
    const directory = ProviderDirectory.build(opts.plugins, registry, logger);
    validateRouting(routing, directory, registry, logger);
    const index = new ModelIndex(directory, logger);
    const router = new Router(routing, directory, index);
    const ctx = httpContextOf(app);

    const route = (api: ApiFormat, path: string, call: (a: ProviderAdapter, r: AdapterRequest) => Promise<AdapterResponse>, need?: RouteNeed): void => {
      app.post(path, { config: { api } }, async (request, reply) => {
        const model = modelOf(request);
        const plan = await router.plan(model, api, need);
        await handleModelRequest(ctx, plan[0]!.provider, api, request, reply, (r) => withFallback(plan, r, reply, call, logger, model));
      });
    };
    for (const api of ['anthropic', 'chat', 'responses'] as const) route(api, PATHS[api], (a, r) => a.handle(r));
    route('anthropic', '/v1/messages/count_tokens', (a, r) => a.countTokens!(r), { what: 'POST /v1/messages/count_tokens', test: (a) => typeof a.countTokens === 'function' });

    app.get('/v1/models', { config: { api: 'chat' } }, async () => {
      const listed = await index.listAll();
      return mergedModelList(listed, routing, router);
    });
  };
}

/** The root routes choose the provider by model: without one there is nothing to choose by (400). */
function modelOf(request: FastifyRequest): string {
  const model = requestModel(modelRequestBody(request.body));
  if (model?.trim()) return model;
  throw invalidField('model', `${model === undefined ? 'required' : 'must not be empty'} (the root routes choose the provider by model)`);
}

async function withFallback(
  plan: PlanStep[],
  request: AdapterRequest,
  reply: FastifyReply,
  call: (a: ProviderAdapter, r: AdapterRequest) => Promise<AdapterResponse>,
  logger: Logger,
  model: string,
): Promise<AdapterResponse> {
  const failed: string[] = [];
  for (let i = 0; i < plan.length; i++) {
    const step = plan[i]!;
    reply.header(PROVIDER_HEADER, step.provider);
    try {
      const res = await call(step.adapter, step.model ? copyRequest(request, { modelOverride: step.model }) : request);
      logger.info({ reqId: request.requestId, model, provider: step.provider, reason: step.reason, ...(step.model ? { target: step.model } : {}), ...(failed.length ? { failed } : {}) }, 'routed');
      return res;
    } catch (err) {
      const e = toProxyError(err, step.provider);
      const next = plan[i + 1];
      if (!e.retryable || !next || request.abort.aborted) {
        logger.info({ reqId: request.requestId, model, provider: step.provider, status: e.status, ...(failed.length ? { failed } : {}) }, 'routed request failed');
        throw e;
      }
      failed.push(step.provider);
      logger.warn({ reqId: request.requestId, model, provider: step.provider, status: e.status, error: e.message, next: next.provider }, 'provider failed before responding; falling back');
    }
  }
  // Unreachable: the loop returns or throws on its last step.
  throw new ValidationError('empty routing plan');
}

/** Every provider's models once (the routed provider named), plus exact `[routing.models]` aliases. */
async function mergedModelList(listed: ListedModel[], routing: Settings['routing'], router: Router): Promise<Record<string, unknown>> {
  const byId = new Map<string, { model: ListedModel; providers: string[] }>();
  for (const m of listed) {
    const seen = byId.get(m.id);
    if (seen) seen.providers.push(m.provider);
    else byId.set(m.id, { model: m, providers: [m.provider] });
  }
  for (const [pattern, target] of Object.entries(routing.models)) {
    if (isGlob(pattern) || byId.has(pattern)) continue;
    const provider = typeof target === 'string' ? target : target.provider;
    byId.set(pattern, { model: { id: pattern, provider, ownedBy: provider }, providers: [provider] });
  }
  const entries = [...byId.values()];
  const chosen = await Promise.all(entries.map(async (e) => (await router.choose(e.model.id, 'chat')) ?? e.providers[0]!));
  const list = modelList(entries.map((e) => e.model), 'ccproxy');
  const data = (list.data as Array<Record<string, unknown>>).map((d, i) => ({
    ...d,
    provider: chosen[i],
    ...(entries[i]!.providers.length > 1 ? { providers: entries[i]!.providers } : {}),
  }));
  return { ...list, data };
}
