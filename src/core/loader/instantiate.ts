/**
 * Importing one plugin module, building its `Plugin` export (class or factory) and checking the
 * result against the protocol. Every failure becomes a reason string, never a thrown error, so one
 * broken plugin cannot stop the others.
 */
import { pathToFileURL } from 'node:url';
import type { AnyPlugin, PluginExport } from '../plugin.js';
import { errorMessage, withTimeout } from '../plugin-lifecycle.js';
import type { PluginCandidate } from './types.js';

export type Instantiated = { ok: true; plugin: AnyPlugin } | { ok: false; reason: string };

const NAME = /^[a-z][a-z0-9_]*$/;
const BASE_METHODS = ['initialize', 'shutdown', 'createConfig', 'validate', 'getRoutes', 'healthCheck', 'getScheduledTasks'] as const;

function isClass(fn: unknown): fn is new () => AnyPlugin {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** Why `value` is not a usable plugin, or undefined when it conforms. */
export function conformanceProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'Plugin did not produce an object';
  const p = value as Record<string, unknown>;
  if (typeof p.name !== 'string' || !NAME.test(p.name)) return `invalid name ${JSON.stringify(p.name)}: must match ${NAME.source}`;
  if (typeof p.version !== 'string' || p.version === '') return 'missing version (a string)';
  if (p.kind !== 'provider' && p.kind !== 'plugin') return `invalid kind ${JSON.stringify(p.kind)}: must be "provider" or "plugin"`;
  const prefix = p.routerPrefix;
  if (p.kind === 'provider' || prefix !== undefined) {
    if (typeof prefix !== 'string' || !prefix.startsWith('/') || prefix.length < 2 || prefix.endsWith('/')) {
      return `invalid routerPrefix ${JSON.stringify(prefix)}: must start with "/" and not end with "/"`;
    }
  }
  const schema = p.configSchema as { safeParse?: unknown } | undefined;
  if (typeof schema?.safeParse !== 'function') return 'configSchema is not a zod schema';
  const methods: readonly string[] = p.kind === 'provider' ? [...BASE_METHODS, 'createAdapter'] : BASE_METHODS;
  const missing = methods.filter((m) => typeof p[m] !== 'function');
  if (missing.length) return `missing method(s) ${missing.join(', ')}`;
  if (p.getRootRoutes !== undefined && typeof p.getRootRoutes !== 'function') return 'getRootRoutes is not a method';
  return undefined;
}

/** Build the plugin object from the module's `Plugin` export. */
export async function construct(exported: unknown): Promise<AnyPlugin> {
  if (isClass(exported)) return new exported();
  if (typeof exported === 'function') return await (exported as Exclude<PluginExport, new () => AnyPlugin>)();
  throw new Error('module does not export Plugin (a class or a factory function)');
}

export async function instantiate(candidate: PluginCandidate, timeoutMs: number): Promise<Instantiated> {
  let mod: Record<string, unknown>;
  try {
    mod = await withTimeout(
      () => import(pathToFileURL(candidate.location).href) as Promise<Record<string, unknown>>,
      timeoutMs,
      `import timed out after ${timeoutMs / 1000}s`,
    );
  } catch (err) {
    return { ok: false, reason: `import failed: ${errorMessage(err)}` };
  }
  let plugin: AnyPlugin;
  try {
    plugin = await withTimeout(() => construct(mod.Plugin), timeoutMs, `Plugin construction timed out after ${timeoutMs / 1000}s`);
  } catch (err) {
    return { ok: false, reason: `cannot create plugin: ${errorMessage(err)}` };
  }
  const problem = conformanceProblem(plugin);
  return problem ? { ok: false, reason: `does not follow the plugin protocol: ${problem}` } : { ok: true, plugin };
}
