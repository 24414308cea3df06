import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, ipHashKey, NginxUpstream, splitServer, type NginxMethod } from '../src/index.js';

const up = (method: NginxMethod, ws: number[], extra: Partial<{ down: number[]; backup: number[] }> = {}, now?: () => number): NginxUpstream =>
  new NginxUpstream({
    method,
    servers: ws.map((w, i) => ({ name: String.fromCharCode(65 + i), address: `10.0.0.${i + 1}:80`, weight: w, down: extra.down?.includes(i) ?? false, backup: extra.backup?.includes(i) ?? false })),
    ...(now ? { now } : {}),
  });
const seq = (u: NginxUpstream, n: number, req: (i: number) => { clientAddr?: string; key?: string } = () => ({})): string =>
  Array.from({ length: n }, (_, i) => u.request(req(i)) ?? '-').join('');

describe('ngx_http_upstream_round_robin.c — smooth weighted round robin', () => {
  it('weights 5,1,1 give AABACAA (measured on nginx 1.22.1); 4,3,2 give ABCABACBA', () => {
    expect(seq(up('round_robin', [5, 1, 1]), 14)).toBe('AABACAA'.repeat(2));
    expect(seq(up('round_robin', [4, 3, 2]), 18)).toBe('ABCABACBA'.repeat(2));
  });
  it('every window of W = Σw picks from fresh state chooses peer i exactly w_i times; Σ current_weight stays 0', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }), (ws) => {
      const u = up('round_robin', ws);
      const W = ws.reduce((a, b) => a + b, 0);
      const first = seq(u, W);
      for (let i = 0; i < ws.length; i++) expect(first.split(String.fromCharCode(65 + i)).length - 1).toBe(ws[i]);
      if (ws.length > 1) expect(u.peers().reduce((a, p) => a + p.currentWeight, 0)).toBe(0);
      expect(seq(u, W)).toBe(first); // periodic with period W
    }));
  });
  it('down peers are skipped; backups serve only when no primary can be chosen', () => {
    expect(seq(up('round_robin', [1, 1, 1], { down: [1] }), 4)).toBe('ACAC');
    expect(seq(up('round_robin', [1, 1, 1], { down: [0, 1], backup: [2] }), 2)).toBe('CC');
    expect(seq(up('round_robin', [1, 1, 1], { down: [0, 1, 2], backup: [2] }), 2)).toBe('--');
    const u = up('round_robin', [1, 1, 2], { down: [0], backup: [1, 2] });
    expect(seq(u, 3)).toBe('CBC');
  });
  it('max_fails/fail_timeout: a failed peer is skipped for fail_timeout seconds, and its effective weight recovers by 1 per pick', () => {
    let t = 0;
    const u = new NginxUpstream({ method: 'round_robin', now: () => t, servers: [{ name: 'A', address: 'a:1', weight: 2, maxFails: 1, failTimeoutSec: 10 }, { name: 'B', address: 'b:1', weight: 1 }] });
    const a = u.pick()!;
    expect(a.name).toBe('A');
    u.free(a, { failed: true }); // fails 1 ≥ max_fails 1: out for 10 s; effective 2 − 2/1 = 0
    expect(seq(u, 3)).toBe('BBB');
    t = 11_000; // now − checked = 11 > 10: eligible again, effective weight climbs back from 0
    const s = seq(u, 6);
    expect(s[0]).toBe('B');
    expect(u.peer('A').fails).toBe(0); // a success after the window resets fails (accessed < checked)
    expect(s).toContain('A');
  });
});

describe('ngx_http_upstream_ip_hash_module.c', () => {
  it('hash = 89, then h = (h·113 + octet) mod 6271 over the first three octets; w = h mod Σweight picks the peer', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 6 }), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), (ws, a, b, c, d) => {
      const u = up('ip_hash', ws);
      let h = 89;
      for (const o of [a, b, c]) h = (h * 113 + o) % 6271;
      let w = h % ws.reduce((x, y) => x + y, 0);
      let i = 0;
      while (w >= ws[i]!) w -= ws[i++]!;
      expect(u.request({ clientAddr: `${a}.${b}.${c}.${d}` })).toBe(String.fromCharCode(65 + i));
    }));
  });
  it('two clients with the same first three octets get the same peer; the last octet never matters', () => {
    fc.assert(fc.property(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255), (a, b, c, d1, d2) => {
      const u = up('ip_hash', [1, 2, 3]);
      expect(u.request({ clientAddr: `${a}.${b}.${c}.${d1}` })).toBe(u.request({ clientAddr: `${a}.${b}.${c}.${d2}` }));
    }));
  });
  it('marking a peer down moves only the clients that were on it (rehash from the current h)', () => {
    const clients = Array.from({ length: 400 }, (_, i) => `${i % 200}.${(i * 7) % 256}.${i % 3}.9`);
    const before = clients.map((c) => up('ip_hash', [1, 1, 1, 1]).request({ clientAddr: c }));
    const after = clients.map((c) => up('ip_hash', [1, 1, 1, 1], { down: [1] }).request({ clientAddr: c }));
    before.forEach((b, i) => {
      if (b !== 'B') expect(after[i]).toBe(b);
      else expect(after[i]).not.toBe('B');
    });
  });
  it('more than 20 rehash tries fall back to round robin; key bytes for IPv4 are a.b.c', () => {
    expect([...ipHashKey('1.2.3.4')]).toEqual([1, 2, 3]);
    const u = up('ip_hash', [1, 1], { down: [0, 1] });
    expect(u.request({ clientAddr: '1.2.3.4' })).toBeNull();
  });
});

describe('ngx_http_upstream_least_conn_module.c', () => {
  it('with all conns equal and no failures least_conn reproduces smooth WRR exactly', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }), (ws) => {
      expect(seq(up('least_conn', ws), 30)).toBe(seq(up('round_robin', ws), 30));
    }));
  });
  it('chooses a minimiser of conns/weight (in-flight requests counted)', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 5 }), fc.array(fc.nat(5), { minLength: 5, maxLength: 5 }), (ws, held) => {
      const u = up('least_conn', ws);
      u.peers().forEach((p, i) => (p.conns = held[i]!));
      const p = u.pick()!;
      const best = Math.min(...u.peers().map((q) => (q === p ? q.conns - 1 : q.conns) / q.weight));
      expect((p.conns - 1) / p.weight).toBe(best);
    }));
  });
});

describe('ngx_http_upstream_hash_module.c', () => {
  it('crc32 is the IEEE CRC-32 ("123456789" → cbf43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
  it('hash: acc += (crc32(key) >> 16) & 0x7fff; w = acc mod Σweight (Cache::Memcached compatible)', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme-ascii' }), fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 5 }), (key, ws) => {
      const u = up('hash', ws);
      let w = ((crc32(new TextEncoder().encode(key)) >>> 16) & 0x7fff) % ws.reduce((a, b) => a + b, 0);
      let i = 0;
      while (w >= ws[i]!) w -= ws[i++]!;
      expect(u.request({ key })).toBe(String.fromCharCode(65 + i));
    }));
  });
  it('empty key → round robin', () => {
    expect(seq(up('hash', [2, 1]), 3, () => ({ key: '' }))).toBe('ABA');
  });
  it('server strings split like ngx_http_upstream_init_chash: a trailing all-digit :port', () => {
    expect(splitServer('127.0.0.1:41201')).toEqual(['127.0.0.1', '41201']);
    expect(splitServer('backend.example')).toEqual(['backend.example', '']);
    expect(splitServer('unix:/tmp/s.sock')).toEqual(['/tmp/s.sock', '']);
    expect(splitServer('[::1]:80')).toEqual(['[::1]', '80']);
  });
  it('consistent: 160·weight points per peer; same key → same peer; removing a peer moves only keys whose point was its', () => {
    fc.assert(fc.property(fc.array(fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' }), { minLength: 10, maxLength: 40 }), fc.nat(3), (keys, gone) => {
      const full = up('hash_consistent', [1, 2, 1, 1]);
      expect(full.points.length).toBeLessThanOrEqual(160 * 5);
      const names = ['A', 'B', 'C', 'D'];
      const servers = names.map((n, i) => ({ name: n, address: `10.0.0.${i + 1}:80`, weight: [1, 2, 1, 1][i]! })).filter((_, i) => i !== gone);
      const less = new NginxUpstream({ method: 'hash_consistent', servers });
      for (const k of keys) {
        const a = full.request({ key: k });
        expect(full.request({ key: k })).toBe(a);
        const b = less.request({ key: k });
        if (a !== names[gone]) expect(b).toBe(a);
      }
    }), { numRuns: 25 });
  });
});

describe('ngx_http_upstream_next: the tries of one request', () => {
  it('a refused peer fails the try, is marked failed, and the same request moves on; later requests skip it for fail_timeout', () => {
    const u = up('round_robin', [1, 1, 1]);
    const dead = (p: { name: string }): boolean => p.name !== 'A';
    const r1 = u.requestWithRetries({}, dead);
    expect(r1.tried.map((p) => p.name)).toEqual(['A', 'B']);
    expect(r1.answered!.name).toBe('B');
    const rest = Array.from({ length: 4 }, () => u.requestWithRetries({}, dead).tried.map((p) => p.name).join('')).join(' ');
    expect(rest).not.toContain('A');
  });
  it('ip_hash keeps its h between tries: the retry continues the rehash chain', () => {
    const u = up('ip_hash', [1, 1, 1, 1]);
    const key = [10, 1, 2];
    let h = 89;
    const chain: number[] = [];
    for (let t = 0; t < 3; t++) {
      for (const b of key) h = (h * 113 + b) % 6271;
      chain.push(h % 4);
    }
    const first = String.fromCharCode(65 + chain[0]!);
    const r = u.requestWithRetries({ clientAddr: '10.1.2.3' }, (p) => p.name !== first);
    expect(r.tried[0]!.name).toBe(first);
    const second = chain.slice(1).find((i) => i !== chain[0]);
    expect(r.answered!.name).toBe(String.fromCharCode(65 + second!));
  });
  it('every peer refusing → 502 after one try per peer; a single-peer upstream does not retry', () => {
    const u = up('round_robin', [1, 2, 1]);
    const r = u.requestWithRetries({}, () => false);
    expect(r.answered).toBeNull();
    expect(r.tried.length).toBe(3);
    const one = up('round_robin', [1], {});
    expect(one.requestWithRetries({}, () => false).tried.length).toBe(1);
  });
});
