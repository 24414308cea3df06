// The decoder reads replies that are already whole in the buffer with a separate fast path
// (src/decode-fast.ts) and everything else with the resumable state machine (src/decode.ts).
// These properties pin that the two are one decoder: the same bytes give the same values, the
// same end offsets and the same first error whether they arrive at once (whole replies take the
// fast path) or one byte at a time (the fast path then never sees a whole reply).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMany, RespDecoder, type RespDecoderOptions, type RespValue } from '../src/index.js';
import { bytes, concat, resp2Value, resp3Value } from './support.js';

type Outcome = { values: RespValue<number | bigint>[]; ends: number[]; error: string };

function decode(input: Uint8Array, size: number, options: RespDecoderOptions<'bigint' | 'number'>): Outcome {
  const d = new RespDecoder(options);
  const out: Outcome = { values: [], ends: [], error: 'none' };
  for (let o = 0; o < input.length; o += size) {
    const r = d.feed(input.subarray(o, o + size));
    out.values.push(...r.values);
    out.ends.push(...r.ends);
    if (r.error) {
      out.error = `${r.error.code}@${r.error.offset}`;
      break;
    }
  }
  return out;
}

/** Bytes that exercise the fast path's refusals: long and non-canonical numbers, odd lines. */
const tricky = fc.constantFrom(
  ':9007199254740993\r\n', ':-9223372036854775808\r\n', ':9223372036854775808\r\n', ':0123\r\n', ':-0\r\n', ':+1\r\n', ':\r\n',
  '$-1\r\n', '$-2\r\n', '$01\r\na\r\n', '$1\r\nab\r\n', '*-1\r\n', '*-2\r\n', '*1\r\n*-1\r\n', '%1\r\n+a\r\n:1\r\n', '|1\r\n+a\r\n:1\r\n:2\r\n',
  '(123456789012345678901234567890\r\n', ',1.5\r\n', ',inf\r\n', ',1e400\r\n', ',x\r\n', '#t\r\n', '#x\r\n', '_\r\n', '_x\r\n', '=7\r\ntxt:abc\r\n', '=3\r\ntxt\r\n', '!3\r\nERR\r\n',
  '+OK\r\n', '+OK\r', '-ERR x\r\n', '~2\r\n:1\r\n:2\r\n', '>1\r\n+m\r\n', '*2\r\n$1\r\na\r\n', '\r\n', 'x\r\n',
);

const stream = fc.oneof(
  fc.array(resp3Value, { minLength: 1, maxLength: 12 }).map((vs) => encodeMany(vs, { protocol: 3 })),
  fc.array(resp2Value, { minLength: 1, maxLength: 12 }).map((vs) => encodeMany(vs)),
  fc.array(tricky, { minLength: 1, maxLength: 12 }).map((parts) => bytes(parts.join(''))),
  fc.tuple(fc.array(resp3Value, { maxLength: 4 }), fc.array(tricky, { minLength: 1, maxLength: 4 })).map(([vs, t]) => concat([encodeMany(vs, { protocol: 3 }), bytes(t.join(''))])),
);

const configs: [string, RespDecoderOptions<'bigint' | 'number'>][] = [
  ['RESP3, bigint integers', {}],
  ['RESP3, integers as numbers', { integers: 'number' }],
  ['RESP2', { protocol: 2 }],
  ['RESP3, maxDepth 2, maxBulkLen 4, maxMultibulkLen 3', { maxDepth: 2, maxBulkLen: 4, maxMultibulkLen: 3 }],
];

describe('the fast path for whole replies and the resumable path are one decoder', () => {
  it.each(configs)('%s: a stream pushed at once gives the values, end offsets and first error it gives pushed a byte at a time', (_name, options) => {
    fc.assert(
      fc.property(stream, (input) => {
        const whole = decode(input, input.length || 1, options);
        const bytewise = decode(input, 1, options);
        expect(whole).toEqual(bytewise);
      }),
      { numRuns: 300 },
    );
  });

  it('integers beyond 2^53 stay exact bigints, in either mode, on either path', () => {
    const input = bytes(':9007199254740993\r\n:-9223372036854775808\r\n:123456789012345\r\n');
    for (const size of [input.length, 1]) {
      expect(decode(input, size, { integers: 'number' }).values).toEqual([
        { type: 'integer', value: 9007199254740993n },
        { type: 'integer', value: -9223372036854775808n },
        { type: 'integer', value: 123456789012345 },
      ]);
      expect(decode(input, size, {}).values.map((v) => (v.type === 'integer' ? v.value : undefined))).toEqual([9007199254740993n, -9223372036854775808n, 123456789012345n]);
    }
  });
});
