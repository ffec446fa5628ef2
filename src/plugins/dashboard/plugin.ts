/**
 * The dashboard plugin: `GET /dashboard`, a page with provider health, usage and API-equivalent
 * cost by day (from the usage plugin's `/usage`), and a live feed of finished requests (SSE at
 * `/dashboard/events`). Behind the core guards like every route (Host, `server.auth_token`), and
 * refused to pages of other origins whatever `server.cors_origins` says.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DashboardConfigSchema } from './config.js';
import { LiveFeed } from './feed.js';
import { APP_CSS, APP_JS, pageHtml } from './page.js';
import { definePlugin, refuseCrossOrigin } from './framework.js';

const PREFIX = '/dashboard';
// The page's own resources only; uPlot sets element styles through the CSSOM, which style-src allows.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function uplotAsset(file: string): string {
  return readFileSync(createRequire(import.meta.url).resolve(`uplot/dist/${file}`), 'utf8');
}

export const Plugin = definePlugin({
  kind: 'plugin',
  name: 'dashboard',
  version: '1.0.0',
  description: 'A page at /dashboard: provider health, usage and API-equivalent cost over time, live request feed',
  prefix: PREFIX,
  config: DashboardConfigSchema,
  async setup({ config, services }) {
    const files = { js: uplotAsset('uPlot.iife.min.js'), css: uplotAsset('uPlot.min.css') };
    const live = new LiveFeed(services.events);
    const html = pageHtml(PREFIX, config.usage_days);
    return {
      routes: async (app) => {
        app.addHook('onRequest', refuseCrossOrigin);
        app.addHook('preClose', async () => live.close());
        app.get('/', async (_request, reply) => reply
          .type('text/html; charset=utf-8').header('content-security-policy', CSP).header('cache-control', 'no-store').send(html));
        const asset = (path: string, type: string, body: string): void => {
          app.get(path, async (_request, reply) => reply.type(type).header('cache-control', 'no-cache').send(body));
        };
        asset('/app.js', 'text/javascript; charset=utf-8', APP_JS);
        asset('/app.css', 'text/css; charset=utf-8', APP_CSS);
        asset('/uplot.js', 'text/javascript; charset=utf-8', files.js);
        asset('/uplot.css', 'text/css; charset=utf-8', files.css);
        // No HEAD twin: a stream has no end for a HEAD request to wait for.
        app.get('/events', { exposeHeadRoute: false }, (_request, reply) => live.attach(reply));
      },
      pageLinks: () => [{ title: 'Dashboard: health, usage and cost, live requests', path: '/' }],
      async close() {
        live.close();
      },
    };
  },
});
