/**
 * `ccproxy permissions`: approve or deny, from a terminal, the tool calls a running proxy's agents
 * ask permission for. It watches `GET /permissions/stream` of the proxy in the config (or `--url`),
 * with `server.auth_token` when one is set, shows each request as it arrives and takes one key per
 * request: y (allow), n (deny), a (allow, and every identical call in that session), q (quit).
 * Requests queue up and are asked one at a time; one decided elsewhere or expired is dropped with a
 * note. If the proxy restarts, it reconnects (what is still pending is sent again).
 */
import os from 'node:os';
import readline from 'node:readline';
import { createParser } from 'eventsource-parser';
import type { GlobalOptions } from '../context.js';
import { UsageError } from '../errors.js';
import { printable, renderPending, type PendingView } from '../permissions-view.js';
import { readVersion } from '../version.js';
import { proxyTarget, type ProxyTarget } from '../proxy-target.js';

export interface PermissionsOptions extends GlobalOptions {
  /** The proxy's base URL; default: `http://<server.host>:<server.port>` from the settings. */
  url?: string;
}

type Target = ProxyTarget;

type Answer = { decision: 'allow' | 'deny'; remember: 'session' | 'none' };

const ANSWERS: Record<string, Answer> = {
  y: { decision: 'allow', remember: 'none' },
  n: { decision: 'deny', remember: 'none' },
  a: { decision: 'allow', remember: 'session' },
};

const MAX_RECONNECT_MS = 10_000;

async function resolveTarget(opts: PermissionsOptions): Promise<Target> {
  const { loadSettings } = await import('../../core/config/load.js');
  const { settings } = await loadSettings({ configFile: opts.config, env: opts.env, cwd: opts.cwd });
  return proxyTarget(settings, opts.url, `ccproxy-permissions/${readVersion()} (${whoAmI()})`);
}

function whoAmI(): string {
  try {
    return `${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return os.hostname();
  }
}

/** Why a connection was refused, as something the person can act on. */
async function refusal(res: Response, base: string): Promise<UsageError> {
  if (res.status === 401) return new UsageError(`${base} wants its auth token: set server.auth_token in the config (or SERVER__AUTH_TOKEN) to the proxy's token`);
  if (res.status === 404) return new UsageError(`${base} serves no /permissions: is the claude_sdk plugin enabled, with builtin_permissions = true?`);
  const body = await res.text().catch(() => '');
  return new UsageError(`${base}/permissions/stream answered ${res.status}: ${printable(body.slice(0, 300))}`);
}

class Handler {
  private readonly queue = new Map<string, PendingView>();
  private current?: string;
  private busy = false;

  constructor(
    private readonly target: Target,
    private readonly out: NodeJS.WritableStream,
    private readonly quit: () => void,
  ) {}

  print(...lines: string[]): void {
    this.out.write(`${lines.join('\n')}\n`);
  }

  /** A new connection: the proxy sends again whatever is still pending. */
  reset(): void {
    this.queue.clear();
    this.current = undefined;
  }

  onEvent(type: string | undefined, data: Record<string, unknown>): void {
    const id = typeof data.id === 'string' ? data.id : undefined;
    if (!id) return;
    if (type === 'new') {
      this.queue.set(id, data as unknown as PendingView);
      if (this.current) this.print(`   (+ ${printable(String(data.tool))} request waiting: ${this.queue.size - 1} in the queue)`);
      this.showNext();
    } else if (type === 'decided' || type === 'expired') {
      if (!this.queue.delete(id)) return;
      // Our own answer comes back as `decided` before its POST returns: onKey reports it.
      if (this.current !== id || this.busy) return;
      this.current = undefined;
      const what = type === 'decided' ? `decided elsewhere: ${printable(String(data.decision))}` : `expired (${printable(String(data.reason))})`;
      this.print('', `   → ${what}`);
      this.showNext();
    }
  }

  async onKey(key: string): Promise<void> {
    if (key === 'q') return this.quit();
    const answer = ANSWERS[key.toLowerCase()];
    const id = this.current;
    if (!answer || !id || this.busy) return;
    this.busy = true;
    this.print(key);
    let settled = false;
    try {
      const res = await fetch(`${this.target.base}/permissions/${encodeURIComponent(id)}`, {
        method: 'POST',
        headers: { ...this.target.headers, 'content-type': 'application/json' },
        body: JSON.stringify(answer),
      });
      settled = res.ok || res.status === 404;
      if (res.status === 404) this.print('   → already decided elsewhere or expired');
      else if (!res.ok) this.print(`   → the proxy refused (${res.status}): ${printable((await res.text()).slice(0, 300))}; try again`);
      else this.print(answer.decision === 'deny' ? '   → denied' : answer.remember === 'session' ? '   → allowed, and for the rest of this session' : '   → allowed');
    } catch (err) {
      this.print(`   → could not reach the proxy (${(err as Error).message}); try again`);
    } finally {
      this.busy = false;
    }
    if (!settled) return;
    this.queue.delete(id);
    if (this.current === id) this.current = undefined;
    this.showNext();
  }

  private showNext(): void {
    if (this.current) return;
    const next = this.queue.values().next().value;
    if (!next) return;
    this.current = next.id;
    this.out.write(renderPending(next).join('\n'));
  }
}

/** One connection to the watch stream; resolves when the proxy ends it. */
async function watch(target: Target, handler: Handler, signal: AbortSignal, onOpen: () => void): Promise<void> {
  const res = await fetch(`${target.base}/permissions/stream`, { headers: target.headers, signal });
  if (res.status !== 200 || !res.body) throw await refusal(res, target.base);
  onOpen();
  handler.reset();
  const parser = createParser({
    onEvent: (m) => {
      try {
        handler.onEvent(m.event, JSON.parse(m.data) as Record<string, unknown>);
      } catch {
        // not an event of ours
      }
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
}

export async function permissionsCommand(opts: PermissionsOptions): Promise<void> {
  const target = await resolveTarget(opts);
  const ac = new AbortController();
  const stdin = process.stdin;
  let stopped = false;
  let lines: readline.Interface | undefined;
  const quit = (): void => {
    stopped = true;
    if (stdin.isTTY) stdin.setRawMode(false);
    lines?.close();
    stdin.pause();
    ac.abort();
  };
  const handler = new Handler(target, process.stdout, quit);
  const answer = (key: string | undefined): void => {
    if (key) void handler.onKey(key);
  };
  /** Keys are read once the proxy answered: one key per answer on a terminal, else one line each. */
  const readKeys = (): void => {
    if (stdin.isTTY) {
      readline.emitKeypressEvents(stdin);
      stdin.setRawMode(true);
      stdin.on('keypress', (str: string | undefined, key: { ctrl?: boolean; name?: string }) => {
        if (key?.ctrl && key.name === 'c') quit();
        else answer(str);
      });
    } else {
      lines = readline.createInterface({ input: stdin });
      lines.on('line', (line) => answer(line.trim()[0]));
    }
  };

  let connectedOnce = false;
  let delay = 1000;
  while (!stopped) {
    try {
      await watch(target, handler, ac.signal, () => {
        handler.print(`Watching ${target.base} for permission requests (y: allow, n: deny, a: always for this session, q: quit)`);
        if (!connectedOnce) readKeys();
        connectedOnce = true;
        delay = 1000;
      });
      if (stopped) break;
      handler.print('', `The proxy closed the connection; reconnecting…`);
    } catch (err) {
      if (stopped) break;
      if (err instanceof UsageError) throw err;
      if (!connectedOnce) {
        throw new UsageError(`No ccproxy answering at ${target.base} (${(err as Error).message}${causeOf(err)}): start it with \`ccproxy serve\`, or pass --url`);
      }
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, MAX_RECONNECT_MS);
  }
}

function causeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string } }).cause;
  return cause?.code ? `: ${cause.code}` : '';
}
