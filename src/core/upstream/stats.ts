/**
 * What a provider's real requests last saw, for its health check (health never makes a paid call of
 * its own). Epoch ms are recorded per request and formatted only when health asks: two
 * `toISOString()` per request showed in the profile of the small-body workload.
 */
import { UpstreamError } from '../errors.js';

export class UpstreamStats {
  /** The last call's status (undefined when it failed without one: connection, credentials). */
  lastStatus?: number;
  lastError?: string;
  lastAtMs?: number;
  lastOkAtMs?: number;
  /** The last status an upstream answered with, success or error, and when. */
  lastResponse: { status: number; at: number } | null = null;

  get lastAt(): string | undefined {
    return this.lastAtMs === undefined ? undefined : new Date(this.lastAtMs).toISOString();
  }

  get lastOkAt(): string | undefined {
    return this.lastOkAtMs === undefined ? undefined : new Date(this.lastOkAtMs).toISOString();
  }

  succeeded(status: number): void {
    const now = Date.now();
    this.lastStatus = status;
    this.lastAtMs = this.lastOkAtMs = now;
    this.lastError = undefined;
    this.lastResponse = { status, at: now };
  }

  failed(err: unknown): void {
    const now = Date.now();
    this.lastAtMs = now;
    this.lastStatus = err instanceof UpstreamError ? err.upstreamStatus : undefined;
    this.lastError = err instanceof Error ? err.message : String(err);
    // A credential refused for good is the token source's own error, caused by the upstream's 401.
    const answered = err instanceof UpstreamError ? err : err instanceof Error && err.cause instanceof UpstreamError ? err.cause : undefined;
    if (answered) this.lastResponse = { status: answered.upstreamStatus, at: now };
  }
}
