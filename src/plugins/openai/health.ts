/**
 * openai health: one IETF check for the plugin summarizing every instance, built from the last
 * scheduled `GET /models` probe and the last real request; never an upstream call per health
 * request. fail: a configured single-key instance's probe was refused (401/403: bad key). warn: a probe
 * failed otherwise (unreachable, 5xx) or a key is missing for a remote upstream, or nothing is
 * configured at all (the plugin cannot serve: say what to set). An unconfigured default instance
 * next to configured named ones is reported but does not lower the status. An instance with several
 * keys lists them (by name) with their pool state: a key cooling down or refused is a `warn`, the
 * instance fails only when none can serve.
 */
import { healthReport, lastResponseDetail, poolHealth, type HealthCheckResult, type HealthLevel, type HealthNote } from '../../plugin.js';
import { NOT_CONFIGURED_FIX, isLocalUrl } from './config.js';
import type { Instance } from './instances.js';

const RANK: Record<HealthLevel, number> = { pass: 0, warn: 1, fail: 2 };

export async function openaiHealth(instances: Instance[], now = Date.now()): Promise<HealthCheckResult> {
  let notes: HealthNote[] = [];
  const details: Record<string, unknown> = {};
  for (const inst of instances) {
    const probe = inst.catalog.lastProbe;
    let level: HealthLevel = 'pass';
    let note: string | undefined;
    if (!inst.configured) {
      note = 'not configured (set api_key, api_key_env or base_url)';
    } else if (!inst.apiKey() && !isLocalUrl(inst.settings.base_url)) {
      level = 'warn';
      note = 'no API key (api_key / api_key_env)';
    } else if (probe && !probe.ok) {
      // A refused key fails the instance, unless it is one of several (the pool says which serve).
      level = (probe.status === 401 || probe.status === 403) && !inst.pool.pooled ? 'fail' : 'warn';
      note = `models probe failed: ${probe.error ?? `HTTP ${probe.status}`}`;
    }
    if (note) notes.push({ level, message: `${inst.provider}: ${note}` });
    let accounts: Array<Record<string, unknown>> | undefined;
    if (inst.configured && inst.pool.pooled) {
      // Keys hold no state of their own beyond the pool's: what the upstream said about them.
      const pool = await poolHealth(inst.pool, async () => ({ problems: [], details: {} }));
      accounts = pool.accounts;
      for (const p of pool.problems) {
        notes.push({ level: p.level, message: `${inst.provider}: ${p.message.replace(/^account /, 'key ')}` });
        if (RANK[p.level] > RANK[level]) level = p.level;
      }
    }
    details[inst.provider] = {
      status: level,
      base_url: inst.settings.base_url,
      upstream_format: inst.settings.upstream_format,
      configured: inst.configured,
      key: inst.apiKey() ? 'set' : 'missing',
      ...(accounts ? { accounts } : {}),
      last_probe: probe
        ? { ok: probe.ok, at: new Date(probe.at).toISOString(), ...(probe.status ? { status: probe.status } : {}), ...(probe.error ? { error: probe.error } : {}), ...(probe.ms !== undefined ? { ms: probe.ms } : {}) }
        : null,
      last_upstream: lastResponseDetail(inst.adapter.stats.lastResponse),
    };
  }
  if (!instances.some((i) => i.configured)) {
    // Nothing to serve with: the one thing to say is what to set.
    notes = [{ level: 'warn', message: `not configured: ${NOT_CONFIGURED_FIX}` }];
  }
  return healthReport({ componentId: 'openai', notes, details, now });
}
