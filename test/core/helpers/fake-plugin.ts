/** Build small in-memory plugins for core tests (no provider knowledge, real protocol). */
import type { z } from 'zod';
import type { AdapterRequest, AdapterResponse, ApiFormat, ProviderAdapter } from '../../../src/core/adapter.js';
import { ProviderConfigSchema, type HealthCheckResult, type ProviderPlugin, type ScheduledTaskDefinition } from '../../../src/core/plugin.js';
import type { CoreServices } from '../../../src/core/services.js';
import { providerRoutes } from '../../../src/core/http/provider-routes.js';

export interface FakeProviderOptions {
  name: string;
  prefix?: string;
  apis?: ApiFormat[];
  handle?: (req: AdapterRequest) => Promise<AdapterResponse>;
  countTokens?: (req: AdapterRequest) => Promise<AdapterResponse & { kind: 'json' }>;
  initialize?: (services: CoreServices) => Promise<void>;
  healthCheck?: () => Promise<HealthCheckResult>;
  tasks?: ScheduledTaskDefinition[];
  configSchema?: z.ZodType<z.infer<typeof ProviderConfigSchema>>;
  shutdown?: () => Promise<void>;
  acceptsModel?: ProviderAdapter['acceptsModel'];
}

export function fakeProvider(opts: FakeProviderOptions): ProviderPlugin & { calls: AdapterRequest[]; shutdowns: number } {
  const calls: AdapterRequest[] = [];
  const adapter: ProviderAdapter = {
    apis: opts.apis ?? ['anthropic', 'chat', 'responses'],
    handle: async (req) => {
      calls.push(req);
      if (opts.handle) return opts.handle(req);
      return { kind: 'json', status: 200, body: { echo: req.body, api: req.api } };
    },
    listModels: async () => [{ id: `${opts.name}-model`, created: 1700000000, displayName: 'Fake' }],
    ...(opts.countTokens ? { countTokens: opts.countTokens } : {}),
    ...(opts.acceptsModel ? { acceptsModel: opts.acceptsModel } : {}),
  };
  const plugin = {
    kind: 'provider' as const,
    name: opts.name,
    version: '0.0.1',
    routerPrefix: opts.prefix ?? `/${opts.name}`,
    configSchema: opts.configSchema ?? ProviderConfigSchema,
    calls,
    shutdowns: 0,
    async initialize(services: CoreServices) {
      await opts.initialize?.(services);
    },
    async shutdown() {
      plugin.shutdowns++;
      await opts.shutdown?.();
    },
    createConfig: () => ({ enabled: true, priority: 0 }),
    validate: async () => true,
    getRoutes: () => providerRoutes(adapter, { plugin: opts.name }),
    healthCheck: opts.healthCheck ?? (async (): Promise<HealthCheckResult> => ({ status: 'pass', componentId: opts.name })),
    getScheduledTasks: () => opts.tasks ?? [],
    createAdapter: () => adapter,
  };
  return plugin;
}

/** An async iterable yielding `chunks` with `delayMs` between them. */
export async function* slowChunks(chunks: string[], delayMs: number, signal?: AbortSignal): AsyncGenerator<string> {
  for (const c of chunks) {
    if (signal?.aborted) return;
    yield c;
    await new Promise((r) => setTimeout(r, delayMs));
  }
}
