/**
 * Writes exchanges into trace folders as their pieces arrive. Every header value and body chunk
 * goes through the core redactor, and credential headers are replaced whole: the files hold the
 * exchange, never a key or token the proxy or the client used. (A secret split across two stream
 * chunks is caught by the header rule when it is the credential, not by the text net.)
 */
import { createWriteStream, mkdirSync, openSync, readdirSync, rmSync, statSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { secrets, type RequestEvents, type RequestRecord } from '../../plugin.js';
import { META, folderName } from './files.js';

const CREDENTIAL_HEADERS = /^(authorization|proxy-authorization|x-api-key|api-key|cookie|set-cookie|x-goog-api-key|chatgpt-account-id)$/i;

type Piece = RequestEvents['exchange'];

function headerLines(headers: Piece['headers']): string {
  let out = '';
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) out += `${name}: ${CREDENTIAL_HEADERS.test(name) ? '[redacted]' : secrets.redact(v)}\n`;
  }
  return out;
}

function text(body: Uint8Array | string): string {
  return secrets.redact(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
}

interface Open {
  dir: string;
  files: Map<string, WriteStream>;
}

export class TraceWriter {
  private readonly open = new Map<string, Open>();
  private readonly folders: string[];

  constructor(private readonly root: string, private readonly keep: number) {
    mkdirSync(root, { recursive: true, mode: 0o700 });
    // Oldest first, so the ones to delete are at the front.
    this.folders = readdirSync(root)
      .map((name) => ({ name, at: statSync(path.join(root, name)).mtimeMs }))
      .sort((a, b) => a.at - b.at)
      .map((f) => f.name);
  }

  piece(p: Piece): void {
    let open = this.open.get(p.requestId);
    if (!open) {
      if (p.leg !== 'client' || p.part !== 'request') return;
      open = this.begin(p.requestId);
    }
    const file = p.leg === 'client' ? `client-${p.part === 'request' ? 'request' : 'response'}.http` : `upstream-${p.attempt ?? 1}-${p.part === 'request' ? 'request' : 'response'}.http`;
    const out = this.stream(open, file);
    if (p.part === 'request') out.write(`${p.method ?? 'POST'} ${secrets.redact(p.url ?? '')}\n${headerLines(p.headers)}\n`);
    else if (p.part === 'response') out.write(`${p.status ?? ''}\n${headerLines(p.headers)}\n`);
    if (p.body !== undefined) out.write(text(p.body));
    if (p.error) out.write(`\n[error: ${secrets.redact(p.error)}]\n`);
  }

  finish(requestId: string, record: RequestRecord): void {
    const open = this.open.get(requestId);
    if (!open) return;
    this.open.delete(requestId);
    // meta.json last, once every file is complete: its presence says the trace is whole.
    const ends = [...open.files.values()].map((s) => new Promise<void>((resolve) => s.end(resolve)));
    void Promise.all(ends).then(() => writeFileSync(path.join(open.dir, META), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 }))
      .catch(() => undefined);
  }

  close(): void {
    for (const open of this.open.values()) for (const s of open.files.values()) s.end();
    this.open.clear();
  }

  private begin(requestId: string): Open {
    const name = folderName(requestId);
    const dir = path.join(this.root, name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.folders.push(name);
    while (this.folders.length > this.keep) rmSync(path.join(this.root, this.folders.shift()!), { recursive: true, force: true });
    const open = { dir, files: new Map<string, WriteStream>() };
    this.open.set(requestId, open);
    return open;
  }

  private stream(open: Open, file: string): WriteStream {
    let s = open.files.get(file);
    if (!s) {
      s = createWriteStream('', { fd: openSync(path.join(open.dir, file), 'a', 0o600) });
      s.on('error', () => undefined);
      open.files.set(file, s);
    }
    return s;
  }
}
