/**
 * Plugin lifecycle steps the runtime runs for every plugin, each isolated and bounded so one bad
 * plugin (hangs, throws, bad config) is marked failed with a reason and never stops the others.
 */
import type { Logger } from 'pino';
import type { AnyPlugin } from './plugin.js';
import type { CoreServices } from './services.js';

export class TimeoutError extends Error {}

/** Resolve/reject like `work`, or reject with TimeoutError after `ms`. The timer never holds the process. */
export async function withTimeout<T>(work: () => Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(message)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(work), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** initialize() then validate(), bounded; resolves to a failure reason or undefined when ready. */
export async function startPlugin(plugin: AnyPlugin, services: CoreServices, timeoutSeconds: number): Promise<string | undefined> {
  try {
    await withTimeout(() => plugin.initialize(services), timeoutSeconds * 1000, `initialize timed out after ${timeoutSeconds}s`);
  } catch (err) {
    return err instanceof TimeoutError ? err.message : `initialize failed: ${errorMessage(err)}`;
  }
  try {
    const ok = await withTimeout(() => plugin.validate(), timeoutSeconds * 1000, `validate timed out after ${timeoutSeconds}s`);
    return ok === false ? 'validation failed' : undefined;
  } catch (err) {
    return err instanceof TimeoutError ? err.message : `validate failed: ${errorMessage(err)}`;
  }
}

/** shutdown() every plugin concurrently, each bounded; failures are logged, never thrown. */
export async function shutdownPlugins(plugins: AnyPlugin[], timeoutSeconds: number, logger: Logger): Promise<void> {
  await Promise.all(plugins.map(async (p) => {
    try {
      await withTimeout(() => p.shutdown(), timeoutSeconds * 1000, `shutdown timed out after ${timeoutSeconds}s`);
    } catch (err) {
      logger.warn({ plugin: p.name, error: errorMessage(err) }, 'plugin shutdown failed');
    }
  }));
}
