/**
 * The answer to the CLI's permission prompts (the Agent SDK's `canUseTool`) for one request: a
 * call the session already answered "always" for is decided by that answer; anything else waits
 * as a pending approval. The result is what the CLI acts on; a denial's message is what the model
 * reads in its tool result.
 */
import type { PermissionResult } from '@anthropic-ai/claude-agent-sdk';
import type { ApiFormat } from '../../../plugin.js';
import type { PermissionHandler } from '../cli-start.js';
import type { Outcome, PermissionAsk, PermissionBroker } from './broker.js';
import { summarize } from './describe.js';
import { sessionRuleFor, type SessionRules } from './rules.js';

export interface GateContext {
  broker: PermissionBroker;
  /** The client session's remembered answers (or this request's, without a session). */
  rules: SessionRules;
  requestId: string;
  sessionId?: string;
  api: ApiFormat;
  userAgent?: string;
  /** The client's request: aborted when it goes away, which withdraws what it is waiting for. */
  signal: AbortSignal;
}

export function permissionGate(c: GateContext): PermissionHandler {
  return async (tool, input, opts) => {
    const ask: PermissionAsk = {
      requestId: c.requestId,
      ...(c.sessionId ? { sessionId: c.sessionId } : {}),
      api: c.api,
      ...(c.userAgent ? { userAgent: c.userAgent } : {}),
      tool,
      input,
      summary: summarize(tool, input),
      sessionRule: sessionRuleFor(tool, input),
      ...(opts.title ? { title: opts.title } : {}),
      ...(opts.description ? { description: opts.description } : {}),
      ...(opts.decisionReason ? { reason: opts.decisionReason } : {}),
    };
    const remembered = c.rules.decisionFor(ask.sessionRule);
    if (remembered) {
      c.broker.recordRuleDecision(ask, remembered);
      return remembered === 'allow' ? allow(input) : deny(`The user denied ${ask.sessionRule} for this session; it did not run.`);
    }
    const outcome = await c.broker.ask(ask, AbortSignal.any([c.signal, opts.signal]));
    if (outcome.by === 'person' && outcome.remember === 'session') c.rules.remember(ask.sessionRule, outcome.decision);
    return resultOf(tool, input, outcome, c.broker.timeoutMs);
  };
}

function allow(input: Record<string, unknown>): PermissionResult {
  return { behavior: 'allow', updatedInput: input };
}

function deny(message: string, interrupt = false): PermissionResult {
  return { behavior: 'deny', message, ...(interrupt ? { interrupt } : {}) };
}

function resultOf(tool: string, input: Record<string, unknown>, o: Outcome, timeoutMs: number): PermissionResult {
  switch (o.by) {
    case 'person':
      if (o.decision === 'allow') return allow(input);
      return deny(`The user denied this ${tool} call; it did not run.${o.message ? ` Their message: ${o.message}` : ''}`);
    case 'timeout':
      return deny(`No one approved this ${tool} call within ${timeoutMs / 1000} s, so it was denied and did not run.`);
    case 'withdrawn':
      return deny(`The client went away before anyone decided; the ${tool} call did not run.`, true);
    case 'shutdown':
      return deny(`The proxy is shutting down; the ${tool} call did not run.`, true);
  }
}
