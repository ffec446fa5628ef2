/**
 * How a committed stream ends when the plugin's stream throws: with the route API's own error
 * event (`streamErrorText`), so the client sees a failure instead of a silently truncated answer.
 * Plugins never write one: they let the error propagate.
 */
import type { ApiFormat } from '../adapter.js';
import { ProxyError, UpstreamConnectionError, toProxyError } from '../errors.js';
import { streamErrorText } from '../../formats/sse.js';
import type { RequestAbort } from './request-abort.js';

/**
 * The error the client is told of: the upstream connection broke mid-stream (an I/O error of
 * undici or the socket, with its `code`), or the request was aborted (shutdown out of patience; a
 * client that left hears nothing) → "Upstream stream interrupted: …"; another ProxyError as it
 * is; anything else (a plugin's bug) without its internals.
 */
export function midStreamError(err: unknown, abort: RequestAbort, plugin: string): ProxyError {
  const reason = abort.aborted ? abort.reason : connectionFailure(err);
  if (reason) return new UpstreamConnectionError(`Upstream stream interrupted: ${reason.message}`, { plugin, cause: err });
  return toProxyError(err, plugin);
}

function connectionFailure(err: unknown): Error | undefined {
  if (err instanceof UpstreamConnectionError) return err;
  if (!(err instanceof Error) || err instanceof ProxyError) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(UND_ERR_|E[A-Z]+$)/.test(code) ? err : undefined;
}

/** The SSE text that ends a `api` stream which failed with `err`. */
export function streamErrorFor(api: ApiFormat, err: unknown, abort: RequestAbort, plugin: string, requestId: string): string {
  return streamErrorText(api, midStreamError(err, abort, plugin), { requestId });
}
