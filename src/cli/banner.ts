/**
 * What `ccproxy serve` prints once listening: the URL, each active provider's base URL with its
 * credential status (and the fix), and ready-to-paste lines for Claude Code and Codex.
 */
import type { ApiFormat } from '../core/adapter.js';
import type { ProviderPlugin } from '../core/plugin.js';
import type { PluginRecord } from '../core/loader/types.js';

export interface BannerInput {
  url: string;
  version: string;
  records: PluginRecord[];
  authRequired: boolean;
}

function apisOf(plugin: ProviderPlugin): readonly ApiFormat[] {
  try {
    return plugin.createAdapter().apis;
  } catch {
    return [];
  }
}

function providerLines(url: string, plugin: ProviderPlugin): string[] {
  const base = `${url}${plugin.routerPrefix}`;
  const out = [`  ${plugin.name.padEnd(12)} ${base}  (${apisOf(plugin).join(', ') || 'no model APIs'})`];
  let info;
  try {
    info = plugin.startupInfo?.();
  } catch (err) {
    out.push(`      could not describe itself: ${(err as Error).message}`);
  }
  for (const line of info?.lines ?? []) out.push(`      ${line}`);
  const cred = info?.credentials;
  if (cred) {
    out.push(`      credentials: ${cred.ok ? 'ok' : 'MISSING'} - ${cred.message}`);
    if (!cred.ok && cred.fix) out.push(`      fix: ${cred.fix}`);
  }
  return out;
}

/** One `[model_providers.<id>]` table for ~/.codex/config.toml. */
function codexProvider(url: string, plugin: ProviderPlugin): string[] {
  return [
    `  [model_providers.ccproxy_${plugin.name}]`,
    `  name = "ccproxy ${plugin.name}"`,
    `  base_url = "${url}${plugin.routerPrefix}/v1"`,
    '  wire_api = "responses"',
    '  env_key = "CCPROXY_API_KEY"',
  ];
}

export function renderBanner(input: BannerInput): string {
  const providers = input.records
    .filter((r) => r.state === 'active' && r.plugin?.kind === 'provider')
    .map((r) => r.plugin as ProviderPlugin);
  const lines = [`ccproxy ${input.version} listening on ${input.url}`, ''];
  if (providers.length === 0) lines.push('No provider is active (see `ccproxy plugins list`).');
  else lines.push('Providers:', ...providers.flatMap((p) => providerLines(input.url, p)));
  const inactive = input.records.filter((r) => r.state === 'failed' || r.state === 'disabled');
  if (inactive.length) {
    lines.push('', 'Not started:', ...inactive.map((r) => `  ${r.name.padEnd(12)} ${r.state}: ${r.reason ?? ''}`));
  }
  const anthropic = providers.filter((p) => apisOf(p).includes('anthropic'));
  if (anthropic.length) {
    lines.push('', 'Claude Code:');
    // Claude Code needs some key to start without a login prompt; the proxy replaces it with its own.
    const key = input.authRequired ? 'ANTHROPIC_API_KEY=<your server.auth_token> ' : 'ANTHROPIC_API_KEY=unused ';
    for (const p of anthropic) lines.push(`  ${key}ANTHROPIC_BASE_URL=${input.url}${p.routerPrefix} claude`);
  }
  const responses = providers.filter((p) => apisOf(p).includes('responses'));
  if (responses.length) {
    const key = input.authRequired ? '<your server.auth_token>' : 'unused';
    lines.push('', `Codex: add to ~/.codex/config.toml, export CCPROXY_API_KEY=${key}, run codex -c model_provider=<id>:`);
    for (const p of responses) lines.push(...codexProvider(input.url, p));
  }
  return lines.join('\n') + '\n';
}
