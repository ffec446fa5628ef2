/**
 * The usage database: one row per finished request (failures too, without tokens) in SQLite.
 * better-sqlite3 rather than DuckDB: a small synchronous embedded store whose prebuilt binaries
 * cover Node 20, with WAL so `ccproxy usage` reads while the proxy writes; the queries are a
 * handful of GROUP BYs over a time index, nowhere near needing a column store.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export interface UsageRow {
  ts: number;
  request_id: string;
  provider: string;
  account: string | null;
  client: string | null;
  api: string | null;
  route: string | null;
  requested_model: string | null;
  model: string | null;
  status: number;
  ok: number;
  stream: number | null;
  duration_ms: number;
  ttfb_ms: number | null;
  input_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cost_usd: number | null;
  error_type: string | null;
}

const COLUMNS = [
  'ts', 'request_id', 'provider', 'account', 'client', 'api', 'route', 'requested_model', 'model', 'status', 'ok', 'stream',
  'duration_ms', 'ttfb_ms', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'reasoning_tokens',
  'cost_usd', 'error_type',
] as const satisfies ReadonlyArray<keyof UsageRow>;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  id INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  request_id TEXT NOT NULL,
  provider TEXT NOT NULL,
  account TEXT,
  client TEXT,
  api TEXT,
  route TEXT,
  requested_model TEXT,
  model TEXT,
  status INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  stream INTEGER,
  duration_ms REAL NOT NULL,
  ttfb_ms REAL,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL,
  error_type TEXT
);
CREATE INDEX IF NOT EXISTS requests_ts ON requests (ts);
`;

export type Db = Database.Database;

/** Opens (creating when writable) the database at `path`. */
export function openUsageDb(path: string, opts: { readonly?: boolean } = {}): Db {
  if (!opts.readonly) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { readonly: opts.readonly === true, fileMustExist: opts.readonly === true });
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
  }
  return db;
}

/** Inserts rows in batches: one transaction per turn of the event loop, off the request's path. */
export class UsageWriter {
  private readonly insert: Database.Statement;
  private readonly insertAll: (rows: UsageRow[]) => void;
  private queue: UsageRow[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {
    this.insert = db.prepare(`INSERT INTO requests (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})`);
    this.insertAll = db.transaction((rows: UsageRow[]) => {
      for (const row of rows) this.insert.run(row);
    });
  }

  add(row: UsageRow): void {
    this.queue.push(row);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.scheduled = false;
    const rows = this.queue;
    if (rows.length === 0) return;
    this.queue = [];
    this.insertAll(rows);
  }

  /** Deletes requests that started before `ms`; returns how many. */
  deleteBefore(ms: number): number {
    return this.db.prepare('DELETE FROM requests WHERE ts < ?').run(ms).changes;
  }
}
