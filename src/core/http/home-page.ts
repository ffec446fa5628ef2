/**
 * `GET /`: where a person lands who opens the proxy's address. It lists each running provider's
 * base URL and the root routes, the health of each plugin (what `/health` says), links (health,
 * plugins, models, the docs shipped with ccproxy) and the links plugins add (a dashboard):
 * HTML for a browser (`Accept: text/html`), JSON otherwise. It is an ordinary route: the guards
 * (Host, Origin, `server.auth_token`) apply to it like to every other, and it shows no secret.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ApiFormat } from '../adapter.js';
import type { HealthDocument } from '../health/aggregate.js';
import type { PageLink } from '../plugin.js';
import { renderHomeHtml, type HomeDocument } from './home-html.js';

export type { HomeDocument } from './home-html.js';
import './fastify-types.js';

export interface HomeProvider {
  name: string;
  prefix: string;
  apis: readonly ApiFormat[];
}

export interface HomePageOptions {
  version: string;
  /** The `/health` document (its checks run, bounded, as for `/health`). */
  health: () => Promise<HealthDocument>;
  /** Running providers. */
  providers: () => HomeProvider[];
  /** Plugins that are not running, with why. */
  inactive: () => Array<{ name: string; state: string; reason?: string }>;
  /** Links plugins add (a dashboard...), href absolute. */
  pluginLinks: () => Array<PageLink & { plugin: string }>;
  /** Names of the documents served under `/docs/` (see docs-routes.ts). */
  docs: readonly string[];
}

const ROOT_ROUTES = ['POST /v1/messages', 'POST /v1/messages/count_tokens', 'POST /v1/chat/completions', 'POST /v1/responses', 'GET /v1/models'];

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /\btext\/html\b/i.test(accept);
}

export function homePage(opts: HomePageOptions): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { config: { api: 'chat' } }, async (request, reply) => {
      const doc = await homeDocument(opts, `${request.protocol}://${request.host}`);
      reply.header('cache-control', 'no-store').header('vary', 'Accept');
      if (wantsHtml(request)) return reply.type('text/html; charset=utf-8').send(renderHomeHtml(doc));
      return doc;
    });
  };
}

async function homeDocument(opts: HomePageOptions, base: string): Promise<HomeDocument> {
  const health = await opts.health();
  const check = (name: string): { status?: string; output?: string } => {
    const c = health.checks[`plugin:${name}`]?.[0];
    return c ? { status: c.status, ...(c.output ? { output: c.output } : {}) } : {};
  };
  return {
    name: 'ccproxy',
    version: opts.version,
    base_url: base,
    status: health.status,
    root_routes: ROOT_ROUTES,
    providers: opts.providers().map((p) => ({ name: p.name, base_url: `${base}${p.prefix}`, apis: p.apis, ...check(p.name) })),
    not_running: opts.inactive(),
    links: [
      { title: 'Health (IETF health document)', href: '/health' },
      { title: 'Plugins: state, routes, tasks', href: '/plugins' },
      { title: 'Models of every provider', href: '/v1/models' },
      ...opts.pluginLinks().map((l) => ({ title: l.title, href: l.path, plugin: l.plugin })),
      ...opts.docs.map((name) => ({ title: `Docs: ${name}`, href: `/docs/${name}` })),
    ],
  };
}
