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
