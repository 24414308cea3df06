import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NginxError, NginxUpstream, parseUpstreamBlock, UpstreamConfigError } from '../src/index.js';

/** A RandomSource that replays the given u32 draws (ngx_random() stand-in). */
const draws = (xs: readonly number[]): { nextU32(): number } => {
  let i = 0;
  return { nextU32: () => xs[i++ % xs.length] ?? 0 };
};
const servers = (ws: readonly number[]) => ws.map((w, i) => ({ name: String.fromCharCode(65 + i), address: `10.0.0.${String(i + 1)}:80`, weight: w }));

/** Independent model of ngx_http_upstream_peek_random_peer: x = random() % Σw, the peer whose range holds x. */
function owner(ws: readonly number[], u32: number): number {
  let x = (u32 >>> 1) % ws.reduce((a, b) => a + b, 0);
  let i = 0;
  for (const w of ws) {
    if (x < w) return i;
    x -= w;
    i++;
  }
  return -1;
}

describe('ngx_http_upstream_random_module.c', () => {
  it('ngx_http_upstream_peek_random_peer: x = ngx_random() % total_weight picks the peer whose weight range holds x', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 6 }), fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 20 }), (ws, xs) => {
      const u = new NginxUpstream({ method: 'random', servers: servers(ws), random: draws(xs) });
      for (const x of xs) expect(u.request()).toBe(String.fromCharCode(65 + owner(ws, x)));
    }));
  });
  it('random two (ngx_http_upstream_get_random2_peer): of two different usable draws the one with fewer conns per weight wins, the second drawn on ties', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 5 }), fc.array(fc.nat(6), { minLength: 5, maxLength: 5 }), fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff }), (ws, held, x1, x2) => {
      const a = owner(ws, x1);
      const b = owner(ws, x2);
      fc.pre(a !== b);
      const u = new NginxUpstream({ method: 'random_two', servers: servers(ws), random: draws([x1, x2]) });
      u.peers().forEach((p, i) => (p.conns = held[i] ?? 0));
      const ca = held[a] ?? 0;
      const cb = held[b] ?? 0;
      const want = cb * (ws[a] ?? 1) > ca * (ws[b] ?? 1) ? a : b;
      expect(u.pick()?.name).toBe(String.fromCharCode(65 + want));
    }));
  });
  it('random without injected randomness is a typed error; a down peer is never drawn', () => {
    expect(() => new NginxUpstream({ method: 'random', servers: servers([1, 1]) })).toThrow(NginxError);
    const u = new NginxUpstream({ method: 'random', servers: [...servers([1, 1]).slice(0, 1), { name: 'B', address: 'b:1', down: true }], random: draws([0, 0x80000000 + 2, 3 << 1]) });
    for (let i = 0; i < 10; i++) expect(u.request()).toBe('A');
  });
});

describe('an upstream block as ngx_http_upstream_server reads it', () => {
  it('methods, server parameters, comments and unknown directives', () => {
    const c = parseUpstreamBlock(`upstream backend {
      hash $request_uri consistent;   # ketama
      server 10.0.0.1:80 weight=5 max_fails=3 fail_timeout=1m;
      server 10.0.0.2:80 max_conns=10 down;
      keepalive 16;
    }`);
    expect(c.name).toBe('backend');
    expect(c.method).toBe('hash_consistent');
    expect(c.hashKey).toBe('$request_uri');
    expect(c.servers).toEqual([
      { name: '10.0.0.1:80', address: '10.0.0.1:80', weight: 5, maxFails: 3, failTimeoutSec: 60 },
      { name: '10.0.0.2:80', address: '10.0.0.2:80', maxConns: 10, down: true },
    ]);
    expect(c.unknown).toEqual([{ directive: 'keepalive', line: 5 }]);
    expect(parseUpstreamBlock('random two least_conn; server a:1; server b:1;').method).toBe('random_two');
    expect(parseUpstreamBlock('server a:1;').method).toBe('round_robin');
  });
  it('malformed blocks are UpstreamConfigErrors with the line: missing ;, bad weight, unknown parameter, unterminated quote, no servers', () => {
    const line = (t: string): number => {
      try {
        parseUpstreamBlock(t);
      } catch (e) {
        expect(e).toBeInstanceOf(UpstreamConfigError);
        return (e as UpstreamConfigError).line;
      }
      return -1;
    };
    expect(line('server a:1;\nserver b:1')).toBe(2);
    expect(line('server a:1;\n\nserver b:1 weight=0;')).toBe(3);
    expect(line('server a:1 slow_start=1;')).toBe(1);
    expect(line('server a:1;\nserver "b:1;\n')).toBe(2);
    expect(line('keepalive 1;')).toBe(1);
    expect(line('ip_hash x; server a:1;')).toBe(1);
  });
  it('any text gives a config or an NginxError, never another kind of error', () => {
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('server', ' ', ';', '{', '}', '"', "'", '#', '\n', 'a:1', 'weight=2', 'hash', 'x', 'upstream', '\\') , maxLength: 40 }), (t) => {
      try {
        parseUpstreamBlock(t);
      } catch (e) {
        expect(e).toBeInstanceOf(NginxError);
      }
    }));
  });
});
