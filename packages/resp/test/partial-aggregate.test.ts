// An aggregate cut by a chunk end keeps the elements already decoded (issue 19, as redis-parser's
// arrayCache): the next chunk reads on from the cut, so each byte is decoded once. What that must
// not change: any split gives the values of the whole, malformed input fails with the same code
// and offset after the same replies, and the memory held stays linear in the bytes received —
// at most one built element per 3 bytes of the unfinished value (every element takes 3 bytes at
// least: `+\r\n`), and none once the value passes OPTIMISTIC_BUILD_BYTES (it is then only scanned,
// its bytes kept, and built once complete). Expected values come from the model in support.ts (bareModel).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMany, OPTIMISTIC_BUILD_BYTES, RespBareDecoder, RespDecoder, RespProtocolError, RespReplyError, type RespBareReply, type RespValue } from '../src/index.js';
import { bareModel, bytes, cut, cutPoints, type BareExpected } from './support.js';

type Expected = BareExpected;


function seen(r: RespBareReply): Expected {
  if (r instanceof RespReplyError) return { error: r.message };
  if (r instanceof Uint8Array) return Uint8Array.from(r);
  if (Array.isArray(r)) return r.map(seen);
  return r;
}

const leaf: fc.Arbitrary<RespValue> = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((n) => ({ type: 'integer', value: BigInt(n) }) as const),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value) => ({ type: 'integer', value }) as const),
  fc.uint8Array({ maxLength: 30 }).map((value) => ({ type: 'bulk', value }) as const),
  fc.constantFrom<RespValue>({ type: 'null', resp2: 'bulk' }, { type: 'null', resp2: 'array' }, { type: 'simple', value: 'OK' }, { type: 'array', value: [] }),
  fc.stringMatching(/^[ -~]{0,30}$/).map((value) => ({ type: 'simple', value }) as const),
  fc.stringMatching(/^[A-Z]{1,8} [ -~]{0,20}$/).map((value) => ({ type: 'error', value }) as const),
);

/** Wide arrays (up to 40 elements) nested up to 3 deep: most of each reply straddles small chunks. */
const wide: fc.Arbitrary<RespValue> = fc.letrec<{ v: RespValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 40 }).map((value) => ({ type: 'array', value }) as const)),
})).v;
const stream = fc.array(fc.oneof(wide, fc.array(wide, { minLength: 1, maxLength: 40 }).map((value): RespValue => ({ type: 'array', value }))), { minLength: 1, maxLength: 8 });

/** Pushes `chunks` by `execute`; returns the replies in model terms and their end offsets (by `feed`). */
function run(chunks: readonly Uint8Array[], simpleStrings: 'string' | 'bytes' = 'string'): { values: Expected[]; ends: number[]; error?: string } {
  const out: Expected[] = [];
  const d = new RespBareDecoder({ onReply: (r) => out.push(seen(r)), simpleStrings });
  const f = new RespBareDecoder({ simpleStrings });
  const ends: number[] = [];
  let error: string | undefined;
  for (const c of chunks) {
    const r = f.feed(c);
    ends.push(...r.ends);
    let thrown: unknown;
    try {
      d.execute(c);
    } catch (e) {
      thrown = e;
    }
    if (r.error) {
      expect(thrown).toBeInstanceOf(RespProtocolError);
      expect((thrown as RespProtocolError).code).toBe(r.error.code);
      expect((thrown as RespProtocolError).offset).toBe(r.error.offset);
      error = `${r.error.code}@${r.error.offset}`;
      break;
    }
    expect(thrown).toBeUndefined();
  }
  expect(out).toHaveLength(ends.length);
  return error === undefined ? { values: out, ends } : { values: out, ends, error };
}

describe('a partial aggregate is kept across chunks (RespBareDecoder)', () => {
  it('any split of a reply stream gives the values of the whole: wide and nested arrays cut at random points and in chunks of 1-16 and 100 bytes, against the model', () => {
    fc.assert(
      fc.property(stream.chain((values) => fc.tuple(fc.constant(values), cutPoints(encodeMany(values).length), fc.integer({ min: 1, max: 16 }))), ([values, points, size]) => {
        const input = encodeMany(values);
        const want = values.map(bareModel);
        const whole = run([input]);
        expect(whole.values).toEqual(want);
        expect(run(cut(input, points))).toEqual(whole);
        for (const n of [size, 100]) {
          const chunks: Uint8Array[] = [];
          for (let o = 0; o < input.length; o += n) chunks.push(input.subarray(o, o + n));
          expect(run(chunks)).toEqual(whole);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a stream with one byte changed gives the same replies, then the same error code and offset, whatever the split (and what the tagged RESP2 decoder reports)', () => {
    fc.assert(
      fc.property(
        stream.chain((values) => {
          const len = encodeMany(values).length;
          return fc.tuple(fc.constant(values), fc.nat(len - 1), fc.integer({ min: 0, max: 255 }), cutPoints(len));
        }),
        ([values, at, byte, points]) => {
          const input = encodeMany(values).slice();
          input[at] = byte;
          const whole = run([input]);
          expect(run(cut(input, points))).toEqual(whole);
          const chunks: Uint8Array[] = [];
          for (let o = 0; o < input.length; o += 7) chunks.push(input.subarray(o, o + 7));
          expect(run(chunks)).toEqual(whole);
          const tagged = new RespDecoder({ protocol: 2 }).feed(input);
          expect(whole.ends).toEqual(tagged.ends);
          expect(whole.error).toBe(tagged.error === undefined ? undefined : `${tagged.error.code}@${tagged.error.offset}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('simple strings as bytes: any split gives the bytes of the whole', () => {
    fc.assert(
      fc.property(stream.chain((values) => fc.tuple(fc.constant(values), cutPoints(encodeMany(values).length))), ([values, points]) => {
        const input = encodeMany(values);
        const whole = run([input], 'bytes');
        expect(run(cut(input, points), 'bytes')).toEqual(whole);
        const text = (x: Expected): Expected => (typeof x === 'string' ? bytes(x) : Array.isArray(x) ? x.map(text) : x);
        expect(whole.values).toEqual(values.map(bareModel).map(text));
      }),
      { numRuns: 60 },
    );
  });
});

interface Held {
  push(chunk: Uint8Array): unknown[];
  readonly pendingElements: number;
  readonly offset: number;
  readonly midValue: boolean;
  readonly bufferCapacity: number;
}

describe('memory held by a partial aggregate', () => {
  const decoders: [string, () => Held][] = [
    ['RespDecoder (RESP3)', () => new RespDecoder()],
    ['RespDecoder (RESP2, numbers)', () => new RespDecoder({ protocol: 2, integers: 'number' })],
    ['RespBareDecoder', () => new RespBareDecoder()],
    ['RespBareDecoder (simple strings as bytes)', () => new RespBareDecoder({ simpleStrings: 'bytes' })],
  ];
  const units = [':1\r\n', '$1\r\na\r\n', '+a\r\n', '*1\r\n:7\r\n', ':123456\r\n'];

  it.each(decoders)('%s: a partial aggregate kept across chunks holds every element completed so far and only its unfinished element\'s bytes while under OPTIMISTIC_BUILD_BYTES; past it, no more elements (at most OPTIMISTIC_BUILD_BYTES / 3 + 1) and the bytes since; one built element per 3 bytes received at most', (_name, make) => {
    for (const unit of units) {
      for (const size of [4093, 65_536]) {
        const header = '*2147483647\r\n';
        const count = Math.ceil((OPTIMISTIC_BUILD_BYTES + 3 * size) / unit.length);
        const input = bytes(header + unit.repeat(count));
        const d = make();
        let pushed = 0;
        let sawHeld = false;
        let frozen = -1;
        for (let o = 0; o < input.length; o += size) {
          expect(d.push(input.slice(o, o + size))).toEqual([]);
          pushed = Math.min(input.length, o + size);
          expect(d.midValue).toBe(true);
          expect(d.offset).toBe(0);
          const received = pushed - d.offset;
          expect(d.pendingElements).toBeLessThanOrEqual(received / 3);
          const complete = Math.floor((pushed - header.length) / unit.length);
          if (received <= OPTIMISTIC_BUILD_BYTES) {
            // kept, not dropped and read again when the value completes; its bytes are not kept
            expect(d.pendingElements).toBe(complete);
            expect(d.bufferCapacity).toBeLessThanOrEqual(256);
            sawHeld ||= complete > 0;
          } else if (received > OPTIMISTIC_BUILD_BYTES + unit.length) {
            // set aside when the value passed the limit, never more after; the bytes since are kept
            expect(d.pendingElements).toBeLessThanOrEqual(OPTIMISTIC_BUILD_BYTES / 3 + 1);
            expect(d.pendingElements).toBeLessThan(complete);
            if (frozen < 0) frozen = d.pendingElements;
            expect(d.pendingElements).toBe(frozen);
            expect(d.bufferCapacity).toBeLessThanOrEqual(2 * (received - OPTIMISTIC_BUILD_BYTES) + 4096);
          }
        }
        expect(sawHeld).toBe(true);
        expect(frozen).toBeGreaterThan(0);
        expect(pushed).toBeGreaterThan(OPTIMISTIC_BUILD_BYTES + 2 * size);
      }
    }
  });
});
