/**
 * An upstream's own model list in the OpenAI shape (`GET <base>/models` → `{ data: [{ id, … }] }`),
 * fetched through the upstream client (credentials, refresh on 401, the outcome observer) and
 * bounded as a whole, body included. The entries' other fields differ per upstream, so the
 * provider maps each entry to a ModelInfo.
 *
 * @example
 * const { models } = await fetchModelList(upstreamClient(services.httpClient), {
 *   url: `${base}/models`, headers: {}, plugin: 'example',
 *   credential: { source: { token: () => key }, apply: (k) => ({ headers: { authorization: `Bearer ${k}` } }) },
 *   toModel: (m) => ({ id: m.id, ownedBy: typeof m.owned_by === 'string' ? m.owned_by : 'example' }),
 * });
 */
import type { ModelInfo } from '../adapter.js';
import type { UpstreamCallOptions, UpstreamClient } from './client.js';

export interface ModelListOptions<C> extends Omit<UpstreamCallOptions<C>, 'method' | 'body' | 'signal'> {
  /** The caller's cancellation (a scheduled task's signal). */
  signal?: AbortSignal;
  /** Bound on the whole fetch, body included (default 15 s). */
  timeoutMs?: number;
  /** One list entry (its `id` a string) as a ModelInfo. */
  toModel(entry: Record<string, unknown> & { id: string }): ModelInfo;
}

/** The listed models (entries without a string `id` are skipped) and the upstream's status. */
export async function fetchModelList<C>(client: UpstreamClient, opts: ModelListOptions<C>): Promise<{ status: number; models: ModelInfo[] }> {
  const { signal, timeoutMs = 15_000, toModel, headers, ...call } = opts;
  const timeout = AbortSignal.timeout(timeoutMs);
  const res = await client.request({
    ...call,
    method: 'GET',
    headers: { ...headers, accept: 'application/json' },
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  });
  const body = (await res.body.json()) as { data?: unknown } | null;
  const data: unknown[] = Array.isArray(body?.data) ? body.data : [];
  const entries = data.filter((m): m is Record<string, unknown> & { id: string } => typeof (m as { id?: unknown } | null)?.id === 'string');
  return { status: res.status, models: entries.map(toModel) };
}

/**
 * An upstream's model list kept between fetches: a scheduled task refreshes it, listing reads it,
 * so listing never costs an upstream call per request. One fetch at a time.
 */
export class ModelListCache {
  #models: ModelInfo[] | null = null;
  #inflight: Promise<ModelInfo[]> | null = null;

  /** `load` fetches the list (and records its outcome for health); it may throw. */
  constructor(private readonly load: (signal?: AbortSignal) => Promise<ModelInfo[]>) {}

  /** The last list fetched, or null before the first success. */
  get cached(): ModelInfo[] | null {
    return this.#models;
  }

  /** The cached list, else one fetch; a failure is an empty list (listing never fails a client). */
  async list(signal?: AbortSignal): Promise<ModelInfo[]> {
    if (this.#models) return this.#models;
    try {
      return await this.refresh(signal);
    } catch {
      return [];
    }
  }

  /** Fetch now (or join the fetch under way); throws what the fetch threw. */
  refresh(signal?: AbortSignal): Promise<ModelInfo[]> {
    this.#inflight ??= this.load(signal)
      .then((models) => (this.#models = models))
      .finally(() => {
        this.#inflight = null;
      });
    return this.#inflight;
  }
}
