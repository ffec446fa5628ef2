/**
 * An append-only file rotated by size: when a line would take it past `maxBytes`, `file` becomes
 * `file.1` (older ones shift up to `file.<keep>`, the oldest is dropped) and a new `file` starts.
 * Writes are buffered by a stream; a rename does not lose them (the open descriptor follows the file).
 */
import { createWriteStream, mkdirSync, openSync, renameSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

export class RotatingFile {
  private stream: WriteStream;
  private size: number;

  constructor(private readonly path: string, private readonly maxBytes: number, private readonly keep: number) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.size = sizeOf(path);
    this.stream = this.open();
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    this.stream.write(line);
    this.size += bytes;
  }

  /** Resolves once everything written so far is in the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private open(): WriteStream {
    // Opened now, not on the stream's next tick: a rotation right after must rename this file.
    const stream = createWriteStream('', { fd: openSync(this.path, 'a', 0o600) });
    // A full disk or a removed directory must not take the proxy down; the next rotation retries.
    stream.on('error', () => undefined);
    return stream;
  }

  private rotate(): void {
    this.stream.end();
    if (this.keep === 0) {
      rmSync(this.path, { force: true });
    } else {
      rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--) renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      renameIfExists(this.path, `${this.path}.1`);
    }
    this.size = 0;
    this.stream = this.open();
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
