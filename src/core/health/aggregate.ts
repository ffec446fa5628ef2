/**
 * Concurrent plugin health aggregation in the IETF health-check format
 * (draft-inadarei-api-health-check): every plugin check runs at once, each bounded so the whole
 * answer arrives within the configured time; a check that throws or hangs becomes `fail` with why.
 */
import type { HealthCheckResult } from '../plugin.js';

export type HealthStatus = 'pass' | 'warn' | 'fail';

export interface HealthTarget {
  name: string;
  /** Present for active plugins; failed ones carry `failure` instead. */
  check?: () => Promise<HealthCheckResult>;
  /** Why the plugin is not running (import, config, init, validation), reported as `fail`. */
  failure?: string;
}

export interface HealthDocument {
  status: HealthStatus;
  version: string;
  serviceId: 'ccproxy';
  description: string;
  checks: Record<string, HealthCheckResult[]>;
}

const RANK: Record<HealthStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** Run one check with a deadline; never rejects. */
export async function boundedCheck(target: HealthTarget, timeoutMs: number): Promise<HealthCheckResult> {
  const componentId = target.name;
  const time = (): string => new Date().toISOString();
  if (!target.check) {
    return { status: 'fail', componentId, componentType: 'plugin', output: target.failure ?? 'not running', time: time() };
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<HealthCheckResult>((resolve) => {
    timer = setTimeout(() => resolve({
      status: 'fail', componentId, componentType: 'plugin', output: `health check timed out after ${timeoutMs / 1000}s`, time: time(),
    }), timeoutMs);
    timer.unref();
  });
  const run = Promise.resolve()
    .then(() => target.check!())
    .then((r): HealthCheckResult => normalize(r, componentId))
    .catch((err: unknown): HealthCheckResult => ({
      status: 'fail', componentId, componentType: 'plugin', output: `health check failed: ${err instanceof Error ? err.message : String(err)}`, time: time(),
    }));
  try {
    return await Promise.race([run, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function normalize(r: HealthCheckResult | undefined, componentId: string): HealthCheckResult {
  if (!r || (r.status !== 'pass' && r.status !== 'warn' && r.status !== 'fail')) {
    return { status: 'fail', componentId, componentType: 'plugin', output: 'health check returned an invalid result' };
  }
  return { componentType: 'plugin', ...r, componentId: r.componentId || componentId };
}

export async function aggregateHealth(
  targets: HealthTarget[],
  opts: { timeoutMs: number; version: string; extra?: () => Record<string, HealthCheckResult[]> },
): Promise<HealthDocument> {
  // Leave a little of the budget for assembling the answer.
  const perCheck = Math.max(1, opts.timeoutMs - Math.min(100, opts.timeoutMs * 0.05));
  const results = await Promise.all(targets.map((t) => boundedCheck(t, perCheck)));
  const checks: Record<string, HealthCheckResult[]> = {};
  let status: HealthStatus = 'pass';
  targets.forEach((t, i) => {
    const r = results[i]!;
    checks[`plugin:${t.name}`] = [r];
    if (RANK[r.status] > RANK[status]) status = r.status;
  });
  // Non-plugin components (scheduled tasks): computed after the checks so their state is fresh.
  for (const [key, list] of Object.entries(opts.extra?.() ?? {})) {
    checks[key] = list;
    for (const r of list) if (RANK[r.status] > RANK[status]) status = r.status;
  }
  return { status, version: opts.version, serviceId: 'ccproxy', description: 'ccproxy: local plugin-based model API proxy', checks };
}
