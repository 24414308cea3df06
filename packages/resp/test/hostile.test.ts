// Hostile input (issue 13): the cost of decoding is linear in the input however it is split,
// memory follows the bytes pushed and never what they declare, and nothing but the package's
// own error classes ever escapes. Costs are measured with the decoders' `work` counter (bytes
// examined or copied), never with a clock.
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAll, encode, encodeCommand, encodeMany, parseCommands, RespBareDecoder, RespDecoder, RespEncodeError, RespProtocolError, RespRequestParser, type RespValue } from '../src/index.js';
import { bytes, concat, cut, cutPoints, resp3Value } from './support.js';

interface Fed {
  feed(chunk: Uint8Array): { error?: RespProtocolError };
  readonly work: number;
  readonly bufferCapacity: number;
}

const makers: [string, () => Fed][] = [
  ['reply RESP3', () => new RespDecoder()],
  ['reply RESP2, integers as numbers', () => new RespDecoder({ protocol: 2, integers: 'number' })],
  ['reply RESP2, bare values (RespBareDecoder)', () => new RespBareDecoder()],
  ['reply RESP2, bare values, simple strings as bytes', () => new RespBareDecoder({ simpleStrings: 'bytes' })],
  ['request', () => new RespRequestParser()],
  ['request AOF', () => new RespRequestParser({ allowInline: false, strictCrlf: true, annotations: true })],
];

/** Feeds `input` in chunks of `size`; returns the work done and the outcome. */
function feedInChunks(make: () => Fed, input: Uint8Array, size: number): { work: number; outcome: string } {
  const d = make();
  for (let o = 0; o < input.length; o += size) {
    const r = d.feed(input.subarray(o, o + size));
    if (r.error) return { work: d.work, outcome: r.error.code };
  }
  return { work: d.work, outcome: 'ok' };
}

const repeat = (unit: string, n: number): Uint8Array => bytes(unit.repeat(n));

/** Inputs shaped to hurt: long lines, forged counts over tiny elements, deep nesting, big bulks. */
const hostile: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .tuple(fc.constantFrom(':', '(', '$', '*', '+', '-', ',', '%', '_', 'x', '#'), fc.constantFrom('1', '0', 'a', ' '), fc.integer({ min: 1, max: 8000 }), fc.constantFrom('', '\r\n', 'x\r\n', '\r'))
    .map(([type, unit, n, tail]) => concat([bytes(type), repeat(unit, n), bytes(tail)])),
  fc
    .tuple(fc.constantFrom('*2147483647\r\n', '%1000000000\r\n', '*4294967295\r\n', '*3\r\n'), fc.constantFrom('$1\r\na\r\n', ':1\r\n', '+a\r\n', '*0\r\n', '_\r\n', ':123456789\r\n', '*1\r\n'), fc.integer({ min: 1, max: 2000 }))
    .map(([head, unit, n]) => concat([bytes(head), repeat(unit, n)])),
  fc.integer({ min: 1, max: 1200 }).map((n) => concat([repeat('*1\r\n', n), bytes(':1\r\n')])),
  fc.integer({ min: 0, max: 20_000 }).map((n) => concat([bytes(`$${n}\r\n`), repeat('x', n), bytes('\r\n')])),
  fc.array(resp3Value, { minLength: 1, maxLength: 20 }).map((vs) => encodeMany(vs, { protocol: 3 })),
  fc.array(fc.array(fc.string({ maxLength: 30 }), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 20 }).map((cmds) => concat(cmds.map((c) => encodeCommand(c)))),
  fc.integer({ min: 1, max: 8000 }).map((n) => repeat('x', n)), // an inline request with no end
  fc.integer({ min: 1, max: 5000 }).map((n) => concat([bytes('*1\r\n$'), repeat('9', n)])),
);

describe('linear time: the same input costs the same, within a constant factor, whatever its split', () => {
  it.each(makers)('%s: chunks of 1, 7, 256 and 65 536 bytes cost at most a constant times one chunk (and one chunk is linear in the input)', (_name, make) => {
    fc.assert(
      fc.property(hostile, (input) => {
        const whole = feedInChunks(make, input, input.length || 1);
        expect(whole.work).toBeLessThanOrEqual(8 * input.length + 64);
        for (const size of [1, 7, 256, 65_536]) {
          const split = feedInChunks(make, input, size);
          expect(split.outcome).toBe(whole.outcome);
          // Per chunk a constant (the pending element's state is looked at once), plus the bytes.
          expect(split.work).toBeLessThanOrEqual(4 * whole.work + 8 * input.length + 16 * Math.ceil(input.length / size));
        }
      }),
      { numRuns: 25 },
    );
  });

  it('13.1 regression: a 2 MB line of digits pushed in 256-byte chunks is read once, not once per chunk (hiredis read.c seekNewline resumes likewise)', () => {
    for (const type of [':', '(', '$', '*', '+']) {
      const input = new Uint8Array(1 + 2 * 1024 * 1024).fill(0x31);
      input[0] = type.charCodeAt(0);
      const d = new RespDecoder();
      for (let o = 0; o < input.length; o += 256) d.feed(input.subarray(o, o + 256));
      // Before the fix the digit loop restarted at every push: ~8 000 × 1 MB on average.
      expect(d.work).toBeLessThanOrEqual(4 * input.length);
      expect(d.midValue).toBe(true);
    }
  });

  it('regression (found by the property above): a line is never decided by bytes past those pushed — 5 000 `_` in a forged array, byte by byte', () => {
    // An owned buffer is larger than what it holds, and past its end are uninitialised bytes: a
    // '-' there once made `_` look like the start of a negative number.
    const input = concat([bytes('*2147483647\r\n'), repeat('_\r\n', 5000)]);
    for (let run = 0; run < 3; run++) {
      const d = new RespDecoder();
      for (let o = 0; o < input.length; o++) expect(d.feed(input.subarray(o, o + 1)).error).toBeUndefined();
      expect(d.midValue).toBe(true);
    }
  });

  it('the request parser reads an unfinished 64 KiB inline line once when it arrives byte by byte (networking.c processInlineBuffer)', () => {
    const input = new Uint8Array(64 * 1024).fill(0x61);
    const p = new RespRequestParser();
    for (let o = 0; o < input.length; o++) p.feed(input.subarray(o, o + 1));
    // A few units per byte (looked at, copied, moved when the buffer doubles); re-reading the
    // line at every push would be 32 768 per byte on average.
    expect(p.work).toBeLessThanOrEqual(6 * input.length);
  });
});

/** Where `bytes` holds a type byte that starts a line (every element starts so). */
function lineStarts(input: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < input.length; i++) if ((i === 0 || input[i - 1] === 0x0a) && '*%~>|$!='.includes(String.fromCharCode(input[i] ?? 0))) out.push(i);
  return out;
}

/** `input` with the number in the header at `at` replaced by a huge declared count or length. */
function forge(input: Uint8Array, at: number): Uint8Array {
  let cr = at + 1;
  while (cr < input.length && input[cr] !== 0x0d) cr++;
  const huge = input[at] === 0x24 || input[at] === 0x21 || input[at] === 0x3d ? '536870911' : '2147483647';
  return concat([input.subarray(0, at + 1), bytes(huge), input.subarray(cr)]);
}

describe('bounded allocation: memory follows the bytes pushed, never what they declare', () => {
  it('a forged length or count at every header of a valid stream: held memory stays within 2× the bytes pushed, and an unfinished value holds at most one built element per 3 of its bytes received', () => {
    const stream = fc.array(fc.oneof(resp3Value, fc.array(fc.constantFrom<RespValue>({ type: 'integer', value: 1n }, { type: 'bulk', value: bytes('a') }), { minLength: 5, maxLength: 60 }).map((value): RespValue => ({ type: 'array', value }))), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(stream, fc.integer({ min: 1, max: 64 }), (values, size) => {
        const input = encodeMany(values, { protocol: 3 });
        for (const at of lineStarts(input)) {
          const forged = forge(input, at);
          const d = new RespDecoder();
          let pushed = 0;
          for (let o = 0; o < forged.length; o += size) {
            if (d.feed(forged.subarray(o, o + size)).error) break;
            pushed += Math.min(size, forged.length - o);
            expect(d.bufferCapacity).toBeLessThanOrEqual(Math.max(4096, 2 * pushed));
            // A partial aggregate keeps the elements already built (each took 3 bytes at least)
            expect(d.pendingElements).toBeLessThanOrEqual(d.midValue ? (pushed - d.offset) / 3 : 0);
          }
        }
      }),
      { numRuns: 12 },
    );
  });

  it('13.8 regression: a forged element count followed by 20 MB of tiny elements grows the heap by at most 3× the input (networking.c bounds the query buffer, not the declared count)', () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heap = (): number => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    for (const [unit, make] of [
      ['$1\r\na\r\n', () => new RespDecoder()],
      ['+a\r\n', () => new RespDecoder()],
      [':123456\r\n', () => new RespDecoder()],
      // The request side: a multibulk count, then 1-byte arguments (networking.c processMultibulkBuffer).
      ['$1\r\na\r\n', () => new RespRequestParser()],
    ] as const) {
      const chunk = repeat(unit, Math.floor(65_536 / unit.length));
      const total = 20 * 1024 * 1024;
      const d = make();
      const before = heap();
      d.push(bytes('*2147483647\r\n'));
      let pushed = 0;
      // Each chunk is a fresh copy, as a socket would hand them out.
      while (pushed < total) {
        d.push(chunk.slice());
        pushed += chunk.length;
      }
      const grown = heap() - before;
      expect(d instanceof RespDecoder ? d.midValue : d.midCommand).toBe(true);
      // Before the fix: +18 to +25× (one object per element). Now: the bytes, kept in place.
      expect(grown).toBeLessThanOrEqual(3 * pushed);
      d.reset();
    }
  });
});

/** Runs `f`; returns the name of whatever it threw, or 'returned'. */
function outcomeOf(f: () => unknown): string {
  try {
    f();
    return 'returned';
  } catch (e) {
    if (e instanceof RespProtocolError || e instanceof RespEncodeError) return e.name;
    throw e;
  }
}

describe('the only exceptions are the package error classes', () => {
  it('for any input bytes, cut anywhere, every entry point of the decoders returns or throws a RespProtocolError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), hostile.filter((b) => b.length < 5000)).chain((b) => fc.tuple(fc.constant(b), cutPoints(b.length))), ([input, points]) => {
        for (const options of [{}, { protocol: 2 as const }, { integers: 'number' as const }, { mode: 'request' as const }, { maxDepth: 3, maxBulkLen: 10 }]) {
          expect(['returned', 'RespProtocolError']).toContain(outcomeOf(() => decodeAll(input, options)));
          const d = new RespDecoder(options);
          expect(['returned', 'RespProtocolError']).toContain(
            outcomeOf(() => {
              for (const c of cut(input, points)) d.push(c);
              d.end();
            }),
          );
        }
        const bare = new RespBareDecoder({ onReply: () => undefined });
        expect(['returned', 'RespProtocolError']).toContain(
          outcomeOf(() => {
            for (const c of cut(input, points)) bare.execute(c);
            bare.end();
          }),
        );
        expect(outcomeOf(() => parseCommands(input, { annotations: true }))).toBe('returned');
        const p = new RespRequestParser();
        expect(['returned', 'RespProtocolError']).toContain(
          outcomeOf(() => {
            for (const c of cut(input, points)) p.push(c);
            p.end();
          }),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('for any JS value at all, encode returns bytes or throws a RespEncodeError', () => {
    const shaped = fc.record({ type: fc.constantFrom('simple', 'error', 'integer', 'bulk', 'null', 'array', 'double', 'boolean', 'bignum', 'verbatim', 'blobError', 'map', 'set', 'push', 'attribute', 'weird'), value: fc.anything({ withBigInt: true, withTypedArray: true }), attributes: fc.anything(), format: fc.anything() });
    fc.assert(
      fc.property(fc.oneof(fc.anything({ withBigInt: true, withTypedArray: true }), shaped, resp3Value), fc.constantFrom(2 as const, 3 as const), (v, protocol) => {
        expect(['returned', 'RespEncodeError']).toContain(outcomeOf(() => encode(v as RespValue, { protocol })));
      }),
      { numRuns: 500 },
    );
  });
});
