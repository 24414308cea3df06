import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAll, encode, encodeMany, RespDecoder, RespProtocolError, type RespValue } from '../src/index.js';
import { bytes, canon, concat, cut, cutPoints, resp2Value, resp3Value, text, type Canon } from './support.js';

function decodeChunks(chunks: readonly Uint8Array[], options = {}): RespValue[] {
  const d = new RespDecoder(options);
  const out: RespValue[] = [];
  for (const c of chunks) out.push(...d.push(c));
  d.end();
  return out;
}

function errorOf(input: string, options = {}): RespProtocolError {
  try {
    decodeAll(bytes(input), options);
  } catch (e) {
    if (e instanceof RespProtocolError) return e;
    throw e;
  }
  throw new Error(`no error for ${JSON.stringify(input)}`);
}

/** What a value looks like after a RESP3 round trip: every null is `_`, so its RESP2 tag is gone. */
function withoutNullTags(v: RespValue): RespValue {
  switch (v.type) {
    case 'null':
      return { type: 'null' };
    case 'array':
    case 'set':
    case 'push':
      return { type: v.type, value: v.value.map(withoutNullTags) };
    case 'map':
      return { type: 'map', value: v.value.map(([k, x]) => [withoutNullTags(k), withoutNullTags(x)] as const) };
    case 'attribute':
      return { type: 'attribute', attributes: v.attributes.map(([k, x]) => [withoutNullTags(k), withoutNullTags(x)] as const), value: withoutNullTags(v.value) };
    default:
      return v;
  }
}

describe('RespDecoder: replies (the client side of RESP2 and RESP3)', () => {
  it('decodes every type byte of RESP2 and RESP3', () => {
    const input =
      '+OK\r\n-ERR bad\r\n:-42\r\n$5\r\nhello\r\n$0\r\n\r\n$-1\r\n*-1\r\n*2\r\n$1\r\na\r\n:1\r\n' +
      '_\r\n,1.5\r\n,-inf\r\n,nan\r\n#t\r\n#f\r\n(-123456789012345678901234567890\r\n=7\r\ntxt:abc\r\n' +
      '!5\r\nERR x\r\n%1\r\n+k\r\n:1\r\n~1\r\n:2\r\n>2\r\n+message\r\n$2\r\nhi\r\n|1\r\n+ttl\r\n:3\r\n:7\r\n';
    expect(decodeAll(bytes(input)).map(canon)).toEqual<Canon[]>([
      { simple: 'OK' },
      { error: 'ERR bad' },
      { integer: '-42' },
      { bulk: 'hello' },
      { bulk: '' },
      { null: 'bulk' },
      { null: 'array' },
      { array: [{ bulk: 'a' }, { integer: '1' }] },
      { null: '' },
      { double: '1.5' },
      { double: '-Infinity' },
      { double: 'NaN' },
      { boolean: 'true' },
      { boolean: 'false' },
      { bignum: '-123456789012345678901234567890' },
      { verbatim: 'txt:abc' },
      { blobError: 'ERR x' },
      { map: [[{ simple: 'k' }, { integer: '1' }]] },
      { set: [{ integer: '2' }] },
      { push: [{ simple: 'message' }, { bulk: 'hi' }] },
      { attribute: [[{ simple: 'ttl' }, { integer: '3' }]], value: { integer: '7' } },
    ]);
  });

  it('reads -1 as an integer, a null bulk or a null array depending on the type byte', () => {
    expect(decodeAll(bytes(':-1\r\n$-1\r\n*-1\r\n:-10\r\n:0\r\n:9999\r\n:10000\r\n')).map(canon)).toEqual([
      { integer: '-1' },
      { null: 'bulk' },
      { null: 'array' },
      { integer: '-10' },
      { integer: '0' },
      { integer: '9999' },
      { integer: '10000' },
    ]);
  });

  it('reads integers at the signed 64-bit limits exactly (INCRBY reaches 2^63-1)', () => {
    expect(decodeAll(bytes(':9223372036854775807\r\n:-9223372036854775808\r\n')).map(canon)).toEqual([
      { integer: '9223372036854775807' },
      { integer: '-9223372036854775808' },
    ]);
  });

  it('RESP3 round trip: decode(encode(v, 3)) is v, for any value (nulls lose their RESP2 tag: all are _)', () => {
    fc.assert(
      fc.property(resp3Value, (v) => {
        expect(canon(decodeAll(encode(v, { protocol: 3 }))[0]!)).toEqual(canon(withoutNullTags(v)));
      }),
    );
  });

  it('RESP2 round trip: decode(encode(v, 2)) is v for any RESP2 value, $-1 and *-1 kept apart', () => {
    fc.assert(
      fc.property(resp2Value, (v) => {
        expect(canon(decodeAll(encode(v, { protocol: 2 }), { protocol: 2 })[0]!)).toEqual(canon(v));
      }),
    );
  });

  it('any split of the input gives the same values: every single split point, and random multi-way splits', () => {
    fc.assert(
      fc.property(fc.array(resp3Value, { minLength: 1, maxLength: 3 }), (values) => {
        const input = encodeMany(values, { protocol: 3 });
        const whole = decodeAll(input).map(canon);
        expect(whole).toEqual(values.map((v) => canon(withoutNullTags(v))));
        const wholeText = JSON.stringify(whole);
        for (let i = 0; i <= input.length; i++) {
          const got = JSON.stringify(decodeChunks(cut(input, [i])).map(canon));
          if (got !== wholeText) expect(`split at ${i}: ${got}`).toBe(`split at ${i}: ${wholeText}`);
        }
      }),
      { numRuns: 40 },
    );
    fc.assert(
      fc.property(
        fc.array(resp3Value, { minLength: 1, maxLength: 8 }).chain((values) => {
          const input = encodeMany(values, { protocol: 3 });
          return fc.tuple(fc.constant(input), cutPoints(input.length));
        }),
        ([input, points]) => {
          expect(decodeChunks(cut(input, points)).map(canon)).toEqual(decodeAll(input).map(canon));
        },
      ),
    );
  });

  it('byte-at-a-time input gives the same values, and the end offset of each', () => {
    const input = bytes('*1\r\n$3\r\nfoo\r\n%1\r\n+a\r\n_\r\n:5\r\n');
    const d = new RespDecoder();
    const got: string[] = [];
    const ends: number[] = [];
    for (let i = 0; i < input.length; i++) {
      const r = d.feed(input.subarray(i, i + 1));
      got.push(...r.values.map((v) => JSON.stringify(canon(v))));
      ends.push(...r.ends);
    }
    expect(got).toEqual(['{"array":[{"bulk":"foo"}]}', '{"map":[[{"simple":"a"},{"null":""}]]}', '{"integer":"5"}']);
    expect(ends).toEqual([13, 24, 28]);
  });

  it('values never change after they are returned, even when the decoder buffers more input', () => {
    const d = new RespDecoder();
    const [first] = d.push(bytes('$3\r\nabc\r\n$3\r\nd'));
    d.push(bytes('ef\r\n'));
    d.push(bytes('$3\r\nxyz\r\n'));
    expect(canon(first!)).toEqual({ bulk: 'abc' });
  });

  it('reports where an unfinished value starts when the input ends (UNEXPECTED_EOF)', () => {
    const d = new RespDecoder();
    d.push(bytes(':1\r\n*2\r\n:1\r\n$5\r\nab'));
    expect(d.midValue).toBe(true);
    expect(d.offset).toBe(4);
    expect(() => {
      d.end();
    }).toThrow(expect.objectContaining({ code: 'UNEXPECTED_EOF', offset: 4 }));
  });
});

describe('RespDecoder: malformed replies give typed errors with the absolute offset', () => {
  const cases: [string, string, number, object?][] = [
    ['+OK\r\n?', 'UNKNOWN_TYPE', 5],
    [':12a\r\n', 'INVALID_INTEGER', 1],
    [':01\r\n', 'INVALID_INTEGER', 1], // string2ll: no leading zeros
    [':-0\r\n', 'INVALID_INTEGER', 1],
    [':9223372036854775808\r\n', 'INVALID_INTEGER', 1],
    ['$-2\r\n', 'INVALID_BULK_LENGTH', 1],
    ['$+1\r\nx\r\n', 'INVALID_BULK_LENGTH', 1],
    ['$3\r\nabcd\r\n', 'EXPECTED_CRLF', 7],
    ['$3\r\nabc\rX', 'EXPECTED_CRLF', 8],
    ['*-2\r\n', 'INVALID_MULTIBULK_LENGTH', 1],
    ['*1\r\n:1\rx', 'EXPECTED_CRLF', 7],
    ['_x\r\n', 'INVALID_NULL', 1],
    ['#x\r\n', 'INVALID_BOOLEAN', 1],
    [',1.5.5\r\n', 'INVALID_DOUBLE', 1],
    [',1e999\r\n', 'INVALID_DOUBLE', 1],
    ['(12a\r\n', 'INVALID_BIGNUM', 1],
    ['=3\r\ntxt\r\n', 'INVALID_VERBATIM', 4],
    ['$?\r\n', 'UNSUPPORTED_STREAMED', 0],
    ['*?\r\n', 'UNSUPPORTED_STREAMED', 0],
    ['%1\r\n', 'UNEXPECTED_EOF', 0],
    ['$600\r\n', 'INVALID_BULK_LENGTH', 1, { maxBulkLen: 512 }],
    ['*5\r\n', 'INVALID_MULTIBULK_LENGTH', 1, { maxMultibulkLen: 4 }],
    ['*1\r\n*1\r\n*1\r\n:1\r\n', 'NESTING_TOO_DEEP', 8, { maxDepth: 2 }],
    ['+abcdef', 'LINE_TOO_LONG', 0, { maxLineLen: 4 }],
    ['%1\r\n', 'RESP3_TYPE_IN_RESP2', 0, { protocol: 2 }],
    ['_\r\n', 'RESP3_TYPE_IN_RESP2', 0, { protocol: 2 }],
  ];
  it.each(cases)('%j → %s at %d', (input, code, offset, options) => {
    const e = errorOf(input, options);
    expect(e.code).toBe(code);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(`at byte ${offset}`);
  });

  it('regression (found by the fuzz property): a bad verbatim format inside an aggregate is found however the input is split', () => {
    // An aggregate still unfinished when the input runs out is only scanned until its last byte
    // arrives: the scan must check what building checks, or a later error would win.
    const input = bytes('%1\r\n=10\r\naaa\r\0\0\0\0\0\0\r\n\0~1\r\n#f\r\n');
    for (let at = 0; at <= input.length; at++) {
      const d = new RespDecoder();
      const r = [d.feed(input.subarray(0, at)), d.feed(input.subarray(at))];
      expect(r.map((x) => x.error?.code).find((c) => c !== undefined), `split at ${at}`).toBe('INVALID_VERBATIM');
    }
  });

  it('names the unexpected type byte like hiredis does', () => {
    expect(errorOf('?').redisText).toBe('Protocol error, got "?" as reply type byte');
    expect(errorOf('\x01').redisText).toBe('Protocol error, got "\\x01" as reply type byte');
  });

  it('offsets count from the first byte ever pushed, across chunks', () => {
    const d = new RespDecoder();
    d.push(bytes('+OK\r\n:1\r\n'));
    const r = d.feed(bytes('$2\r\nab\r\n:x\r\n'));
    expect(r.values.map(canon)).toEqual([{ bulk: 'ab' }]);
    expect(r.error).toMatchObject({ code: 'INVALID_INTEGER', offset: 18 });
  });

  it('stays failed after an error, as a closed connection would', () => {
    const d = new RespDecoder();
    expect(() => d.push(bytes('?'))).toThrow(RespProtocolError);
    expect(() => d.push(bytes('+OK\r\n'))).toThrow(RespProtocolError);
    d.reset();
    expect(d.push(bytes('+OK\r\n')).map(canon)).toEqual([{ simple: 'OK' }]);
  });
});

describe('RespDecoder: limits, so a forged length never allocates', () => {
  it('a declared 512 MiB bulk and a 2^31-element array cost nothing until their bytes arrive', () => {
    const d = new RespDecoder();
    expect(d.push(bytes('*2147483647\r\n$536870912\r\nabc'))).toEqual([]);
    expect(d.midValue).toBe(true);
    expect(d.bufferCapacity).toBeLessThan(8192);
  });

  it('memory held is bounded by about twice the bytes actually pushed', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { maxLength: 20 }), (chunks) => {
        const d = new RespDecoder();
        d.push(bytes('$536870000\r\n'));
        let pushed = 0;
        for (const c of chunks) {
          d.push(c);
          pushed += c.length;
          expect(d.bufferCapacity).toBeLessThanOrEqual(Math.max(4096, 2 * (pushed + 13)));
        }
      }),
      { numRuns: 50 },
    );
  });

  it('lengths one past a limit are refused, at the limit accepted (proto-max-bulk-len)', () => {
    const ok = new RespDecoder({ maxBulkLen: 3 }).push(bytes('$3\r\nabc\r\n'));
    expect(ok.map(canon)).toEqual([{ bulk: 'abc' }]);
    expect(errorOf('$4\r\nabcd\r\n', { maxBulkLen: 3 }).code).toBe('INVALID_BULK_LENGTH');
  });

  it('deep nesting within the limit decodes without using the JS stack', () => {
    const depth = 900;
    const input = concat([bytes('*1\r\n'.repeat(depth)), bytes(':1\r\n')]);
    let v = decodeAll(input)[0]!;
    let n = 0;
    while (v.type === 'array') {
      v = v.value[0]!;
      n++;
    }
    expect(n).toBe(depth);
    expect(text(input).length).toBe(depth * 4 + 4);
  });
});

// An independent oracle: redis-parser 3.0.0 (node_redis / ioredis ≤ 4) decodes the same RESP2
// streams. It reports integers as strings with stringNumbers, bulks and simple strings as Buffers.
interface RedisParser {
  execute(b: Buffer): void;
}
type RedisParserCtor = new (o: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnFatalError: (e: Error) => void; returnBuffers: boolean; stringNumbers: boolean }) => RedisParser;
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;

type Plain = string | null | { error: string } | Plain[];
function fromRedisParser(r: unknown): Plain {
  if (r === null) return null;
  if (Buffer.isBuffer(r)) return r.toString('latin1');
  if (typeof r === 'string') return r;
  if (Array.isArray(r)) return r.map(fromRedisParser);
  if (r instanceof Error) return { error: r.message };
  throw new Error(`unexpected redis-parser value of type ${typeof r}`);
}
function plain(v: RespValue): Plain {
  switch (v.type) {
    case 'simple':
      return Buffer.from(v.value, 'utf8').toString('latin1');
    case 'error':
      return { error: v.value };
    case 'integer':
      return v.value.toString();
    case 'bulk':
      return text(v.value);
    case 'null':
      return null;
    case 'array':
      return v.value.map(plain);
    default:
      throw new Error(`not RESP2: ${v.type}`);
  }
}

describe('differential: RespDecoder agrees with redis-parser 3.0.0 on RESP2 streams', () => {
  it('same replies, in order, for any RESP2 values cut anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(resp2Value, { minLength: 1, maxLength: 6 }).chain((vs) => {
          const input = encodeMany(vs, { protocol: 2 });
          return fc.tuple(fc.constant(input), cutPoints(input.length));
        }),
        ([input, points]) => {
          const theirs: Plain[] = [];
          const p = new RedisParserClass({
            returnReply: (r) => theirs.push(fromRedisParser(r)),
            returnError: (e) => theirs.push(fromRedisParser(e)),
            returnFatalError: (e) => {
              throw e;
            },
            returnBuffers: true,
            stringNumbers: true,
          });
          p.execute(Buffer.from(input));
          expect(decodeChunks(cut(input, points)).map(plain)).toEqual(theirs);
        },
      ),
    );
  });
});
