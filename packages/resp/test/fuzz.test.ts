// Fuzzing the decoders with random and mutated input: the only failure is a typed
// RespProtocolError, every push returns (no hang), and the memory held stays bounded by the
// input actually pushed, whatever lengths the input declares.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCommand, encodeMany, RespBareDecoder, RespDecoder, RespProtocolError, RespRequestParser } from '../src/index.js';
import { concat, cut, cutPoints, resp3Value } from './support.js';

type Mutation = { kind: 'flip'; at: number; byte: number } | { kind: 'insert'; at: number; byte: number } | { kind: 'delete'; at: number } | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.constantFrom(0x0d, 0x0a, 0x24, 0x2a, 0x2d, 0x3a, 0x30, 0x39, 0x3f, 0x5f, 0x25, 0x00, 0xff) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.nat({ max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(input: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Array.from(input);
  for (const m of ms) {
    if (b.length === 0) break;
    const at = m.at % b.length;
    if (m.kind === 'flip') b[at] = m.byte;
    else if (m.kind === 'insert') b.splice(at, 0, m.byte);
    else if (m.kind === 'delete') b.splice(at, 1);
    else b = b.slice(0, at);
  }
  return Uint8Array.from(b);
}

interface Decoder {
  feed(chunk: Uint8Array): { error?: RespProtocolError };
  readonly bufferCapacity: number;
}

/** Feeds the chunks; returns the error code or 'ok'. Any other exception fails the property. */
function run(make: () => Decoder, chunks: readonly Uint8Array[]): string {
  const d = make();
  let pushed = 0;
  for (const c of chunks) {
    const r = d.feed(c);
    pushed += c.length;
    expect(d.bufferCapacity).toBeLessThanOrEqual(Math.max(4096, 2 * pushed));
    if (r.error) {
      expect(r.error).toBeInstanceOf(RespProtocolError);
      expect(r.error.offset).toBeGreaterThanOrEqual(0);
      expect(r.error.offset).toBeLessThanOrEqual(pushed);
      return r.error.code;
    }
  }
  return 'ok';
}

const makers: [string, () => Decoder][] = [
  ['RespDecoder (replies, RESP3)', () => new RespDecoder()],
  ['RespDecoder (replies, RESP2)', () => new RespDecoder({ protocol: 2 })],
  ['RespBareDecoder (replies, RESP2, bare values)', () => new RespBareDecoder()],
  ['RespBareDecoder (simpleStrings: bytes)', () => new RespBareDecoder({ simpleStrings: 'bytes' })],
  ['RespRequestParser (requests, inline allowed)', () => new RespRequestParser()],
  ['RespRequestParser (AOF: strict, no inline)', () => new RespRequestParser({ allowInline: false, strictCrlf: true, annotations: true })],
];

describe.each(makers)('fuzz: %s', (_name, make) => {
  it('random bytes in random chunks: only typed errors, and the outcome does not depend on the split', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }).chain((b) => fc.tuple(fc.constant(b), cutPoints(b.length))),
        ([input, points]) => {
          expect(run(make, cut(input, points))).toBe(run(make, [input]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('mutated valid streams (flipped, inserted, deleted bytes, truncation): only typed errors, split-independent', () => {
    const valid = fc.oneof(
      fc.array(resp3Value, { minLength: 1, maxLength: 4 }).map((vs) => encodeMany(vs, { protocol: 3 })),
      fc.array(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 4 }).map((cmds) => concat(cmds.map((c) => encodeCommand(c)))),
    );
    fc.assert(
      fc.property(
        fc.tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 4 })).chain(([v, ms]) => {
          const input = mutate(v, ms);
          return fc.tuple(fc.constant(input), cutPoints(input.length));
        }),
        ([input, points]) => {
          expect(run(make, cut(input, points))).toBe(run(make, [input]));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forged huge lengths followed by little data allocate nothing in proportion to the claim', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('*2147483647\r\n', '$536870912\r\n', '*1\r\n$536870912\r\n', '%2147483647\r\n', '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$500000000\r\n'),
        fc.uint8Array({ maxLength: 2000 }),
        (header, tail) => {
          const input = concat([Uint8Array.from(header, (c) => c.charCodeAt(0)), tail]);
          run(make, [input]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
