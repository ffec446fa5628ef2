/**
 * The HTML form of the `GET /` page: one small static document, no script, no external resource.
 * Every value is escaped (plugin names, titles and health outputs come from third-party plugins).
 */
import type { ApiFormat } from '../adapter.js';
import type { HealthDocument } from '../health/aggregate.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** What `GET /` shows, as JSON or rendered here as HTML. */
export interface HomeDocument {
  name: 'ccproxy';
  version: string;
  base_url: string;
  status: HealthDocument['status'];
  root_routes: string[];
  providers: Array<{ name: string; base_url: string; apis: readonly ApiFormat[]; status?: string; output?: string }>;
  not_running: Array<{ name: string; state: string; reason?: string }>;
  links: Array<{ title: string; href: string; plugin?: string }>;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Only site-relative links and http(s) URLs become links; anything else (javascript:...) is text. */
function link(href: string, title: string): string {
  const safe = href.startsWith('/') && !href.startsWith('//') ? href : /^https?:\/\//i.test(href) ? href : undefined;
  return safe ? `<a href="${escapeHtml(safe)}">${escapeHtml(title)}</a>` : `${escapeHtml(title)} (${escapeHtml(href)})`;
}

const STATUS_MARK: Record<string, string> = { pass: 'ok', warn: 'attention', fail: 'failing' };

export function renderHomeHtml(doc: HomeDocument): string {
  const providers = doc.providers.map((p) => `<tr><td>${escapeHtml(p.name)}</td><td><code>${escapeHtml(p.base_url)}</code></td>` +
    `<td>${escapeHtml(p.apis.join(', '))}</td><td class="${escapeHtml(p.status ?? '')}">${escapeHtml(STATUS_MARK[p.status ?? ''] ?? p.status ?? '')}</td>` +
    `<td>${escapeHtml(p.output ?? '')}</td></tr>`).join('\n');
  const inactive = doc.not_running.map((r) => `<li>${escapeHtml(r.name)}: ${escapeHtml(r.state)}${r.reason ? ` (${escapeHtml(r.reason)})` : ''}</li>`).join('\n');
  const links = doc.links.map((l) => `<li>${link(l.href, l.title)}${l.plugin ? ` <small>(${escapeHtml(l.plugin)})</small>` : ''}</li>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ccproxy ${escapeHtml(doc.version)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
code { font-size: 90%; } .pass { color: #1a7f37; } .warn { color: #9a6700; } .fail { color: #cf222e; }
</style>
</head>
<body>
<h1>ccproxy ${escapeHtml(doc.version)}</h1>
<p>Status: <strong class="${escapeHtml(doc.status)}">${escapeHtml(STATUS_MARK[doc.status] ?? doc.status)}</strong> (<a href="/health">/health</a>)</p>
<h2>Providers</h2>
${doc.providers.length ? `<table>\n<tr><th>Provider</th><th>Base URL</th><th>APIs</th><th>Health</th><th></th></tr>\n${providers}\n</table>` : '<p>No provider is running.</p>'}
<p>One base URL for all of them, the provider chosen by model: <code>${escapeHtml(doc.base_url)}</code> (${escapeHtml(doc.root_routes.join(', '))}).</p>
${inactive ? `<h2>Not running</h2>\n<ul>\n${inactive}\n</ul>` : ''}
<h2>Links</h2>
<ul>
${links}
</ul>
</body>
</html>
`;
}
