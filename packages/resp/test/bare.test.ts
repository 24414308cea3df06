// RespBareDecoder (src/decode-bare.ts): RESP2 replies as plain JS values (redis-parser's output), from the same decoder
// as the tagged RespDecoder. Expected values come from a model written here (what each generated
// RESP2 value must come out as), never from the decoder: strings for simple strings, an error
// object with the first word as its code, integers as numbers when safe and bigints beyond (exact),
// bytes for bulks, null for both nulls, arrays of the same.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMany, RespBareDecoder, RespDecoder, RespProtocolError, RespReplyError, type RespBareReply, type RespValue } from '../src/index.js';
import { bytes, cut, cutPoints, resp2Value } from './support.js';

/** What a reply must look like, errors as plain data so that toEqual compares them. */
type Expected = string | number | bigint | Uint8Array | null | { error: string; code: string } | Expected[];

/** The model: the bare form of a generated RESP2 value. */
function model(v: RespValue): Expected {
  switch (v.type) {
    case 'simple':
      return v.value;
    case 'error':
      return { error: v.value, code: v.value.split(' ')[0] ?? '' };
    case 'integer':
      return v.value >= -(2n ** 53n) + 1n && v.value <= 2n ** 53n - 1n ? Number(v.value) : v.value;
    case 'bulk':
      return Uint8Array.from(v.value);
    case 'null':
      return null;
    case 'array':
      return v.value.map(model);
    default:
      throw new Error(`not a RESP2 value: ${v.type}`);
  }
}

/** A decoded reply in the model's terms (an error object becomes its message and code). */
function seen(r: RespBareReply): Expected {
  if (r instanceof RespReplyError) return { error: r.message, code: r.code };
  if (r instanceof Uint8Array) return Uint8Array.from(r);
  if (Array.isArray(r)) return r.map(seen);
  return r;
}

/** The same model applied to what the tagged decoder returns (the two modes must agree). */
function seenTagged(v: RespValue<number | bigint>): Expected {
  if (v.type === 'integer') return typeof v.value === 'bigint' ? model({ type: 'integer', value: v.value }) : v.value;
  if (v.type === 'array') return v.value.map(seenTagged);
  return model(v as RespValue);
}

function viaPush(chunks: readonly Uint8Array[]): Expected[] {
  const d = new RespBareDecoder();
  const out: Expected[] = [];
  for (const c of chunks) out.push(...d.push(c).map(seen));
  d.end();
  return out;
}

function viaExecute(chunks: readonly Uint8Array[]): Expected[] {
  const out: Expected[] = [];
  const d = new RespBareDecoder({ onReply: (r) => out.push(seen(r)) });
  for (const c of chunks) d.execute(c);
  d.end();
  return out;
}

const replies = fc.array(resp2Value, { minLength: 1, maxLength: 10 });

describe('RespBareDecoder: RESP2 replies as plain values', () => {
  it('a stream of random replies, cut anywhere, decodes to the model of each reply, by push and by execute', () => {
    fc.assert(
      fc.property(
        replies.chain((vs) => {
          const input = encodeMany(vs);
          return fc.tuple(fc.constant(vs), fc.constant(input), cutPoints(input.length));
        }),
        ([vs, input, points]) => {
          const expected = vs.map(model);
          expect(viaPush(cut(input, points))).toEqual(expected);
          expect(viaExecute(cut(input, points))).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the bare decoder and the tagged decoder agree on random replies pushed a byte at a time and whole', () => {
    fc.assert(
      fc.property(replies, (vs) => {
        const input = encodeMany(vs);
        const oneByOne = [...input].map((b) => Uint8Array.of(b));
        const tagged = new RespDecoder({ protocol: 2, integers: 'number' }).push(input).map(seenTagged);
        expect(viaPush([input])).toEqual(tagged);
        expect(viaPush(oneByOne)).toEqual(tagged);
      }),
      { numRuns: 200 },
    );
  });

  it('arrays of integers, bulks and nulls (read inline by the bare fast path) decode as the tagged decoder reads them, whole and a byte at a time, and count the same work', () => {
    const scalar = fc.oneof(
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((value): RespValue => ({ type: 'integer', value })),
      fc.integer({ min: -1000, max: 1_000_000 }).map((n): RespValue => ({ type: 'integer', value: BigInt(n) })),
      fc.uint8Array({ maxLength: 20 }).map((value): RespValue => ({ type: 'bulk', value })),
    );
    const arrayOf = (el: fc.Arbitrary<RespValue>): fc.Arbitrary<RespValue[]> =>
      fc.array(fc.oneof(fc.array(el, { maxLength: 40 }), fc.array(fc.array(el, { maxLength: 4 }).map((value): RespValue => ({ type: 'array', value })), { maxLength: 4 }))
        .map((value): RespValue => ({ type: 'array', value })), { minLength: 1, maxLength: 5 });
    const check = (vs: RespValue[], sameWork: boolean): void => {
      const input = encodeMany(vs);
      const tagged = new RespDecoder({ protocol: 2, integers: 'number' });
      const expected = tagged.push(input).map(seenTagged);
      const whole = new RespBareDecoder();
      expect(whole.push(input).map(seen)).toEqual(expected);
      if (sameWork) expect(whole.work).toBe(tagged.work);
      const oneByOne = new RespBareDecoder();
      const got: Expected[] = [];
      for (const b of input) got.push(...oneByOne.push(Uint8Array.of(b)).map(seen));
      expect(got).toEqual(expected);
    };
    fc.assert(fc.property(arrayOf(scalar), (vs) => { check(vs, true); }), { numRuns: 150 });
    fc.assert(fc.property(arrayOf(fc.oneof(scalar, fc.constant<RespValue>({ type: 'null' }))), (vs) => { check(vs, true); }), { numRuns: 150 });
    fc.assert(fc.property(arrayOf(fc.oneof(scalar, fc.constant<RespValue>({ type: 'null' }), resp2Value)), (vs) => { check(vs, false); }), { numRuns: 150 });
  });

  it('integers of 15 to 21 digits at the top level (16 and more read in one pass by the fast path) decode as the tagged decoder reads them, or fail with its error at its offset', () => {
    /** What a decoder makes of `input`: the replies, or the error code and offset. */
    const outcome = (decode: () => Expected[]): Expected[] | { code: string; offset: number } => {
      try {
        return decode();
      } catch (e) {
        if (e instanceof RespProtocolError) return { code: e.code, offset: e.offset };
        throw e;
      }
    };
    const digits = fc.oneof(
      fc.bigInt({ min: 10n ** 14n, max: 10n ** 21n }),
      fc.bigInt({ min: 2n ** 53n - 64n, max: 2n ** 53n + 64n }),
      fc.bigInt({ min: 2n ** 63n - 64n, max: 2n ** 63n + 64n }),
    );
    const line = fc.tuple(digits, fc.boolean(), fc.constantFrom('', '0', '00')).map(([m, neg, zeros]) => `:${neg ? '-' : ''}${zeros}${m}\r\n`);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), (lines) => {
        const input = bytes(lines.join('') + ':7\r\n');
        const tagged = outcome(() => {
          const d = new RespDecoder({ protocol: 2, integers: 'number' });
          const out = d.push(input).map(seenTagged);
          d.end();
          return out;
        });
        expect(outcome(() => viaExecute([input]))).toEqual(tagged);
        expect(outcome(() => viaPush([input]))).toEqual(tagged);
        expect(outcome(() => viaPush([...input].map((b) => Uint8Array.of(b))))).toEqual(tagged);
        // The model for the lines string2ll accepts: canonical, within int64.
        if (lines.every((l) => /^:-?[1-9][0-9]*\r\n$/.test(l) && BigInt(l.slice(1, -2)) >= -(2n ** 63n) && BigInt(l.slice(1, -2)) < 2n ** 63n)) {
          expect(tagged).toEqual([...lines.map((l) => model({ type: 'integer', value: BigInt(l.slice(1, -2)) })), 7]);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('integers stay exact: numbers up to 2^53 - 1, bigints beyond, on the whole-reply path and a byte at a time', () => {
    const input = bytes(':9007199254740991\r\n:9007199254740992\r\n:-9223372036854775808\r\n:9223372036854775807\r\n:-42\r\n:0\r\n:123456789012345\r\n');
    const expected = [9007199254740991, 9007199254740992n, -9223372036854775808n, 9223372036854775807n, -42, 0, 123456789012345];
    expect(viaPush([input])).toEqual(expected);
    expect(viaPush([...input].map((b) => Uint8Array.of(b)))).toEqual(expected);
  });

  it('both nulls are null, an empty array and an empty bulk are empty', () => {
    expect(viaPush([bytes('$-1\r\n*-1\r\n*0\r\n$0\r\n\r\n+OK\r\n')])).toEqual([null, null, [], new Uint8Array(0), 'OK']);
  });

  it('an error reply is a RespReplyError value (not thrown) whose code is its first word, without a stack of decoder frames', () => {
    const [e, f] = new RespBareDecoder().push(bytes('-WRONGTYPE Operation against a key holding the wrong kind of value\r\n-ERR\r\n'));
    expect(e).toBeInstanceOf(RespReplyError);
    expect(e).toBeInstanceOf(Error);
    expect(e).toMatchObject({ code: 'WRONGTYPE', message: 'WRONGTYPE Operation against a key holding the wrong kind of value', name: 'RespReplyError' });
    expect((e as Error).stack).not.toMatch(/decode/);
    expect(f).toMatchObject({ code: 'ERR', message: 'ERR' });
  });

  it('simple strings and errors are UTF-8, whatever the split', () => {
    const input = new TextEncoder().encode('+héllo wörld, 名前\r\n-ERR ünïcode\r\n');
    const expected = ['héllo wörld, 名前', { error: 'ERR ünïcode', code: 'ERR' }];
    expect(viaPush([input])).toEqual(expected);
    expect(viaPush([...input].map((b) => Uint8Array.of(b)))).toEqual(expected);
  });

  it('ASCII simple strings and errors of every length from 0 to 40 (up to 24 made by String.fromCharCode, one argument per byte) come out as their text, as the tagged decoder reads them, whole and a byte at a time', () => {
    const ascii = (min: number): fc.Arbitrary<string> => fc.integer({ min, max: 40 }).chain((n) => fc.array(fc.integer({ min: 0x20, max: 0x7e }), { minLength: n, maxLength: n }).map((cs) => String.fromCharCode(...cs)));
    const line = fc.oneof(ascii(0).map((value): RespValue => ({ type: 'simple', value })), ascii(1).map((value): RespValue => ({ type: 'error', value })));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), (vs) => {
        const input = encodeMany(vs);
        const expected = vs.map(model);
        expect(viaExecute([input])).toEqual(expected);
        expect(viaExecute([...input].map((b) => Uint8Array.of(b)))).toEqual(expected);
        expect(new RespDecoder({ protocol: 2 }).push(input).map((v) => model(v as RespValue))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    // every length once, each char different from its neighbours (a swapped or dropped argument shows)
    const all = Array.from({ length: 41 }, (_, n) => Array.from({ length: n }, (_, k) => String.fromCharCode(0x21 + ((k * 7) % 94))).join(''));
    expect(viaExecute([bytes(all.map((s) => `+${s}\r\n`).join(''))])).toEqual(all);
  });

  it('malformed input fails with the code and offset the tagged RESP2 decoder gives, after the same replies, whole or a byte at a time', () => {
    const mutated = fc.tuple(replies, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([vs, at, b]) => {
      const input = encodeMany(vs);
      input[at % input.length] = b;
      return input;
    });
    fc.assert(
      fc.property(mutated, fc.integer({ min: 1, max: 9 }), (input, size) => {
        const tagged = new RespDecoder({ protocol: 2, integers: 'number' }).feed(input);
        const chunks = [];
        for (let o = 0; o < input.length; o += size) chunks.push(input.subarray(o, o + size));
        const d = new RespBareDecoder();
        const got: Expected[] = [];
        let error: RespProtocolError | undefined;
        for (const c of chunks) {
          const r = d.feed(c);
          got.push(...r.values.map(seen));
          if (r.error) {
            error = r.error;
            break;
          }
        }
        expect(got).toEqual(tagged.values.map(seenTagged));
        expect(error === undefined ? 'none' : `${error.code}@${error.offset}`).toBe(tagged.error === undefined ? 'none' : `${tagged.error.code}@${tagged.error.offset}`);
      }),
      { numRuns: 300 },
    );
  });

  it('RESP3 type bytes are refused as on a RESP2 connection; execute without onReply is a TypeError', () => {
    expect(() => new RespBareDecoder().push(bytes('%1\r\n+a\r\n:1\r\n'))).toThrow(expect.objectContaining({ code: 'RESP3_TYPE_IN_RESP2', offset: 0 }));
    expect(() => new RespBareDecoder().push(bytes(':1\r\n_\r\n'))).toThrow(expect.objectContaining({ code: 'RESP3_TYPE_IN_RESP2', offset: 4 }));
    expect(() => { new RespBareDecoder().execute(bytes('+OK\r\n')); }).toThrow(TypeError);
  });

  it('execute hands the replies before a protocol error to onReply, then throws it', () => {
    const out: Expected[] = [];
    const d = new RespBareDecoder({ onReply: (r) => out.push(seen(r)) });
    expect(() => { d.execute(bytes(':1\r\n*1\r\n$2\r\nab\r\n:x\r\n')); }).toThrow(expect.objectContaining({ code: 'INVALID_INTEGER', offset: 17 }));
    expect(out).toEqual([1, [bytes('ab')]]);
  });

  it('end() reports a reply cut short with UNEXPECTED_EOF at its first byte', () => {
    const d = new RespBareDecoder();
    expect(d.push(bytes(':1\r\n*2\r\n:1\r\n'))).toEqual([1]);
    expect(d.midValue).toBe(true);
    expect(() => { d.end(); }).toThrow(expect.objectContaining({ code: 'UNEXPECTED_EOF', offset: 4 }));
  });

  it("simpleStrings: 'bytes' makes a random stream's simple strings their UTF-8 bytes (views, as bulks) and leaves every other reply as the default mode gives it, cut anywhere, by push and by execute", () => {
    const te = new TextEncoder();
    const bytesModel = (v: RespValue): Expected => {
      if (v.type === 'simple') return te.encode(v.value);
      if (v.type === 'array') return v.value.map(bytesModel);
      return model(v);
    };
    fc.assert(
      fc.property(
        replies.chain((vs) => {
          const input = encodeMany(vs);
          return fc.tuple(fc.constant(vs), fc.constant(input), cutPoints(input.length));
        }),
        ([vs, input, points]) => {
          const expected = vs.map(bytesModel);
          const pushed = new RespBareDecoder({ simpleStrings: 'bytes' });
          const out: Expected[] = [];
          for (const c of cut(input, points)) out.push(...pushed.push(c).map(seen));
          pushed.end();
          expect(out).toEqual(expected);
          const executed: Expected[] = [];
          const d = new RespBareDecoder({ simpleStrings: 'bytes', onReply: (r) => executed.push(seen(r)) });
          for (const c of cut(input, points)) d.execute(c);
          expect(executed).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("simpleStrings: 'bytes' keeps a status line's bytes exactly (not valid UTF-8 included), whole and at every split point; error replies stay strings", () => {
    const input = bytes('+OK\r\n+\xff\xfe ok\r\n*2\r\n+\r\n-ERR x\r\n');
    for (let at = 0; at <= input.length; at++) {
      const d = new RespBareDecoder({ simpleStrings: 'bytes' });
      const got = [...d.push(input.subarray(0, at)), ...d.push(input.subarray(at))].map(seen);
      expect(got).toEqual([bytes('OK'), Uint8Array.of(0xff, 0xfe, 0x20, 0x6f, 0x6b), [new Uint8Array(0), { error: 'ERR x', code: 'ERR' }]]);
    }
  });
});
