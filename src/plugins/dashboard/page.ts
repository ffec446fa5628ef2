/**
 * The dashboard page, its stylesheet and its script: shipped in the package as strings (no build
 * step, no CDN). The script reads the page's own routes only: `/health`, `/usage` (when the usage
 * plugin runs) and the live feed; the chart is uPlot, served from the package's dependency.
 */

export function pageHtml(prefix: string, usageDays: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ccproxy dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${prefix}/uplot.css">
<link rel="stylesheet" href="${prefix}/app.css">
</head>
<body data-prefix="${prefix}" data-usage-days="${usageDays}">
<header><h1>ccproxy</h1><span id="feed-status" class="muted">connecting…</span></header>
<main>
<section><h2>Providers</h2><ul id="health" class="muted"><li>loading…</li></ul></section>
<section><h2>Usage, last ${usageDays} days</h2><p id="usage-status" class="muted">loading…</p><div id="usage-chart"></div></section>
<section><h2>Live requests</h2>
<table><thead><tr><th>time</th><th>status</th><th>provider</th><th>model</th><th>api</th><th>duration</th><th>first byte</th><th>in</th><th>cache read</th><th>out</th><th>error</th></tr></thead>
<tbody id="feed"></tbody></table>
<p id="feed-empty" class="muted">Requests appear here as they finish.</p></section>
</main>
<script src="${prefix}/uplot.js"></script>
<script src="${prefix}/app.js"></script>
</body>
</html>
`;
}

export const APP_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { display: flex; gap: 1em; align-items: baseline; padding: .6em 1.2em; background: #1d1d1f; color: #fff; }
header h1 { font-size: 1.1em; margin: 0; }
main { padding: 0 1.2em 2em; }
h2 { font-size: 1em; margin: 1.4em 0 .5em; }
.muted { color: #777; }
header .muted { color: #bbb; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: .2em .6em; border-bottom: 1px solid #e4e4e4; white-space: nowrap; }
tr.failed td { color: #b3261e; }
#health { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4em 1.4em; }
.pass::before { content: "● "; color: #1e8e3e; }
.warn::before { content: "● "; color: #e37400; }
.fail::before { content: "● "; color: #b3261e; }
`;

// Runs in the browser: plain ES2020, DOM only; text goes in through textContent, never innerHTML.
export const APP_JS = `'use strict';
(() => {
  const prefix = document.body.dataset.prefix;
  const days = Number(document.body.dataset.usageDays);
  const $ = (id) => document.getElementById(id);
  const cell = (tr, text) => { const td = document.createElement('td'); td.textContent = text == null ? '' : String(text); tr.appendChild(td); };

  async function loadHealth() {
    const list = $('health');
    try {
      const doc = await (await fetch('/health', { headers: { accept: 'application/json' } })).json();
      list.replaceChildren();
      for (const [name, results] of Object.entries(doc.checks || {})) {
        const r = results[0] || {};
        const li = document.createElement('li');
        li.className = r.status || 'fail';
        li.textContent = name + (r.output ? ': ' + r.output : '');
        list.appendChild(li);
      }
      if (!list.children.length) list.textContent = 'status: ' + doc.status;
    } catch (err) {
      list.textContent = 'health unavailable: ' + err;
    }
  }

  let chart;
  async function loadUsage() {
    const status = $('usage-status');
    const box = $('usage-chart');
    let doc;
    try {
      const res = await fetch('/usage?group_by=day&since=' + days + 'd', { headers: { accept: 'application/json' } });
      if (res.status === 404) { status.textContent = 'The usage plugin is off: enable [plugins.usage] to see tokens and API-equivalent cost.'; return; }
      if (!res.ok) { status.textContent = 'usage unavailable (HTTP ' + res.status + ')'; return; }
      doc = await res.json();
    } catch (err) {
      status.textContent = 'usage unavailable: ' + err;
      return;
    }
    const rows = doc.rows || [];
    const t = doc.total || {};
    status.textContent = (t.requests || 0) + ' requests, ' +
      ((t.input_tokens || 0) + (t.cache_read_tokens || 0) + (t.cache_write_tokens || 0)).toLocaleString() + ' input and ' +
      (t.output_tokens || 0).toLocaleString() + ' output tokens, API-equivalent cost $' + (t.cost_usd || 0).toFixed(2);
    box.dataset.points = String(rows.length);
    if (!rows.length) { if (chart) { chart.destroy(); chart = undefined; } return; }
    const data = [
      rows.map((r) => Date.parse(r.key + 'T00:00:00Z') / 1000),
      rows.map((r) => r.input_tokens + r.cache_read_tokens + r.cache_write_tokens),
      rows.map((r) => r.output_tokens),
      rows.map((r) => r.cost_usd),
    ];
    if (chart) { chart.setData(data); return; }
    chart = new uPlot({
      width: Math.min(900, box.clientWidth || 900), height: 260,
      scales: { x: { time: true }, usd: {} },
      series: [
        {},
        { label: 'input tokens', stroke: '#1a73e8', points: { show: true } },
        { label: 'output tokens', stroke: '#9334e6', points: { show: true } },
        { label: 'API cost (USD)', stroke: '#1e8e3e', scale: 'usd', points: { show: true }, value: (u, v) => v == null ? '-' : '$' + v.toFixed(4) },
      ],
      axes: [{}, { label: 'tokens' }, { side: 1, scale: 'usd', label: 'USD', grid: { show: false } }],
    }, data, box);
    box.dataset.rendered = 'true';
  }

  let usageTimer;
  function addRow(item) {
    $('feed-empty').hidden = true;
    const tr = document.createElement('tr');
    tr.dataset.requestId = item.request_id;
    if (!item.ok) tr.className = 'failed';
    cell(tr, item.time.slice(11, 19));
    cell(tr, item.status);
    cell(tr, item.provider);
    cell(tr, item.model);
    cell(tr, item.api);
    cell(tr, item.duration_ms + ' ms');
    cell(tr, item.ttfb_ms == null ? '' : item.ttfb_ms + ' ms');
    cell(tr, item.input_tokens);
    cell(tr, item.cache_read_tokens);
    cell(tr, item.output_tokens);
    cell(tr, item.error);
    const feed = $('feed');
    feed.prepend(tr);
    while (feed.children.length > 200) feed.lastChild.remove();
    // The usage plugin has recorded it by now (same event, earlier listener or not): refresh once things calm down.
    clearTimeout(usageTimer);
    usageTimer = setTimeout(loadUsage, 1000);
  }

  const source = new EventSource(prefix + '/events');
  source.onopen = () => { $('feed-status').textContent = 'live'; };
  source.onerror = () => { $('feed-status').textContent = 'reconnecting…'; };
  source.addEventListener('request', (ev) => addRow(JSON.parse(ev.data)));
  loadHealth();
  loadUsage();
})();
`;
