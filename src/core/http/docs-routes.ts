/**
 * `GET /docs/<name>`: the documents shipped with ccproxy (README.md and docs/*.md), as markdown
 * text, so the links on the `GET /` page lead somewhere on a machine without internet. The names
 * are read once when mounted; a request can only pick one of them (no path from the client ever
 * reaches the file system).
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import { ProxyError } from '../errors.js';

/** The package root: src/core/http and dist/core/http are both three levels below it. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** name → file, for README.md and every docs/*.md (none when the package ships without them). */
export function shippedDocs(root = PACKAGE_ROOT): Map<string, string> {
  const docs = new Map<string, string>([['README.md', join(root, 'README.md')]]);
  try {
    for (const name of readdirSync(join(root, 'docs')).sort()) if (name.endsWith('.md')) docs.set(name, join(root, 'docs', name));
  } catch {
    /* no docs folder */
  }
  return docs;
}

export function docsRoutes(docs: Map<string, string>): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { name: string } }>('/docs/:name', { config: { api: 'chat' } }, async (request, reply) => {
      const file = docs.get(request.params.name);
      const text = file ? await readFile(file, 'utf8').catch(() => undefined) : undefined;
      if (text === undefined) throw new ProxyError('not_found', `No document ${request.params.name}; there are: ${[...docs.keys()].join(', ')}`, { code: 'CCPROXY_ERR_NOT_FOUND' });
      return reply.type('text/markdown; charset=utf-8').header('x-content-type-options', 'nosniff').send(text);
    });
  };
}
