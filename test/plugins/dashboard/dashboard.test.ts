/**
 * The dashboard in a real browser (Debian's chromium driven by playwright-core): the page loads
 * behind `server.auth_token`, the usage chart renders a week of usage the usage plugin recorded, a
 * request an OpenAI SDK client makes through the proxy appears in the live feed with the token
 * numbers the fake upstream reported, and pages of other origins are refused. Skipped where no
 * chromium is installed (`.ci/run` installs it). The screenshot goes to $DASHBOARD_SCREENSHOT
 * (docs/images/dashboard.png is made with DASHBOARD_SCREENSHOT=docs/images/dashboard.png), else a temp file.
 */
import OpenAI from 'openai';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type RunningProxy } from '../../../src/core/runtime.js';
import { FakeOpenAICompatible } from '../../fakes/openai-compatible.js';
import { seedRecord, seedUsage } from '../observability/seed.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'dashboard-test-token-0123456789';

let proxy: RunningProxy;
let upstream: FakeOpenAICompatible;
let home: string;
let browser: Browser | undefined;

beforeAll(async () => {
  upstream = await new FakeOpenAICompatible().start();
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'ccproxy-dashboard-'));
  // A week of use, for the chart: Claude Code on the subscription, an OpenAI SDK app on a key.
  const day = 86_400_000;
  const today = Math.floor(Date.now() / day) * day;
  seedUsage(path.join(home, 'data'), Array.from({ length: 7 }, (_, i) => today - (7 - i) * day + 3_600_000).flatMap((t, i) => [
    seedRecord(t, { tokens: { input_tokens: 4_000 + 900 * i, cache_read_tokens: 300_000 + 60_000 * (i % 3), cache_write_tokens: 20_000, output_tokens: 15_000 + 2_000 * i } }),
    seedRecord(t + 60_000, { provider: 'openai', api: 'chat', client: 'OpenAI', model: 'gpt-4o', tokens: { input_tokens: 50_000 - 4_000 * i, output_tokens: 8_000 } }),
  ]));
  proxy = await startProxy({
    env: { HOME: home, XDG_STATE_HOME: path.join(home, 'state'), XDG_DATA_HOME: path.join(home, 'data'), XDG_CACHE_HOME: path.join(home, 'cache') },
    overrides: {
      server: { port: 0, auth_token: TOKEN },
      logging: { level: 'silent' },
      enabled_plugins: ['openai', 'usage', 'dashboard'],
      plugins: { openai: { base_url: upstream.baseUrl, api_key: upstream.apiKey } },
    },
  });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await upstream?.close();
  if (home) await fs.rm(home, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe('dashboard routes', () => {
  it('refuses a caller without the proxy token', async () => {
    expect((await fetch(`${proxy.url}/dashboard`)).status).toBe(401);
  });

  it('serves the page with a strict content security policy and its scripts from the package', async () => {
    const page = await fetch(`${proxy.url}/dashboard`, { headers: auth });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const uplot = await fetch(`${proxy.url}/dashboard/uplot.js`, { headers: auth });
    expect(uplot.status).toBe(200);
    expect(await uplot.text()).toContain('uPlot');
  });

  it('refuses the live feed to a page of another origin, even with the token', async () => {
    const res = await fetch(`${proxy.url}/dashboard/events`, { headers: { ...auth, origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    await res.body?.cancel();
  });
});

describe.skipIf(!existsSync(CHROMIUM))('dashboard in headless chromium', () => {
  it('shows a request made through the proxy in the live feed, with the upstream\'s token numbers', async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    // The token on every request the page makes (the document, its scripts, fetch and EventSource), as a header.
    const context = await browser.newContext({ extraHTTPHeaders: auth, viewport: { width: 1100, height: 700 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    page.on('response', (res) => { if (res.status() >= 400) errors.push(`${res.status()} ${res.url()}`); });
    await page.goto(`${proxy.url}/dashboard`);
    await page.waitForFunction("document.getElementById('feed-status')?.textContent === 'live'", undefined, { timeout: 60_000 });
    await page.waitForFunction("!document.querySelector('#health li')?.textContent?.includes('loading')", undefined, { timeout: 60_000 });
    expect(await page.textContent('#health')).toContain('openai');
    // The week the usage plugin recorded, charted: one point per day, and the totals above it.
    await page.locator('#usage-chart[data-rendered="true"]').waitFor({ timeout: 60_000 });
    expect(await page.getAttribute('#usage-chart', 'data-points')).toBe('7');
    expect(await page.locator('#usage-chart canvas').count()).toBe(1);
    expect(await page.textContent('#usage-status')).toMatch(/^14 requests, .* API-equivalent cost \$\d+\.\d\d$/);

    const client = new OpenAI({ baseURL: `${proxy.url}/openai/v1`, apiKey: TOKEN, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'gpt-test-1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }],
    }).withResponse();
    for await (const _ of stream.data) { /* drain */ }
    const id = stream.response.headers.get('x-request-id')!;
    expect(id).toBeTruthy();

    const row = page.locator(`tr[data-request-id="${id}"]`);
    await row.waitFor({ timeout: 60_000 });
    const cells = await row.locator('td').allTextContents();
    // time, status, provider, model, api, duration, first byte, in, cache read, out, error
    expect(cells[1]).toBe('200');
    expect(cells[2]).toMatch(/^openai/);
    expect(cells[3]).toBe('gpt-test-1');
    expect(cells[4]).toBe('chat');
    expect(cells[7]).toBe('21');
    expect(cells[9]).toBe('9');
    expect(cells[10]).toBe('');
    // The chart refreshes once requests calm down: today's request joins it as an eighth day.
    await page.locator('#usage-chart[data-points="8"]').waitFor({ state: 'attached', timeout: 60_000 });
    const shot = process.env.DASHBOARD_SCREENSHOT ?? path.join(home, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect((await fs.stat(shot)).size).toBeGreaterThan(10_000);
    expect(errors).toEqual([]);
    await context.close();
  });
});
