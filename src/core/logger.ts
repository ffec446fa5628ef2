/**
 * The proxy's pino logger: JSON lines by default, a small built-in pretty printer for humans
 * (`logging.format = "pretty"`, or `auto` on a terminal), and redaction: every credential-bearing
 * field we know of by name, and every line as written through the core's one redactor (secrets the
 * proxy holds and secret-shaped values, wherever they appear: messages, error texts, nested fields).
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Settings } from './config/schema.js';
import { secrets } from './secrets.js';

/** Paths censored in every log line (headers, bodies, nested token fields). */
export const REDACT_PATHS = [
  'authorization', 'cookie', 'x-api-key', '"x-api-key"',
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-api-key"]', 'req.headers["set-cookie"]',
  'headers.authorization', 'headers.cookie', 'headers["x-api-key"]', 'headers["set-cookie"]',
  '*.headers.authorization', '*.headers.cookie', '*.headers["x-api-key"]',
  'access_token', 'refresh_token', 'accessToken', 'refreshToken', 'api_key', 'apiKey', 'id_token', 'idToken', 'token', 'auth_token', 'password', 'secret', 'client_secret',
  '*.access_token', '*.refresh_token', '*.accessToken', '*.refreshToken', '*.api_key', '*.apiKey',
  '*.id_token', '*.idToken', '*.token', '*.auth_token', '*.password', '*.secret', '*.client_secret',
  '*.*.access_token', '*.*.refresh_token', '*.*.accessToken', '*.*.refreshToken', '*.*.api_key', '*.*.token',
];

export interface LoggerOptions {
  /** Where lines go (tests pass a stream to capture them); stdout by default. */
  destination?: DestinationStream;
}

export function createLogger(settings: Pick<Settings, 'logging'>, opts: LoggerOptions = {}): Logger {
  const base = {
    level: settings.logging.level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: { streamWrite: (line: string) => secrets.redact(line) },
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  const dest = opts.destination ?? pino.destination({ fd: 1, sync: false });
  const { format } = settings.logging;
  // A person at a terminal reads the serve banner and the logs together; machines get JSON lines.
  const pretty = format === 'pretty' || (format === 'auto' && !opts.destination && Boolean(process.stdout.isTTY));
  if (pretty) return pino(base, prettyStream(dest));
  return pino(base, dest);
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };

/** Turn one JSON log line into `HH:MM:SS LEVEL [plugin] message key=value ...`. */
export function prettyLine(line: string, color = false): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { level, time, msg, plugin, err, ...rest } = o;
  const lv = typeof level === 'number' ? level : 30;
  const name = (LEVELS[lv] ?? String(level)).padEnd(5);
  const lvText = color ? `\x1b[${COLORS[lv] ?? '0'}m${name}\x1b[0m` : name;
  const t = typeof time === 'string' ? time.slice(11, 19) : '';
  const extras = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  let out = `${t} ${lvText} ${plugin ? `[${String(plugin)}] ` : ''}${typeof msg === 'string' ? msg : ''}`;
  if (extras.length) out += ` ${extras.join(' ')}`;
  if (err && typeof err === 'object') {
    const e = err as { message?: string; stack?: string };
    out += `\n    ${e.stack ?? e.message ?? JSON.stringify(err)}`;
  }
  return out;
}

function prettyStream(dest: DestinationStream): DestinationStream {
  const color = dest === undefined ? false : Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  return {
    write(chunk: string): void {
      for (const line of chunk.split('\n')) if (line) dest.write(`${prettyLine(line, color)}\n`);
    },
  };
}
