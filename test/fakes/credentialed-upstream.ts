/**
 * An upstream that checks the bearer token of every request, for the upstream client's tests: a
 * token it does not hold valid gets the API's 401 (`{"error":{"message":...}}`), a token it rate
 * limits gets a 429 with `retry-after`, a valid one gets its JSON body echoed back (`/echo`),
 * gzip-compressed (`/gzip`), or no answer at all (`/stall`). Every request is recorded.
 */
import http from 'node:http';
import { gzipSync } from 'node:zlib';
import { closeServer, listenLoopback, readBody } from './loopback.js';

export interface SeenRequest {
  path: string;
  token: string | undefined;
  body: string;
}

export interface CredentialedUpstream {
  url: string;
  seen: SeenRequest[];
  /** Tokens answered normally; change it between requests. */
  valid: Set<string>;
  /** Tokens answered with 429 + `retry-after: 30`. */
  limited: Set<string>;
  /** The 401 quotes the token it refused (as some servers do). */
  quoteRefused: boolean;
  close(): Promise<void>;
}

export async function startCredentialedUpstream(valid: string[] = []): Promise<CredentialedUpstream> {
  const state = { seen: [] as SeenRequest[], valid: new Set(valid), limited: new Set<string>(), quoteRefused: false };
  const server = http.createServer((req, res) => {
    void readBody(req).then((raw) => {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const body = raw.toString('utf8');
      const path = req.url ?? '/';
      state.seen.push({ path, token, body });
      if (path === '/stall') return;
      if (token && state.limited.has(token)) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30' });
        res.end(JSON.stringify({ error: { type: 'rate_limit_error', message: 'Rate limited' } }));
        return;
      }
      if (!token || !state.valid.has(token)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { type: 'authentication_error', message: state.quoteRefused ? `Invalid bearer token ${token}` : 'Invalid bearer token' } }));
        return;
      }
      const answer = JSON.stringify({ echo: body ? (JSON.parse(body) as unknown) : null, token });
      if (path === '/gzip') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync(answer));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(answer);
    });
  });
  const url = await listenLoopback(server);
  return {
    url,
    get seen() {
      return state.seen;
    },
    valid: state.valid,
    limited: state.limited,
    get quoteRefused() {
      return state.quoteRefused;
    },
    set quoteRefused(v: boolean) {
      state.quoteRefused = v;
    },
    close: () => closeServer(server),
  };
}
