/**
 * Accounts ccproxy stores itself (`ccproxy auth login <provider> --account <name>`): one 0600
 * credentials file per account under `$XDG_DATA_HOME/ccproxy/accounts/<plugin>/<name>.json`, never
 * inside the provider CLI's own file.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AccountNameSchema } from './config.js';

export function storedAccountPath(dataDir: string, plugin: string, name: string): string {
  AccountNameSchema.parse(name);
  return path.join(dataDir, 'accounts', plugin, `${name}.json`);
}

/** Names of the accounts stored for `plugin`, sorted; none when the directory does not exist. */
export async function storedAccounts(dataDir: string, plugin: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await fs.readdir(path.join(dataDir, 'accounts', plugin));
  } catch {
    return [];
  }
  return entries
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .filter((n) => AccountNameSchema.safeParse(n).success)
    .sort();
}
