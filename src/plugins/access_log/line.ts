/**
 * What one request looks like in the access log: a JSON object (the file) and a short human line
 * (stdout). Metadata only: no body, no header, no error message (it may quote the upstream).
 */
import type { RequestRecord } from '../../plugin.js';

export function jsonLine(r: RequestRecord): string {
  const u = r.usage;
  return JSON.stringify({
    time: r.time,
    request_id: r.request_id,
    api: r.api,
    route: r.route,
    provider: r.provider,
    account: r.account,
    client: r.client,
    requested_model: r.requested_model,
    model: r.model,
    status: r.status,
    stream: r.stream,
    duration_ms: r.duration_ms,
    ttfb_ms: r.ttfb_ms,
    input_tokens: u?.input_tokens ?? null,
    cache_read_tokens: u?.cache_read_tokens ?? null,
    cache_write_tokens: u?.cache_write_tokens ?? null,
    output_tokens: u?.output_tokens ?? null,
    reasoning_tokens: u?.reasoning_tokens ?? null,
    error_type: r.error_type,
  }) + '\n';
}

/** e.g. `[access] 12:04:05 200 anthropic claude_api/max claude-sonnet-4-5 stream 812ms ttfb 95ms in 12 cache 0r/0w out 40` */
export function humanLine(r: RequestRecord): string {
  const who = r.account ? `${r.provider}/${r.account}` : r.provider;
  const parts = [r.time.slice(11, 19), String(r.status), r.api ?? '-', who, r.model ?? '-'];
  if (r.stream) parts.push('stream');
  parts.push(`${Math.round(r.duration_ms)}ms`);
  if (r.ttfb_ms !== null) parts.push(`ttfb ${Math.round(r.ttfb_ms)}ms`);
  const u = r.usage;
  if (u) parts.push(`in ${u.input_tokens} cache ${u.cache_read_tokens}r/${u.cache_write_tokens}w out ${u.output_tokens}`);
  if (r.error_type) parts.push(r.error_type);
  return `[access] ${parts.join(' ')}\n`;
}
