/** The health-report builder: the worst note is the status, every note is said in order, `ok` otherwise. */
import { describe, expect, it } from 'vitest';
import { healthReport, lastResponseDetail } from '../../../src/core/health/report.js';

const now = Date.parse('2026-12-04T10:00:00Z');

describe('healthReport', () => {
  it('passes with nothing to say, and says `ok` when given', () => {
    expect(healthReport({ componentId: 'p', notes: [], now })).toEqual({ status: 'pass', componentId: 'p', componentType: 'provider', time: '2026-12-04T10:00:00.000Z' });
    expect(healthReport({ componentId: 'p', notes: [], ok: 'credentials ok', version: '1.2.3', details: { a: 1 }, now }))
      .toMatchObject({ status: 'pass', output: 'credentials ok', version: '1.2.3', details: { a: 1 } });
  });

  it('takes the worst level; a `pass` note is said without lowering anything', () => {
    const r = healthReport({ componentId: 'p', now, notes: [
      { level: 'pass', message: 'p.extra: not configured' },
      { level: 'warn', message: 'token expires in 60s' },
      { level: 'fail', message: 'no credentials' },
    ] });
    expect(r.status).toBe('fail');
    expect(r.output).toBe('p.extra: not configured; token expires in 60s; no credentials');
    expect(healthReport({ componentId: 'p', now, ok: 'fine', notes: [{ level: 'pass', message: 'one instance unused' }] }))
      .toMatchObject({ status: 'pass', output: 'one instance unused' });
  });

  it('shows the last upstream response with an ISO time', () => {
    expect(lastResponseDetail(null)).toBeNull();
    expect(lastResponseDetail({ status: 429, at: now })).toEqual({ status: 429, at: '2026-12-04T10:00:00.000Z' });
  });
});
