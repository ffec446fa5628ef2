/**
 * How the CLI reports failure: one readable line on stderr and a non-zero exit code; the stack
 * only with --debug.
 */
export function reportError(err: unknown, debug: boolean): number {
  const message = err instanceof Error ? err.message : String(err);
  const firstLine = message.split('\n')[0] ?? message;
  process.stderr.write(`ccproxy: ${debug ? message : firstLine}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return 1;
}

/** A failure the user caused (bad name, missing file...): reported like any error, no stack needed. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
