/**
 * The answer to one CLI permission prompt, without a CLI: what a pending approval says about the
 * call (content-free summary, the rule "always" remembers), remembered answers deciding identical
 * calls (and only those) without asking, and what the model reads for each outcome.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestEventBus } from '../../../src/core/event-bus.js';
import type { RequestEvents } from '../../../src/core/events.js';
import { PermissionBroker } from '../../../src/plugins/claude_sdk/permissions/broker.js';
import { summarize } from '../../../src/plugins/claude_sdk/permissions/describe.js';
import { permissionGate } from '../../../src/plugins/claude_sdk/permissions/gate.js';
import { SessionRules, sessionRuleFor } from '../../../src/plugins/claude_sdk/permissions/rules.js';

describe('what a person is told about a call', () => {
  it('summarizes without file contents', () => {
    expect(summarize('Bash', { command: 'npm test -- --watch=false' })).toBe('npm test -- --watch=false');
    expect(summarize('Write', { file_path: '/p/a.ts', content: 'SECRET\nline 2\n' })).toBe('/p/a.ts (3 lines, 14 bytes)');
    expect(summarize('Edit', { file_path: '/p/a.ts', old_string: 'SECRET_OLD', new_string: 'A\nB', replace_all: true })).toBe('/p/a.ts (replaces 1 lines with 2, every occurrence)');
    expect(summarize('MultiEdit', { file_path: '/p/a.ts', edits: [{}, {}] })).toBe('/p/a.ts (2 edits)');
    expect(summarize('NotebookEdit', { notebook_path: '/p/n.ipynb', new_source: 'SECRET', edit_mode: 'insert' })).toBe('/p/n.ipynb (insert a cell)');
    expect(summarize('WebFetch', { url: 'https://example.com/x', prompt: 'p' })).toBe('https://example.com/x');
    expect(summarize('mcp__db__query', { sql: 'SECRET', limit: 3 })).toBe('{sql, limit}');
    expect(summarize('Bash', { command: 'x'.repeat(400) })).toMatch(/^x{300}… \(100 more characters\)$/);
  });

  it('derives the "always for this session" rule in Claude Code syntax', () => {
    expect(sessionRuleFor('Bash', { command: 'npm test' })).toBe('Bash(npm test)');
    expect(sessionRuleFor('Edit', { file_path: '/p/src/a.ts' })).toBe('Edit(//p/src/a.ts)');
    expect(sessionRuleFor('Read', { file_path: 'rel/a.ts' })).toBe('Read(rel/a.ts)');
    expect(sessionRuleFor('NotebookEdit', { notebook_path: '/p/n.ipynb' })).toBe('NotebookEdit(//p/n.ipynb)');
    expect(sessionRuleFor('WebFetch', { url: 'https://docs.example.com/a?b' })).toBe('WebFetch(domain:docs.example.com)');
    expect(sessionRuleFor('WebFetch', { url: 'not a url' })).toBe('WebFetch');
    expect(sessionRuleFor('mcp__db__query', { sql: 'x' })).toBe('mcp__db__query');
  });
});

describe('permissionGate', () => {
  function setup() {
    const decided: Array<RequestEvents['permission.decided']> = [];
    const events = new RequestEventBus();
    events.on('permission.decided', (e) => decided.push(e));
    const broker = new PermissionBroker({ plugin: 'claude_sdk', timeoutMs: 2500, logger: pino({ level: 'silent' }), events });
    const rules = new SessionRules();
    const client = new AbortController();
    const gate = permissionGate({ broker, rules, requestId: 'req_9', sessionId: 's1', api: 'chat', userAgent: 'ua', signal: client.signal });
    const opts = (title?: string) => ({ signal: new AbortController().signal, toolUseID: 'toolu_1', requestId: 'cr_1', ...(title ? { title } : {}) });
    /** Answers the next pending approval. */
    const answer = async (decision: 'allow' | 'deny', remember: 'session' | 'none' = 'none', message?: string) => {
      for (let i = 0; i < 100 && broker.list().length === 0; i++) await new Promise((r) => setImmediate(r));
      const [p] = broker.list();
      return broker.decide(p!.id, { decision, remember, decider: 'test', ...(message ? { message } : {}) });
    };
    return { broker, gate, opts, answer, decided, client };
  }

  it('remembers "always" for identical calls only, and says so in the events', async () => {
    const { broker, gate, opts, answer, decided } = setup();
    const input = { command: 'touch a' };
    const first = gate('Bash', input, opts('Claude wants to run touch a'));
    const pending = await answer('allow', 'session');
    expect(pending?.ask).toMatchObject({ tool: 'Bash', sessionRule: 'Bash(touch a)', title: 'Claude wants to run touch a', sessionId: 's1', api: 'chat', userAgent: 'ua' });
    expect(await first).toEqual({ behavior: 'allow', updatedInput: input });

    expect(await gate('Bash', { command: 'touch a' }, opts())).toEqual({ behavior: 'allow', updatedInput: { command: 'touch a' } });
    expect(broker.list()).toEqual([]);
    expect(decided.at(-1)).toMatchObject({ decision: 'allow', decidedBy: 'session_rule', waitedMs: 0, tool: 'Bash', summary: 'touch a' });

    const other = gate('Bash', { command: 'touch b' }, opts());
    await answer('deny', 'session', 'no b');
    expect(await other).toEqual({ behavior: 'deny', message: 'The user denied this Bash call; it did not run. Their message: no b' });
    expect(await gate('Bash', { command: 'touch b' }, opts())).toEqual({ behavior: 'deny', message: 'The user denied Bash(touch b) for this session; it did not run.' });
    expect(broker.list()).toEqual([]);
  });

  it('a plain answer is not remembered', async () => {
    const { gate, opts, answer, broker } = setup();
    const first = gate('Bash', { command: 'ls /' }, opts());
    await answer('allow');
    await first;
    const second = gate('Bash', { command: 'ls /' }, opts());
    await answer('deny');
    expect(await second).toMatchObject({ behavior: 'deny' });
    expect(broker.list()).toEqual([]);
  });

  it('tells the model why on timeout, and interrupts when the client is gone', async () => {
    const { gate, opts, client } = setup();
    expect(await gate('Bash', { command: 'sleep 1' }, opts())).toEqual({ behavior: 'deny', message: 'No one approved this Bash call within 2.5 s, so it was denied and did not run.' });
    const waiting = gate('Bash', { command: 'sleep 2' }, opts());
    client.abort();
    expect(await waiting).toEqual({ behavior: 'deny', message: 'The client went away before anyone decided; the Bash call did not run.', interrupt: true });
    expect(await gate('Bash', { command: 'sleep 3' }, opts())).toMatchObject({ behavior: 'deny', interrupt: true });
  });

  it('the CLI aborting its prompt withdraws it too', async () => {
    const { gate, broker } = setup();
    const prompt = new AbortController();
    const waiting = gate('Bash', { command: 'x' }, { signal: prompt.signal, toolUseID: 't', requestId: 'r' });
    expect(broker.list()).toHaveLength(1);
    prompt.abort();
    expect(await waiting).toMatchObject({ behavior: 'deny', interrupt: true });
    expect(broker.list()).toEqual([]);
  });
});
