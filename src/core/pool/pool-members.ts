/**
 * Which accounts make up a provider's pool, the same way for every provider: with no
 * `[[plugins.<name>.accounts]]` tables, the single account of a plain setup (`default`, when it has
 * credentials or nothing else is there) plus every account `ccproxy auth login <provider> --account`
 * stored; with tables, the enabled ones plus the stored accounts they do not name.
 */
import type { PoolMember } from './pool.js';
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
  accounts: readonly A[];
  /** The single account of a plain setup (the provider's own credentials keys). */
  single(): T;
  /** Whether that single account holds credentials (it joins a pool of stored accounts only then). */
  hasCredentials(value: T): Promise<boolean>;
  /** A configured account, or (`configured` undefined) a stored one. */
  account(name: string, configured?: A): T;
}

export async function poolMembers<A extends ConfiguredAccount, T>(opts: PoolMembersOptions<A, T>): Promise<Array<PoolMember<T>>> {
  const stored = await storedAccounts(opts.dataDir, opts.plugin);
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
