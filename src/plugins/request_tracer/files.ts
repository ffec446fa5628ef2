/**
 * The layout of one trace folder, shared by the plugin (writes) and `ccproxy trace` (reads):
 * `client-request.http`, `upstream-<n>-request.http`, `upstream-<n>-response.http` (one pair per
 * upstream attempt), `client-response.http`, each a request or status line, headers, a blank line
 * and the body as it went over the wire (streams as received), and `meta.json` once it ended.
 */
import path from 'node:path';

export const META = 'meta.json';

/** The order a person reads an exchange in. */
export function exchangeOrder(files: string[]): string[] {
  const rank = (f: string): number => {
    if (f === 'client-request.http') return 0;
    const m = /^upstream-(\d+)-(request|response)\.http$/.exec(f);
    if (m) return 1 + Number(m[1]) * 2 + (m[2] === 'response' ? 1 : 0);
    if (f === 'client-response.http') return 1e6;
    return 2e6;
  };
  return files.filter((f) => f !== META).sort((a, b) => rank(a) - rank(b));
}

/** A request id as a folder name: nothing but `[A-Za-z0-9._-]`, never `.` or `..`. */
export function folderName(requestId: string): string {
  const safe = requestId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
  return /^\.+$/.test(safe) || safe === '' ? `_${safe}` : safe;
}

export function traceDir(configured: string, stateDir: string): string {
  return configured || path.join(stateDir, 'traces');
}
