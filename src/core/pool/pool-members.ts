/**
 * Which accounts make up a provider's pool, the same way for every provider: with no
 * `[[plugins.<name>.accounts]]` tables, the single account of a plain setup (`default`, when it has
 * credentials or nothing else is there) plus every account `ccproxy auth login <provider> --account`
 * stored; with tables, the enabled ones plus the stored accounts they do not name.
 */
import { AccountNameSchema, type StateSettings } from './config.js';
import type { PoolMember } from './pool.js';
import { RedisPoolState } from './redis-state.js';
import type { PoolState } from './state.js';
import { storedAccounts } from './stored-accounts.js';

/** The name of the single account of a setup without `[[accounts]]` tables. */
export const DEFAULT_ACCOUNT = 'default';

export interface ConfiguredAccount {
  name: string;
  weight: number;
  enabled: boolean;
}

export interface PoolMembersOptions<A extends ConfiguredAccount, T> {
  /** Plugin name: stored accounts live under `<dataDir>/accounts/<plugin>/`. */
  plugin: string;
  dataDir: string;
  /** With `credentials_store = "redis"`, accounts logged in there join too (they have no file). */
  state?: { settings: StateSettings; backend: PoolState };
  accounts: readonly A[];
  /** The single account of a plain setup (the provider's own credentials keys). */
  single(): T;
  /** Whether that single account holds credentials (it joins a pool of stored accounts only then). */
  hasCredentials(value: T): Promise<boolean>;
  /** A configured account, or (`configured` undefined) a stored one. */
  account(name: string, configured?: A): T;
}

export async function poolMembers<A extends ConfiguredAccount, T>(opts: PoolMembersOptions<A, T>): Promise<Array<PoolMember<T>>> {
  const stored = await storedNames(opts);
  const members: Array<PoolMember<T>> = [];
  const named = new Set(opts.accounts.map((a) => a.name));
  if (opts.accounts.length === 0) {
    const single = opts.single();
    if (stored.length === 0 || (await opts.hasCredentials(single))) members.push({ name: DEFAULT_ACCOUNT, weight: 1, value: single });
    named.add(DEFAULT_ACCOUNT);
  }
  for (const a of opts.accounts) if (a.enabled) members.push({ name: a.name, weight: a.weight, value: opts.account(a.name, a) });
  for (const name of stored) if (!named.has(name)) members.push({ name, weight: 1, value: opts.account(name) });
  return members;
}

/** Stored accounts: files under the data dir, and (credentials in Redis) the accounts Redis holds. */
async function storedNames(opts: Pick<PoolMembersOptions<ConfiguredAccount, unknown>, 'plugin' | 'dataDir' | 'state'>): Promise<string[]> {
  const names = new Set(await storedAccounts(opts.dataDir, opts.plugin));
  const backend = opts.state?.backend;
  if (opts.state?.settings.credentials_store === 'redis' && backend instanceof RedisPoolState && backend.connected) {
    try {
      for (const n of await backend.credentialAccounts(opts.plugin)) if (AccountNameSchema.safeParse(n).success) names.add(n);
    } catch {
      /* Redis went away meanwhile: the files still say what they say */
    }
  }
  return [...names].sort();
}
