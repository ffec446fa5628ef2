/**
 * A client's request checked against its API's model, for every route that reads the whole body
 * (a converting route parses and rewrites it anyway): the first problem as a field path and a short
 * phrase (`messages: required`, `input: must be a string or an array, got number`), which
 * `validateRequest` throws as the 400 that names the field (core's `invalidField`).
 *
 * Runs on the request path: one zod pass over the body (well under a millisecond for a large Claude
 * Code request, see docs/performance.md); the wording is only worked out for a body that failed.
 */
import type { z } from 'zod';
import type { ApiFormat } from '../types.js';
import { invalidField, jsonTypeOf } from '../../core/errors.js';
import type { JsonObject } from '../types.js';
import { AnthropicCountTokensRequestSchema, AnthropicRequestSchema } from './anthropic.js';
import { ChatRequestSchema } from './chat.js';
import { MALFORMED_KNOWN_TYPE } from './common.js';
import { ResponsesRequestSchema } from './responses.js';

export type FieldPath = Array<string | number>;

/** One problem with a request: where (`['messages', 0, 'role']`) and what (`required`). */
export interface RequestIssue {
  path: FieldPath;
  message: string;
}

export interface RequestCheckOptions {
  /** An Anthropic `count_tokens` body (no `max_tokens`). */
  countTokens?: boolean;
}

const REQUEST_SCHEMAS: Record<ApiFormat, z.ZodType> = {
  anthropic: AnthropicRequestSchema,
  chat: ChatRequestSchema,
  responses: ResponsesRequestSchema,
};

/** The first problem of a client request of `api`, or undefined when it matches the API. */
export function requestIssue(api: ApiFormat, body: unknown, opts: RequestCheckOptions = {}): RequestIssue | undefined {
  const schema = api === 'anthropic' && opts.countTokens ? AnthropicCountTokensRequestSchema : REQUEST_SCHEMAS[api];
  return modelIssue(schema, body, { quoteValues: true });
}

/**
 * The first problem of `value` against any of the models, in the same words. `quoteValues` lets a
 * message repeat a short string of the value (the client's own `"bot"` role); leave it off for
 * what an upstream sent, which may carry anything.
 */
export function modelIssue(schema: z.ZodType, value: unknown, opts: { quoteValues?: boolean } = {}): RequestIssue | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  return describe(result.error.issues[0]!, [], { root: value, quote: opts.quoteValues === true });
}

interface Wording {
  root: unknown;
  quote: boolean;
}

/**
 * Throws the 400 naming the first problem of a client request of `api` (see requestIssue). Typed
 * as a parsed object so a lazy request body cannot be passed unread.
 */
export function validateRequest(api: ApiFormat, body: JsonObject, opts: RequestCheckOptions = {}): void {
  const issue = requestIssue(api, body, opts);
  if (issue) throw invalidField(issue.path, issue.message);
}

type Issue = z.core.$ZodIssue;

/** An issue in words; `base` is the path of the union it was nested in (zod's are relative). */
function describe(issue: Issue, base: FieldPath, w: Wording): RequestIssue {
  const path = [...base, ...(issue.path as FieldPath)];
  const value = valueAt(w.root, path);
  switch (issue.code) {
    case 'invalid_union': {
      if (issue.errors.length === 0) {
        // A discriminated union without a member for this value (e.g. an unknown message role).
        const options = (issue as { options?: unknown[] }).options;
        return { path, message: options ? `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, got ${shown(value, w)}` : issue.message };
      }
      return describeUnion(issue.errors, path, w, value);
    }
    case 'invalid_type':
      return { path, message: value === undefined ? 'required' : `must be ${article(issue.expected)}, got ${jsonTypeOf(value)}` };
    case 'invalid_value':
      if (value === undefined) return { path, message: 'required' };
      return { path, message: `must be ${issue.values.length === 1 ? '' : 'one of '}${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${shown(value, w)}` };
    case 'too_small':
      return { path, message: issue.origin === 'number' ? `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}` : `must have at least ${String(issue.minimum)} item(s)` };
    case 'too_big':
      return { path, message: issue.origin === 'number' ? `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}` : `must have at most ${String(issue.maximum)} item(s)` };
    default:
      return { path, message: issue.message };
  }
}

/**
 * Every member of a union failed. When one got further into the value than the others (a content
 * array whose third block is bad), its problem is the one to report; when all failed on the value
 * itself, it has none of the types they take.
 */
function describeUnion(alternatives: Issue[][], path: FieldPath, w: Wording, value: unknown): RequestIssue {
  let best: Issue | undefined;
  let bestDepth = -1;
  const expected: string[] = [];
  for (const issues of alternatives) {
    const first = issues[0];
    if (!first) continue;
    if (first.path.length === 0 && first.code === 'invalid_type') {
      if (!expected.includes(first.expected)) expected.push(first.expected);
      continue;
    }
    const depth = wrongMember(first) ? 0 : first.path.length + 1;
    if (depth > bestDepth) {
      best = first;
      bestDepth = depth;
    }
  }
  if (best && (bestDepth > 0 || expected.length === 0)) return describe(best, path, w);
  if (value === undefined) return { path, message: 'required' };
  return { path, message: `must be ${expected.map(article).join(' or ')}, got ${jsonTypeOf(value)}` };
}

/**
 * A member that failed only because the value is another member's: its `type` tag differs, or it
 * is the catch-all for unknown `type`s refusing a known one. The member the tag names says more.
 */
function wrongMember(issue: Issue): boolean {
  if (issue.message === MALFORMED_KNOWN_TYPE) return true;
  return issue.code === 'invalid_value' && issue.path.length === 1 && issue.path[0] === 'type';
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

const ARTICLE: Record<string, string> = {
  string: 'a string', number: 'a number', int: 'an integer', boolean: 'a boolean', array: 'an array',
  object: 'an object', record: 'an object', null: 'null',
};

function article(type: string): string {
  return ARTICLE[type] ?? type;
}

/** A value in a message: a client's short strings quoted, everything else by its JSON type. */
function shown(value: unknown, w: Wording): string {
  return w.quote && typeof value === 'string' && value.length <= 40 ? JSON.stringify(value) : jsonTypeOf(value);
}
