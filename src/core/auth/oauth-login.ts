/**
 * Browser login with OAuth 2.0 authorization code + PKCE, provider-agnostic.
 *
 * Browser mode: a loopback callback server (port and path configurable: Claude uses an ephemeral
 * port, Codex needs 1455 `/auth/callback`) receives `?code=&state=`, the browser is opened best
 * effort (failure to open never fails the flow: the URL is printed too).
 * No-browser mode: the URL is printed with the provider's manual redirect URI, and the person pastes
 * what the provider shows: `code#state`, the full callback URL, or the bare code (the caller says
 * which one to ask for: one instruction, one prompt).
 * Either way the code is exchanged by the caller's `exchange` function.
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createPkcePair, createState } from './pkce.js';

export interface AuthorizationCode {
  code: string;
  state: string;
  /** PKCE verifier to send with the token exchange. */
  verifier: string;
  /** The redirect URI used in the authorize request (token endpoints require the same). */
  redirectUri: string;
}

export interface OAuthLoginOptions<T> {
  authorizeUrl: string;
  clientId: string;
  scopes: string[];
  /**
   * Redirect URI for browser mode, e.g. `http://localhost:1455/auth/callback`. A `{port}`
   * placeholder (or port 0) means "the port the callback server got".
   */
  redirectUri: string;
  /** Redirect URI for no-browser mode (a provider page that displays the code). Default: redirectUri. */
  manualRedirectUri?: string;
  /**
   * What no-browser mode asks for, in one instruction and one prompt. Default: the code the
   * provider's page shows. (Codex has no such page: the person pastes the redirect URL.)
   */
  manualInput?: { instructions: string; prompt: string };
  /** Extra query parameters for the authorize URL (e.g. `{ code: 'true' }`). */
  extraAuthorizeParams?: Record<string, string>;
  noBrowser: boolean;
  print: (line: string) => void;
  prompt: (question: string) => Promise<string>;
  /** Override how the browser is opened (tests); default tries xdg-open / open / start. */
  openBrowser?: (url: string) => void | Promise<void>;
  /** Called once the callback server listens (tests use it to drive the redirect). */
  onAuthorizeUrl?: (url: string) => void;
  /** How long to wait for the callback (default 5 min). */
  timeoutMs?: number;
  exchange: (code: AuthorizationCode) => Promise<T>;
}

/** Run the whole login and return what `exchange` returned. */
export async function runOAuthLogin<T>(opts: OAuthLoginOptions<T>): Promise<T> {
  const pkce = createPkcePair();
  const state = createState();
  if (opts.noBrowser) {
    const redirectUri = opts.manualRedirectUri ?? opts.redirectUri;
    const url = buildAuthorizeUrl(opts, redirectUri, pkce.challenge, state);
    opts.onAuthorizeUrl?.(url);
    const ask = opts.manualInput ?? { instructions: 'Open this URL in a browser, log in, and paste the code shown afterwards:', prompt: 'Authorization code: ' };
    opts.print(ask.instructions);
    opts.print(url);
    const input = await opts.prompt(ask.prompt);
    const got = parseAuthorizationInput(input, state);
    return opts.exchange({ code: got.code, state, verifier: pkce.verifier, redirectUri });
  }

  const target = new URL(opts.redirectUri.replace('{port}', '0'));
  const callback = await startCallbackServer(Number(target.port || 0), target.pathname, state, opts.timeoutMs ?? 300_000);
  try {
    target.port = String(callback.port);
    const redirectUri = target.toString();
    const url = buildAuthorizeUrl(opts, redirectUri, pkce.challenge, state);
    opts.print('Opening the browser to log in. If it does not open, visit:');
    opts.print(url);
    opts.onAuthorizeUrl?.(url);
    await Promise.resolve((opts.openBrowser ?? openBrowser)(url)).catch(() => undefined);
    const code = await callback.code;
    return await opts.exchange({ code, state, verifier: pkce.verifier, redirectUri });
  } finally {
    await callback.close();
  }
}

export function buildAuthorizeUrl(
  opts: Pick<OAuthLoginOptions<unknown>, 'authorizeUrl' | 'clientId' | 'scopes' | 'extraAuthorizeParams'>,
  redirectUri: string,
  challenge: string,
  state: string,
): string {
  const url = new URL(opts.authorizeUrl);
  for (const [k, v] of Object.entries(opts.extraAuthorizeParams ?? {})) url.searchParams.set(k, v);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', opts.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', opts.scopes.join(' '));
  url.searchParams.set('code_challenge', challenge);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  return url.toString();
}

/**
 * Accept `code#state`, a full callback URL (`...?code=..&state=..`) or a bare code. A state that
 * is present must match (a mismatch means the code belongs to another login attempt).
 */
export function parseAuthorizationInput(input: string, expectedState: string): { code: string } {
  const text = input.trim();
  if (!text) throw new Error('No authorization code entered');
  let code = text;
  let state: string | undefined;
  if (/^https?:\/\//i.test(text)) {
    const url = new URL(text);
    const error = url.searchParams.get('error');
    if (error) throw new Error(`Authorization failed: ${url.searchParams.get('error_description') ?? error}`);
    code = url.searchParams.get('code') ?? '';
    state = url.searchParams.get('state') ?? (url.hash ? url.hash.slice(1) : undefined);
  } else if (text.includes('#')) {
    const i = text.indexOf('#');
    code = text.slice(0, i);
    state = text.slice(i + 1);
  }
  if (!code) throw new Error('No authorization code found in the input');
  if (state !== undefined && state !== '' && state !== expectedState) {
    throw new Error('The pasted code belongs to another login attempt (state mismatch); start the login again');
  }
  return { code };
}

interface CallbackServer {
  port: number;
  code: Promise<string>;
  close(): Promise<void>;
}

function startCallbackServer(port: number, pathname: string, state: string, timeoutMs: number): Promise<CallbackServer> {
  let resolveCode!: (code: string) => void;
  let rejectCode!: (err: Error) => void;
  const code = new Promise<string>((resolve, reject) => {
    resolveCode = resolve;
    rejectCode = reject;
  });
  code.catch(() => undefined);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== pathname) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    const error = url.searchParams.get('error');
    const got = url.searchParams.get('code');
    const gotState = url.searchParams.get('state');
    if (error) {
      res.writeHead(400, { 'content-type': 'text/html' }).end(page('Login failed. You can close this tab.'));
      rejectCode(new Error(`Authorization failed: ${url.searchParams.get('error_description') ?? error}`));
    } else if (!got || gotState !== state) {
      res.writeHead(400, { 'content-type': 'text/html' }).end(page('Invalid login callback (missing code or state mismatch).'));
      rejectCode(new Error('Invalid login callback: missing code or state mismatch'));
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page('Login complete. You can close this tab and return to the terminal.'));
      resolveCode(got);
    }
  });
  const timer = setTimeout(() => rejectCode(new Error(`No login callback within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  timer.unref();
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new Error(`Port ${port} is in use; cannot receive the login callback (use --no-browser)`) : err);
    });
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        code,
        close: () => {
          clearTimeout(timer);
          return new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          });
        },
      });
    });
  });
}

function page(message: string): string {
  return `<!doctype html><html><body><p>${message}</p></body></html>`;
}

/** Best-effort browser launch; never throws, never waits for the browser. */
export function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '""', url] : [url];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    /* no browser available: the URL was printed */
  }
}
