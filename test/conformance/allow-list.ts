/**
 * Spec strictness the real services do not honour either. Each entry relaxes exactly one rule of
 * one component: a property the spec requires that the real API leaves out (`missing`), or a
 * property the real API sends as `null` although the spec does not allow it (`null`); a value
 * that is present is still validated. `EXTRA_EVENTS` are stream events a real service sends that
 * its spec does not list. Everything else the specs say is enforced, and the suite fails on an
 * entry no case needed, so the list cannot outlive its reason.
 */
import type { SpecName } from './spec-schemas.js';

export interface Allowance {
  spec: SpecName;
  component: string;
  property: string;
  allow: 'missing' | 'null';
  reason: string;
}

export interface ExtraEvent {
  spec: SpecName;
  type: string;
  reason: string;
}

const NOT_SENT = 'the real API leaves it out of';

export const ALLOWANCES: readonly Allowance[] = [
  { spec: 'anthropic', component: 'Message', property: 'container', allow: 'missing', reason: `only present when a container tool (code execution) ran; ${NOT_SENT} other messages` },
  { spec: 'anthropic', component: 'MessageDelta', property: 'container', allow: 'missing', reason: `only present when a container tool ran; ${NOT_SENT} other message_delta events` },
  { spec: 'anthropic', component: 'Message', property: 'stop_details', allow: 'missing', reason: `newer than most models' answers: e.g. claude-sonnet-4-5 messages (message_start included) carry none` },
  { spec: 'anthropic', component: 'MessageDelta', property: 'stop_details', allow: 'missing', reason: `as for Message: ${NOT_SENT} message_delta events of models that report no stop details` },
  { spec: 'anthropic', component: 'Usage', property: 'server_tool_use', allow: 'missing', reason: `counts server tool calls (web search/fetch); ${NOT_SENT} usage when none ran` },
  { spec: 'anthropic', component: 'MessageDeltaUsage', property: 'server_tool_use', allow: 'missing', reason: `as for Usage: ${NOT_SENT} message_delta usage when no server tool ran` },
  { spec: 'anthropic', component: 'ResponseTextBlock', property: 'citations', allow: 'missing', reason: `${NOT_SENT} text blocks when the request enabled no citations (content_block_start is {"type":"text","text":""})` },
  { spec: 'openai', component: 'Response', property: 'usage', allow: 'null', reason: 'response.created and response.in_progress carry "usage": null on the real API: there is no usage before the answer' },
];

export const EXTRA_EVENTS: readonly ExtraEvent[] = [
  { spec: 'openai', type: 'codex.rate_limits', reason: 'the ChatGPT backend\'s own event (subscription window usage); /codex passes it through for the Codex CLI, which reads it' },
];

/** The key an allowance or extra event is recorded under when a case used it. */
export const allowanceKey = (a: { spec: SpecName; component?: string; property?: string; type?: string }): string =>
  a.type ? `${a.spec}:event ${a.type}` : `${a.spec}:${a.component}.${a.property}`;
