import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { allEntries, decodeRdb, encodeRdb, RdbDecoder, RdbFormatError, readValue, type DecodedEntry } from '@protolab/redis-rdb';
import { arbEntries } from './helpers.js';

const real = new Uint8Array(readFileSync(new URL('./fixtures/redis-7.0.15-mixed.rdb', import.meta.url)));
const realSmall = real.subarray(0, real.length); // 73 KB: mutate it rarely (slow), generated files often

/**
 * Decoding must either succeed or throw RdbFormatError — nothing else. Values are validated at
 * decode time and expanded on first read: after a successful decode, reading every key and every
 * value's items must not throw at all (outside the try, so a throw fails the property).
 */
function onlyTyped(f: Uint8Array, verifyChecksum: boolean, chunk?: number): string {
  const entries: DecodedEntry[] = [];
  try {
    if (chunk === undefined) entries.push(...allEntries(decodeRdb(f, { verifyChecksum })));
    else {
      const d = new RdbDecoder({ verifyChecksum });
      for (let i = 0; i < f.length && !d.done; i += chunk) for (const r of d.push(f.subarray(i, i + chunk))) if (r.kind === 'entry') entries.push(r.entry);
      if (!d.done) for (const r of d.end()) if (r.kind === 'entry') entries.push(r.entry);
    }
  } catch (e) {
    if (e instanceof RdbFormatError) {
      expect(typeof e.code).toBe('string');
      expect(Number.isInteger(e.offset)).toBe(true);
      return e.code;
    }
    throw e;
  }
  for (const e of entries) touch(e);
  return 'ok';
}

/** Read the key and every item of the value (expanding it), as a user of the entries would. */
function touch(e: DecodedEntry): void {
  expect(e.key).toBeInstanceOf(Uint8Array);
  // the one-pass reader first (expanding from the packed form without caching), then the accessor
  const once = readValue(e);
  const v = e.value;
  expect(once.type).toBe(v.type);
  expect(once.value.length).toBe(v.value.length);
  if (v.type === 'string') expect(v.value).toBeInstanceOf(Uint8Array);
  else if (v.type === 'zset') for (const z of v.value) expect(typeof z.score).toBe('number');
  else if (v.type === 'hash') for (const [f, x] of v.value) expect(f.length + x.length).toBeGreaterThanOrEqual(0);
  else for (const x of v.value) expect(x).toBeInstanceOf(Uint8Array);
}

type Mutation = { kind: 'flip'; at: number; xor: number } | { kind: 'truncate'; at: number } | { kind: 'inflate'; at: number; bytes: number[] } | { kind: 'splice'; at: number; len: number; to: number };

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  // a forged length: 32/64-bit length prefixes and LZF headers with huge sizes written over any byte
  fc.record({ kind: fc.constant('inflate' as const), at: fc.nat(), bytes: fc.constantFrom<number[]>([0x80, 0xff, 0xff, 0xff, 0xff], [0x81, 0, 0, 0x10, 0, 0, 0, 0, 0], [0xc3, 0x01, 0x80, 0x7f, 0xff, 0xff, 0xff], [0x7f, 0xff], [0x80, 0, 1, 0, 0]) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }), to: fc.nat() }),
);

function mutate(f: Uint8Array, ms: Mutation[]): Uint8Array {
  let out = f.slice();
  for (const m of ms) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at]! ^= m.xor;
    else if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'inflate') {
      const copy = out.slice();
      copy.set(m.bytes.slice(0, copy.length - at), at);
      out = copy;
    } else {
      const piece = out.slice(at, at + m.len);
      const to = m.to % out.length;
      const next = new Uint8Array(out.length + piece.length);
      next.set(out.subarray(0, to), 0);
      next.set(piece, to);
      next.set(out.subarray(to), to + piece.length);
      out = next;
    }
  }
  return out;
}

describe('fuzzing: hostile input gives only typed errors (RdbFormatError with code and offset), never a hang or a crash', () => {
  it('random bytes, with and without a valid "REDIS0010" header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), fc.boolean(), (junk, withHeader, verify) => {
        const f = withHeader ? new Uint8Array([...new TextEncoder().encode('REDIS0010'), ...junk]) : junk;
        onlyTyped(f, verify);
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated generated files (flipped bytes, truncations, inflated lengths, spliced records), whole and streamed', () => {
    fc.assert(
      fc.property(arbEntries, fc.array(arbMutation, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), (es, ms, verify, chunk) => {
        onlyTyped(mutate(encodeRdb(es), ms), verify, chunk);
      }),
      { numRuns: 200 },
    );
  });

  it('mutated real redis-server 7.0.15 dump (checksum verification off, so the parser meets the damage)', () => {
    fc.assert(
      fc.property(fc.array(arbMutation, { minLength: 1, maxLength: 3 }), (ms) => {
        onlyTyped(mutate(realSmall, ms), false);
      }),
      { numRuns: 60 },
    );
  });

  it('with checksum verification on, a flipped byte in a real dump never loads silently', () => {
    fc.assert(
      fc.property(fc.integer({ min: 9, max: real.length - 9 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const f = real.slice();
        f[at]! ^= xor;
        expect(onlyTyped(f, true)).not.toBe('ok');
      }),
      { numRuns: 100 },
    );
  });
});
