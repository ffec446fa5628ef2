/**
 * Startup check of `[routing]`: every provider it names (`default`, `fallbacks`, the targets in
 * `models`) must exist. A typo is a ConfigError naming the rule and the providers that do exist;
 * a real provider that is merely not running (disabled, failed) is only a warning, since the
 * same config is used with different plugin sets.
 */
import type { Logger } from 'pino';
import type { Settings } from '../config/schema.js';
import { ConfigError } from '../errors.js';
import type { PluginRegistry } from '../registry.js';
import type { ProviderDirectory } from './directory.js';

type Routing = Settings['routing'];

/** Every `[routing]` reference as (where, provider). */
export function routingReferences(routing: Routing): Array<{ where: string; provider: string }> {
  const refs: Array<{ where: string; provider: string }> = [];
  if (routing.default !== undefined) refs.push({ where: 'routing.default', provider: routing.default });
  routing.fallbacks.forEach((p, i) => refs.push({ where: `routing.fallbacks[${i}]`, provider: p }));
  for (const [pattern, target] of Object.entries(routing.models)) {
    refs.push({ where: `routing.models."${pattern}"`, provider: typeof target === 'string' ? target : target.provider });
  }
  return refs;
}

export function validateRouting(routing: Routing, directory: ProviderDirectory, registry: PluginRegistry, logger: Logger): void {
  const problems: string[] = [];
  for (const { where, provider } of routingReferences(routing)) {
    if (directory.has(provider)) continue;
    const pluginName = provider.split('.')[0] ?? provider;
    const record = registry.get(pluginName);
    if (record?.plugin && record.plugin.kind !== 'provider') {
      problems.push(`${where} = "${provider}": "${pluginName}" is not a provider plugin`);
    } else if (record && record.state !== 'active' && record.state !== 'discovered') {
      // Known plugin, not running: its instances cannot be listed; requests skip it.
      logger.warn({ where, provider, state: record.state, reason: record.reason }, 'routing names a provider that is not running');
    } else {
      problems.push(`${where} = "${provider}": no such provider`);
    }
  }
  if (problems.length) {
    const known = directory.names().join(', ') || '(none running)';
    throw new ConfigError(`Invalid [routing]: ${problems.join('; ')}. Providers: ${known} (extra instances are named "<plugin>.<instance>").`);
  }
}
