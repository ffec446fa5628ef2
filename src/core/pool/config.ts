/**
 * The configuration shapes of account pools, shared by every provider that holds credentials:
 * `[[plugins.<name>.accounts]]` tables (`name`, `weight`, `enabled` + the provider's credential
 * keys), `strategy` in the provider's section, and the core `[state]` section (where cooldowns,
 * affinity, in-flight counts, refresh locks and optionally the tokens themselves live).
 */
import { z } from 'zod';

export const STRATEGIES = ['round_robin', 'least_used', 'fill_first'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const StrategySchema = z.enum(STRATEGIES).default('round_robin')
  .describe('How a request picks among ready accounts: round_robin (by weight), least_used (fewest in flight, then fewest requests), fill_first (the first ready one in order)');

/** Names appear in logs, health and Redis keys: keep them plain. */
export const AccountNameSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, `_`, `.` or `-` (at most 64, starting with a letter or digit)');

/** `name`, `weight`, `enabled`, plus the provider's own credential keys. */
export function accountSchema<S extends z.ZodRawShape>(credentialKeys: S) {
  return z.object({
    name: AccountNameSchema.describe('Name shown in `ccproxy accounts`, /health, logs and events'),
    weight: z.number().int().min(1).max(1000).default(1).describe('Share of requests under round_robin (2 = twice as many as 1)'),
    enabled: z.boolean().default(true).describe('false keeps the account configured but unused'),
    ...credentialKeys,
  });
}

/** Account names must be unique within a provider (they key its state). */
export function uniqueNames<T extends { name: string }>(accounts: readonly T[], ctx: z.RefinementCtx, key = 'accounts'): void {
  const seen = new Set<string>();
  accounts.forEach((a, i) => {
    if (seen.has(a.name)) ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `duplicate account name ${JSON.stringify(a.name)}` });
    seen.add(a.name);
  });
}

export const StateSettingsSchema = z.object({
  backend: z.enum(['memory', 'redis']).default('memory').describe('Where account-pool state lives: memory (this process) or redis (shared by several proxy instances)'),
  redis_url: z.string().default('redis://127.0.0.1:6379').describe('Redis to use with backend = "redis" (redis://[user:password@]host:port[/db])'),
  key_prefix: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/).default('ccproxy').describe('Prefix of every Redis key (one per deployment sharing a Redis)'),
  credentials_store: z.enum(['file', 'redis']).default('file').describe('Where accounts\' OAuth tokens live: their files, or Redis (encrypted; instances on different hosts share them)'),
  encryption_key: z.string().min(16).optional().describe('Key that encrypts tokens in Redis (AES-256-GCM; any string of 16+ characters, e.g. `openssl rand -base64 32`); env STATE__ENCRYPTION_KEY'),
  affinity_ttl_seconds: z.number().int().positive().default(3600).describe('How long a conversation stays pinned to its account after its last request'),
}).superRefine((s, ctx) => {
  if (s.credentials_store === 'redis' && s.backend !== 'redis') ctx.addIssue({ code: 'custom', path: ['credentials_store'], message: 'credentials_store = "redis" needs backend = "redis"' });
  if (s.credentials_store === 'redis' && !s.encryption_key) ctx.addIssue({ code: 'custom', path: ['encryption_key'], message: 'credentials_store = "redis" needs an encryption_key (tokens are never stored in plain text)' });
});

export type StateSettings = z.infer<typeof StateSettingsSchema>;
