/**
 * What `ccproxy serve` prints once listening: the URL, each active provider's base URL with its
 * credential status (and the fix), then ready-to-paste lines for Claude Code and Codex, but only
 * for the providers that can serve now. When none can, one line says what to do first.
 */
import type { ApiFormat } from '../core/adapter.js';
import type { ProviderPlugin, StartupInfo } from '../core/plugin.js';
import type { PluginRecord } from '../core/loader/types.js';

export interface BannerInput {
  url: string;
  version: string;
  records: PluginRecord[];
  authRequired: boolean;
}

/** One active provider as the banner sees it. */
interface Shown {
  plugin: ProviderPlugin;
  apis: readonly ApiFormat[];
  info?: StartupInfo;
  /** Why startupInfo() threw. */
  infoError?: string;
}

function apisOf(plugin: ProviderPlugin): readonly ApiFormat[] {
  try {
    return plugin.createAdapter().apis;
  } catch {
    return [];
  }
}

function describeProvider(plugin: ProviderPlugin): Shown {
  const apis = apisOf(plugin);
  try {
    return { plugin, apis, info: plugin.startupInfo?.() };
  } catch (err) {
    return { plugin, apis, infoError: (err as Error).message };
  }
}

/** Can serve now: its credentials are fine, or it reports none (nothing known against it). */
function usable(p: Shown): boolean {
  return p.info?.credentials?.ok !== false;
}

function providerLines(url: string, p: Shown): string[] {
  const out = [`  ${p.plugin.name.padEnd(12)} ${url}${p.plugin.routerPrefix}  (${p.apis.join(', ') || 'no model APIs'})`];
  if (p.infoError) out.push(`      could not describe itself: ${p.infoError}`);
  for (const line of p.info?.lines ?? []) out.push(`      ${line}`);
  const cred = p.info?.credentials;
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

/** "First: <fix> (<provider>); or <fix> (<provider>)": the first two providers that say how. */
function firstStep(providers: Shown[]): string {
  const fixes = providers.flatMap((p) => (p.info?.credentials?.fix ? [`${p.info.credentials.fix} (${p.plugin.name})`] : []));
  if (fixes.length === 0) return 'No provider can serve requests yet: see the credentials lines above.';
  const more = fixes.length > 2 ? '; or another fix above' : '';
  return `No provider can serve requests yet. First: ${fixes.slice(0, 2).join('; or ')}${more}. A login is picked up without a restart.`;
}

export function renderBanner(input: BannerInput): string {
  const providers = input.records
    .filter((r) => r.state === 'active' && r.plugin?.kind === 'provider')
    .map((r) => describeProvider(r.plugin as ProviderPlugin));
  const lines = [`ccproxy ${input.version} listening on ${input.url}`, ''];
  if (providers.length === 0) lines.push('No provider is active (see `ccproxy plugins list`).');
  else lines.push('Providers:', ...providers.flatMap((p) => providerLines(input.url, p)));
  const inactive = input.records.filter((r) => r.state === 'failed' || r.state === 'disabled');
  if (inactive.length) {
    lines.push('', 'Not started:', ...inactive.map((r) => `  ${r.name.padEnd(12)} ${r.state}: ${r.reason ?? ''}`));
  }
  const ready = providers.filter(usable);
  if (providers.length > 0 && ready.length === 0) lines.push('', firstStep(providers));
  const anthropic = ready.filter((p) => p.apis.includes('anthropic'));
  if (anthropic.length) {
    lines.push('', 'Claude Code:');
    // Claude Code needs some key to start without a login prompt; the proxy replaces it with its own.
    const key = input.authRequired ? 'ANTHROPIC_API_KEY=<your server.auth_token> ' : 'ANTHROPIC_API_KEY=unused ';
    for (const p of anthropic) lines.push(`  ${key}ANTHROPIC_BASE_URL=${input.url}${p.plugin.routerPrefix} claude`);
  }
  const responses = ready.filter((p) => p.apis.includes('responses'));
  if (responses.length) {
    const key = input.authRequired ? '<your server.auth_token>' : 'unused';
    lines.push('', `Codex: add to ~/.codex/config.toml, export CCPROXY_API_KEY=${key}, run codex -c model_provider=<id>:`);
    for (const p of responses) lines.push(...codexProvider(input.url, p.plugin));
  }
  return lines.join('\n') + '\n';
}
