import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyLine } from '../../src/core/logger.js';
import { RequestEventBus } from '../../src/core/event-bus.js';
import { secrets } from '../../src/core/secrets.js';

function capture(): { stream: Writable & { write: (s: string) => boolean }; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, lines };
}

describe('logger', () => {
  it('redacts credentials in headers and nested bodies', () => {
    const { stream, lines } = capture();
    const log = createLogger({ logging: { level: 'debug', format: 'json' } }, { destination: stream });
    log.info({
      req: { headers: { authorization: 'Bearer sk-secret-1', 'x-api-key': 'sk-secret-2', cookie: 'c=secret-3' } },
      headers: { authorization: 'Bearer secret-4' },
      body: { access_token: 'secret-5', refresh_token: 'secret-6', nested: { api_key: 'secret-7', token: 'secret-8' } },
      claudeAiOauth: { accessToken: 'secret-9', refreshToken: 'secret-10' },
      tokens: { id_token: 'secret-11' },
    }, 'hello');
    log.child({ plugin: 'p' }).debug({ access_token: 'secret-12' }, 'child');
    const text = lines.join('\n');
    expect(text).toContain('hello');
    expect(text).not.toMatch(/secret-\d+/);
    expect(text).toContain('[redacted]');
    expect(JSON.parse(lines[1]!)).toMatchObject({ plugin: 'p', msg: 'child' });
  });

  it('redacts secrets the proxy holds and secret-shaped values wherever they appear in a line', () => {
    const { stream, lines } = capture();
    const log = createLogger({ logging: { level: 'debug', format: 'json' } }, { destination: stream });
    secrets.register('held-refresh-token-0123456789');
    log.warn({ err: 'invalid_grant: token held-refresh-token-0123456789 revoked', detail: { text: 'key sk-proj-abcdefghijklmnop0123' } }, 'refresh failed for eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl');
    const text = lines.join('\n');
    expect(text).toContain('refresh failed');
    expect(text).not.toContain('held-refresh-token');
    expect(text).not.toContain('sk-proj-abcdef');
    expect(text).not.toContain('eyJ');
    expect(JSON.parse(lines[0]!)).toMatchObject({ err: 'invalid_grant: token [redacted] revoked' });
  });

  it('pretty format prints one readable line per record', () => {
    const { stream, lines } = capture();
    const log = createLogger({ logging: { level: 'info', format: 'pretty' } }, { destination: stream });
    log.child({ plugin: 'codex' }).warn({ status: 429, api_key: 'secret' }, 'rate limited');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d WARN {2}\[codex\] rate limited status=429 api_key=\[redacted\]$/);
    expect(prettyLine('not json')).toBe('not json');
    expect(prettyLine(JSON.stringify({ level: 50, time: '2026-01-01T10:11:12.000Z', msg: 'x', err: { message: 'boom', stack: 'Error: boom\n at y' } })))
      .toContain('ERROR x\n    Error: boom');
  });
});

describe('RequestEventBus', () => {
  it('has() only when listened to; throwing listeners do not break emit; unsubscribe works', () => {
    const bus = new RequestEventBus();
    expect(bus.has('request.started')).toBe(false);
    const got: string[] = [];
    const off1 = bus.on('request.started', () => {
      throw new Error('bad listener');
    });
    const off2 = bus.on('request.started', (e) => got.push(e.requestId));
    expect(bus.has('request.started')).toBe(true);
    bus.emit('request.started', { requestId: 'r1', plugin: 'p', timestamp: 0, method: 'POST', path: '/', stream: false });
    expect(got).toEqual(['r1']);
    off1();
    off2();
    expect(bus.has('request.started')).toBe(false);
    bus.emit('request.completed', { requestId: 'r2', plugin: 'p', timestamp: 0, status: 200, durationMs: 1 });
  });
});
