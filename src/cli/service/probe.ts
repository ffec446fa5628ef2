/**
 * What answers at a URL: a ccproxy (its `/health/live` says `serviceId: "ccproxy"`), nothing
 * (connection refused), or something else. Used before starting a background service and before
 * reusing one: a port held by another program must not be mistaken for ours.
 */
export type Probe =
  | { kind: 'ccproxy'; version: string }
  | { kind: 'free' }
  | { kind: 'other'; detail: string };

/** Far above what a loopback answer takes; only a port that accepts and never answers waits this long. */
const PROBE_TIMEOUT_MS = 15_000;

export async function probe(url: string): Promise<Probe> {
  let res: Response;
  try {
    res = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'manual' });
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') return { kind: 'free' };
    return { kind: 'other', detail: code ?? (err as Error).message };
  }
  const body = (await res.json().catch(() => undefined)) as { serviceId?: unknown; version?: unknown } | undefined;
  if (res.ok && body?.serviceId === 'ccproxy') return { kind: 'ccproxy', version: String(body.version ?? '?') };
  return { kind: 'other', detail: `HTTP ${res.status} on /health/live` };
}
