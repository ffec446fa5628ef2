/**
 * Turns zod issues into the one line a person needs: which key, where it was set (file, env var,
 * command line) and what was expected, e.g.
 * `server.port in /home/me/.config/ccproxy/config.toml: expected an integer <= 65535, got 70000`.
 */
import { getPath } from './tree.js';

export interface ZodIssueLike {
  code: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  expected?: string;
  values?: readonly unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  origin?: string;
  format?: string;
  keys?: readonly string[];
}

/** Last key segment naming a secret: `auth_token`, `api_key`, `apiKey`, `client_secret`, `password`. */
const SECRET = /(token|key|secret|password)$|_keys$/i;

export function isSecretKey(path: string): boolean {
  const last = path.split('.').pop() ?? path;
  return SECRET.test(last);
}

function shown(value: unknown, path: string): string {
  if (value === undefined) return 'nothing';
  if (isSecretKey(path)) return '(hidden)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function expectation(issue: ZodIssueLike): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected === 'int' ? 'an integer' : issue.expected ?? 'another type'}`;
    case 'invalid_value':
      return `expected one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(' | ')}`;
    case 'too_small': {
      const what = issue.origin === 'string' ? 'length ' : issue.origin === 'array' ? 'item count ' : '';
      return `expected ${what}${issue.inclusive === false ? '>' : '>='} ${String(issue.minimum)}`;
    }
    case 'too_big': {
      const what = issue.origin === 'string' ? 'length ' : issue.origin === 'array' ? 'item count ' : '';
      return `expected ${what}${issue.inclusive === false ? '<' : '<='} ${String(issue.maximum)}`;
    }
    case 'invalid_format':
      return `expected a valid ${issue.format ?? 'value'}`;
    case 'unrecognized_keys':
      return `unknown key(s) ${(issue.keys ?? []).join(', ')}`;
    case 'invalid_union':
      return 'does not match any accepted form';
    default:
      return issue.message;
  }
}

/** One issue: its dotted path (with `prefix`) and what was expected, with the value found. */
export function explainIssue(issue: ZodIssueLike, raw: unknown, prefix: string[]): { path: string; problem: string } {
  const rel = issue.path.map(String);
  const path = [...prefix, ...rel].join('.') || '(root)';
  const got = issue.code === 'unrecognized_keys' ? '' : `, got ${shown(getPath(raw, rel), path)}`;
  return { path, problem: `${expectation(issue)}${got}` };
}

/**
 * One line for all issues. `prefix` is prepended to issue paths (e.g. `plugins.codex`), `raw` is
 * the input that was validated (to show the offending value), `where(path)` says where a key was set.
 */
export function describeIssues(issues: readonly ZodIssueLike[], raw: unknown, prefix: string[], where: (path: string) => string): string {
  return issues.map((issue) => {
    const { path, problem } = explainIssue(issue, raw, prefix);
    const origin = where(path);
    return `${path}${origin ? ` ${origin}` : ''}: ${problem}`;
  }).join('; ');
}
