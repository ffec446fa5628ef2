import { describe, expect, it } from 'vitest';
import { RequestAbort } from '../../../src/core/http/request-abort.js';

describe('RequestAbort', () => {
  it('runs its listeners once with the reason, and not ones removed or added after', () => {
    const abort = new RequestAbort();
    const calls: string[] = [];
    const kept = (): void => void calls.push('kept');
    const removed = (): void => void calls.push('removed');
    abort.addEventListener('abort', kept);
    abort.addEventListener('abort', removed);
    abort.removeEventListener('abort', removed);
    abort.abort(new Error('client disconnected'));
    abort.abort(new Error('again'));
    abort.addEventListener('abort', () => calls.push('late'));
    expect(calls).toEqual(['kept']);
    expect(abort.aborted).toBe(true);
    expect(abort.reason?.message).toBe('client disconnected');
  });

  it('gives a standard AbortSignal that follows it, whether read before or after the abort', () => {
    const before = new RequestAbort();
    const signal = before.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(before.signal).toBe(signal);
    before.abort(new Error('shutdown'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('shutdown');

    const after = new RequestAbort();
    after.abort(new Error('gone'));
    expect(after.signal.aborted).toBe(true);
    expect((after.signal.reason as Error).message).toBe('gone');
  });
});

describe('ModelRequest', () => {
  it('copies keep the signal getter and the abort they share', async () => {
    const { ModelRequest, copyRequest } = await import('../../../src/core/http/model-request.js');
    const abort = new RequestAbort();
    const { JsonBody } = await import('../../../src/core/json/json-body.js');
    const req = new ModelRequest('anthropic', JsonBody.of({ model: 'm' }), {}, abort, 'r1', undefined);
    const copy = copyRequest(req, { modelOverride: 'other' });
    expect(copy.modelOverride).toBe('other');
    expect(req.modelOverride).toBeUndefined();
    expect(copy.requestId).toBe('r1');
    expect(copy.signal).toBe(req.signal);
    abort.abort(new Error('client disconnected'));
    expect(copy.signal.aborted).toBe(true);
    expect(copy.abort.aborted).toBe(true);
  });
});
