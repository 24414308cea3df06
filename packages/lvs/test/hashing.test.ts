import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hsiphash32, MaglevHashing, parseIPv4, SourceHashing, DestinationHashing, VirtualService, type Dest } from '../src/index.js';
import { lettered, schedAs } from './helpers.js';

/** Independent models of the bucket functions. */
const hash32Model = (v: number): number => Number(((BigInt(v >>> 0) * 0x61c88647n) & 0xffffffffn) >> 24n);
const multModel = (v: number): number => Number((BigInt(v >>> 0) * 2654435761n) & 0xffn);

function shService(weights: number[], flags: ('sh-fallback' | 'sh-port')[] = [], tableHash: 'hash_32' | 'multiplicative' = 'hash_32'): VirtualService {
  const svc = new VirtualService({ scheduler: 'sh', flags, tableHash });
  for (let i = weights.length - 1; i >= 0; i--) svc.addDest({ name: String.fromCharCode(65 + i), weight: weights[i]! });
  return svc;
}
const table = (svc: VirtualService): (Dest | null)[] => schedAs(svc, SourceHashing).table;
const addrArb = fc.integer({ min: 0, max: 0xffffffff });

describe('ip_vs_sh.c — the 256-bucket table', () => {
  it('ip_vs_sh_reassign gives each server max(w, 1) consecutive buckets per round, in list order', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 6 }), (ws) => {
      const svc = shService(ws);
      const want: string[] = [];
      for (let i = 0; want.length < 256; i = (i + 1) % ws.length) {
        for (let k = 0; k < Math.max(ws[i]!, 1) && want.length < 256; k++) want.push(String.fromCharCode(65 + i));
      }
      expect(table(svc).map((d) => d!.name)).toEqual(want);
    }));
  });
  it('weights 2,1,1 lay out AABCAABC…; 1,1,1 puts bucket i on server i mod 3', () => {
    expect(table(shService([2, 1, 1])).slice(0, 8).map((d) => d!.name).join('')).toBe('AABCAABC');
    expect(table(shService([1, 1, 1])).slice(0, 6).map((d) => d!.name).join('')).toBe('ABCABC');
  });
  it('current kernels: bucket = hash_32(src, 8), the top 8 bits of src·0x61C88647', () => {
    fc.assert(fc.property(addrArb, (src) => {
      const svc = shService([1, 1, 1, 1, 1]);
      expect(svc.schedule({ srcAddr: src })).toBe(table(svc)[hash32Model(src)]);
    }));
  });
  it('older kernels ((src·2654435761) & 255): only the last IPv4 octet matters — 10.0.0.5 and 192.168.1.5 collide', () => {
    const svc = shService([1, 1, 1, 1, 1], [], 'multiplicative');
    expect(svc.schedule({ srcAddr: '10.0.0.5' })).toBe(svc.schedule({ srcAddr: '192.168.1.5' }));
    fc.assert(fc.property(addrArb, (src) => {
      expect(svc.schedule({ srcAddr: src })).toBe(table(svc)[multModel(src)]);
      expect(multModel(src)).toBe(((src & 255) * 177) % 256);
    }));
  });
  it('sh-port adds the source port to the key before hashing', () => {
    fc.assert(fc.property(addrArb, fc.integer({ min: 0, max: 65535 }), (src, port) => {
      const svc = shService([1, 2, 3], ['sh-port']);
      expect(svc.schedule({ srcAddr: src, srcPort: port })).toBe(table(svc)[hash32Model((src + port) >>> 0)]);
    }));
  });
  it('same source → same server while the table and availability are unchanged', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), addrArb, (ws, src) => {
      const svc = shService(ws);
      const first = svc.schedule({ srcAddr: src });
      for (let i = 0; i < 3; i++) expect(svc.schedule({ srcAddr: src })).toBe(first);
    }));
  });
  it('without sh-fallback an OVERLOADed or quiesced primary gives none', () => {
    const svc = shService([1, 1, 1]);
    const src = 0x0a000001;
    const primary = table(svc)[hash32Model(src)]!;
    primary.overloaded = true;
    expect(svc.schedule({ srcAddr: src })).toBeNull();
  });
  it('ip_vs_sh_get_fallback: OVERLOAD on X moves only X\'s sources, never to X; the probe is buckets 2h, 2h+1, …', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 6 }), fc.nat(5), fc.array(addrArb, { minLength: 20, maxLength: 20 }), (ws, xi, srcs) => {
      const svc = shService(ws, ['sh-fallback']);
      const x = svc.dests[xi % ws.length]!;
      const before = srcs.map((s) => svc.schedule({ srcAddr: s }));
      x.overloaded = true;
      srcs.forEach((s, i) => {
        const d = svc.schedule({ srcAddr: s });
        expect(d).not.toBe(x);
        const h = hash32Model(s);
        if (table(svc)[h] !== x) expect(d).toBe(before[i]);
        else {
          let want: Dest | null = null;
          for (let k = 0; k < 256; k++) {
            const cand = table(svc)[(2 * h + k) % 256]!;
            if (cand !== x) { want = cand; break; }
          }
          expect(d).toBe(want);
        }
      });
    }));
  });
  it('sh is not consistent hashing: deleting one server re-lays the whole table and moves other servers\' clients too', () => {
    const svc = shService([1, 1, 1, 1]);
    const srcs = Array.from({ length: 256 }, (_, i) => parseIPv4(`198.51.100.${i}`));
    const before = srcs.map((s) => svc.schedule({ srcAddr: s })!.name);
    svc.delDest('B');
    const after = srcs.map((s) => svc.schedule({ srcAddr: s })!.name);
    const movedFromOthers = before.filter((b, i) => b !== 'B' && after[i] !== b).length;
    expect(movedFromOthers).toBeGreaterThan(64);
  });
});

describe('ip_vs_sh.c — which edits re-lay the table', () => {
  it('weight 1 → 0 keeps the layout (0 and 1 both take one bucket per round); 1 → 2 moves other servers\' buckets', () => {
    const svc = shService([1, 1, 1, 1]);
    const before = table(svc).map((d) => d!.name).join('');
    svc.editDest('B', { weight: 0 });
    expect(table(svc).map((d) => d!.name).join('')).toBe(before);
    svc.editDest('B', { weight: 2 });
    const after = table(svc).map((d) => d!.name);
    const movedOthers = after.filter((n, i) => n !== 'B' && before[i] !== 'B' && before[i] !== n).length;
    expect(movedOthers).toBeGreaterThan(0);
  });
});

describe('ip_vs_dh.c', () => {
  it('bucket i → server i mod n in list order; weights ignored in the fill; keyed by destination', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 7 }), addrArb, addrArb, (ws, src, dst) => {
      const svc = new VirtualService({ scheduler: 'dh' });
      for (let i = ws.length - 1; i >= 0; i--) svc.addDest({ name: `d${i}`, weight: ws[i]! });
      const d = svc.schedule({ srcAddr: src, dstAddr: dst })!;
      expect(d.name).toBe(`d${hash32Model(dst) % ws.length}`);
      expect(schedAs(svc, DestinationHashing).table.every((x, i) => x === svc.dests[i % ws.length])).toBe(true);
    }));
  });
  it('a quiesced bucket owner gives none (no fallback)', () => {
    const svc = lettered('dh', [1, 1]);
    const dst = 0xc0000201;
    const owner = svc.schedule({ srcAddr: 1, dstAddr: dst })!;
    svc.editDest(owner.name, { weight: 0 });
    expect(svc.schedule({ srcAddr: 1, dstAddr: dst })).toBeNull();
  });
});

/** A plain SipHash-c-d (64-bit) written from the paper, to check the kernel hsiphash port. */
function siphashModel(c: number, d: number, k0: bigint, k1: bigint, msg: Uint8Array): bigint {
  const M = (1n << 64n) - 1n;
  const rotl = (x: bigint, b: bigint): bigint => ((x << b) | (x >> (64n - b))) & M;
  let v0 = 0x736f6d6570736575n ^ k0, v1 = 0x646f72616e646f6dn ^ k1, v2 = 0x6c7967656e657261n ^ k0, v3 = 0x7465646279746573n ^ k1;
  const round = (): void => {
    v0 = (v0 + v1) & M; v1 = rotl(v1, 13n) ^ v0; v0 = rotl(v0, 32n);
    v2 = (v2 + v3) & M; v3 = rotl(v3, 16n) ^ v2;
    v0 = (v0 + v3) & M; v3 = rotl(v3, 21n) ^ v0;
    v2 = (v2 + v1) & M; v1 = rotl(v1, 17n) ^ v2; v2 = rotl(v2, 32n);
  };
  const full = msg.length - (msg.length % 8);
  const word = (off: number, n: number): bigint => { let w = 0n; for (let i = n - 1; i >= 0; i--) w = (w << 8n) | BigInt(msg[off + i]!); return w; };
  for (let off = 0; off < full; off += 8) { const m = word(off, 8); v3 ^= m; for (let i = 0; i < c; i++) round(); v0 ^= m; }
  const b = (BigInt(msg.length & 255) << 56n) | word(full, msg.length - full);
  v3 ^= b; for (let i = 0; i < c; i++) round(); v0 ^= b;
  v2 ^= 0xffn; for (let i = 0; i < d; i++) round();
  return v0 ^ v1 ^ v2 ^ v3;
}

describe('ip_vs_mh.c — Maglev', () => {
  it('the SipHash model reproduces the SipHash-2-4 paper vector (key 00..0f, message 00..0e)', () => {
    const k0 = 0x0706050403020100n, k1 = 0x0f0e0d0c0b0a0908n;
    expect(siphashModel(2, 4, k0, k1, Uint8Array.from({ length: 15 }, (_, i) => i))).toBe(0xa129ca6149be45e5n);
  });
  it('hsiphash of one u32 on a 64-bit kernel is SipHash-1-3 over its 4 little-endian bytes, truncated to 32 bits', () => {
    fc.assert(fc.property(addrArb, fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v, k0, k1) => {
      const bytes = new Uint8Array(4);
      new DataView(bytes.buffer).setUint32(0, v, true);
      expect(hsiphash32(v, k0, k1)).toBe(Number(siphashModel(1, 3, k0, k1, bytes) & 0xffffffffn));
    }));
  });
  const mh = (ws: number[], flags: ('mh-fallback' | 'mh-port')[] = [], mhTabIndex = 8): VirtualService => {
    const svc = new VirtualService({ scheduler: 'mh', flags, mhTabIndex });
    for (let i = ws.length - 1; i >= 0; i--) svc.addDest({ name: `d${i}`, weight: ws[i]!, addr: `10.2.0.${i + 1}`, port: 80 });
    return svc;
  };
  it('ip_vs_mh_populate: every slot is owned, and slot counts follow the per-round turns in list order', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 6 }), (ws) => {
      fc.pre(ws.some((w) => w > 0));
      const svc = mh(ws);
      const s = schedAs(svc, MaglevHashing);
      const g = ws.filter((w) => w > 0).reduce((a, b) => { while (b) [a, b] = [b, a % b]; return a; });
      const turns = ws.map((w) => (w === 0 ? 0 : w / g)); // max/g < 64, so no shift at index 8 (bits 4)… unless ≥ 16
      const mw = Math.max(...ws) / g;
      const shift = Math.max(0, 32 - Math.clz32(mw) - 4);
      const t = turns.map((x, i) => (x >> shift) || (ws[i] !== 0 ? 1 : 0));
      const T = t.reduce((a, b) => a + b, 0);
      let rem = 251 - Math.floor(251 / T) * T;
      const want = t.map((x) => { const extra = Math.min(x, rem); rem -= extra; return Math.floor(251 / T) * x + extra; });
      const counts = ws.map((_, i) => s.lookup.filter((d) => d === svc.dests[i]).length);
      expect(s.lookup.every((d) => d !== null)).toBe(true);
      expect(counts).toEqual(want);
    }));
  });
  it('quiescing (weight → 0) keeps the table (last_weight); mh-fallback moves only the quiesced server\'s keys', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 5 }), fc.nat(4), fc.array(addrArb, { minLength: 30, maxLength: 30 }), (ws, xi, srcs) => {
      const svc = mh(ws, ['mh-fallback']);
      const s = schedAs(svc, MaglevHashing);
      const tableBefore = [...s.lookup];
      const before = srcs.map((a) => svc.schedule({ srcAddr: a }));
      const x = svc.dests[xi % ws.length]!;
      svc.editDest(x.name, { weight: 0 });
      expect(s.lookup).toEqual(tableBefore);
      srcs.forEach((a, i) => {
        const d = svc.schedule({ srcAddr: a });
        expect(d).not.toBe(x);
        if (before[i] !== x) expect(d).toBe(before[i]);
      });
    }));
  });
  it('default table: 4093 slots (CONFIG_IP_VS_MH_TAB_INDEX 12); equal weights share them 1365/1364/1364', () => {
    const svc = mh([1, 1, 1], [], 12);
    const s = schedAs(svc, MaglevHashing);
    expect(s.size).toBe(4093);
    expect(svc.dests.map((d) => s.lookup.filter((x) => x === d).length)).toEqual([1365, 1364, 1364]);
  });
});
