// What a reply cut by a chunk boundary costs in copies (issue 19). The decoders keep the bytes of
// an aggregate whose end has not arrived; they used to take the *whole* next chunk into their own
// buffer to do so, so a 200-byte array straddling two 64 KiB socket reads cost a 64 KiB copy (half
// of a mixed reply stream was copied). Now the unknown remainder is taken in pieces (at least
// 4 KiB, then twice what is held), and the rest of the chunk is read in place. Costs are the
// decoders' `work` counter (bytes examined plus bytes copied), never a clock.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand, encodeMany, reply, RespBareDecoder, RespDecoder, RespRequestParser, type RespValue } from '../src/index.js';
import { concat } from './support.js';

const CHUNK = 65_536;

interface Counted {
  readonly work: number;
}

/** Work of decoding `input` in one push, and in CHUNK-byte pushes; the values must agree. */
function workWholeAndSplit(make: () => Counted & { push(c: Uint8Array): unknown[] }, input: Uint8Array): { whole: number; split: number } {
  const w = make();
  const all = w.push(input).length;
  const s = make();
  let n = 0;
  for (let o = 0; o < input.length; o += CHUNK) n += s.push(input.subarray(o, o + CHUNK)).length;
  expect(n).toBe(all);
  return { whole: w.work, split: s.work };
}

/** `+OK` replies up to `at`, then `middle`, then `+OK`s to two full chunks past it. */
function around(middle: Uint8Array, at: number, filler: Uint8Array): Uint8Array {
  const before = Math.floor(at / filler.length);
  const after = Math.ceil((2 * CHUNK) / filler.length);
  return concat([...Array.from({ length: before }, () => filler), middle, ...Array.from({ length: after }, () => filler)]);
}

const smallArray: fc.Arbitrary<RespValue> = fc
  .array(fc.oneof(fc.string({ maxLength: 40 }).map((s) => reply.bulk(s)), fc.integer().map((i) => reply.integer(i))), { minLength: 1, maxLength: 20 })
  .map((items) => reply.array(items));

describe('a small aggregate cut by a chunk boundary costs about its own bytes, not the next chunk', () => {
  it.each([
    ['RespDecoder', () => new RespDecoder()],
    ['RespBareDecoder', () => new RespBareDecoder()],
  ] as const)('%s: an array of up to 20 short elements straddling two 64 KiB pushes costs at most 8 KiB plus 8 units per byte of it more than one push', (_name, make) => {
    fc.assert(
      fc.property(smallArray, fc.integer({ min: 1, max: 400 }), (array, back) => {
        const middle = encodeMany([array]);
        const input = around(middle, CHUNK - Math.min(back, middle.length - 1), encodeMany([reply.ok]));
        const { whole, split } = workWholeAndSplit(make, input);
        expect(split - whole).toBeLessThanOrEqual(8192 + 8 * middle.length);
      }),
      { numRuns: 60 },
    );
  });

  it('RespRequestParser: a command of up to 20 arguments straddling two 64 KiB pushes costs at most 8 KiB plus 8 units per byte of it more than one push', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 400 }), (argv, back) => {
        const middle = encodeCommand(['RPUSH', ...argv]);
        const input = around(middle, CHUNK - Math.min(back, middle.length - 1), encodeCommand(['PING']));
        const { whole, split } = workWholeAndSplit(() => new RespRequestParser(), input);
        expect(split - whole).toBeLessThanOrEqual(8192 + 8 * middle.length);
      }),
      { numRuns: 60 },
    );
  });
});
