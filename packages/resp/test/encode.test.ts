import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDouble17g as formatDouble } from '@protolab/redis-common';
import { encode, encodeCommand, encodeMany, formatValue, reply, RespEncodeError, type RespValue } from '../src/index.js';
import { bytes, text } from './support.js';

const e2 = (v: RespValue): string => text(encode(v, { protocol: 2 }));
const e3 = (v: RespValue): string => text(encode(v, { protocol: 3 }));

describe('encode: the reply forms of networking.c addReply*', () => {
  it('writes RESP2 types as redis-server does (addReplyStatus, addReplyError, addReplyLongLong, addReplyBulk, addReplyNull)', () => {
    expect(e2(reply.ok)).toBe('+OK\r\n');
    expect(e2(reply.error('ERR unknown command'))).toBe('-ERR unknown command\r\n');
    expect(e2(reply.integer(-9223372036854775808n))).toBe(':-9223372036854775808\r\n');
    expect(e2(reply.bulk('hello'))).toBe('$5\r\nhello\r\n');
    expect(e2(reply.bulk(''))).toBe('$0\r\n\r\n');
    expect(e2(reply.bulk(bytes('a\r\nb\x00')))).toBe('$5\r\na\r\nb\x00\r\n');
    expect(e2(reply.null)).toBe('$-1\r\n');
    expect(e2(reply.nullArray)).toBe('*-1\r\n');
    expect(e2(reply.array([]))).toBe('*0\r\n');
    expect(e2(reply.array([reply.integer(1), reply.array([reply.bulk('x')])]))).toBe('*2\r\n:1\r\n*1\r\n$1\r\nx\r\n');
  });

  it('writes RESP3 types with their own type bytes, and every null as _ (shared.null[3])', () => {
    expect(e3(reply.null)).toBe('_\r\n');
    expect(e3(reply.nullArray)).toBe('_\r\n');
    expect(e3({ type: 'double', value: 1.5 })).toBe(',1.5\r\n');
    expect(e3({ type: 'double', value: Infinity })).toBe(',inf\r\n');
    expect(e3({ type: 'double', value: -Infinity })).toBe(',-inf\r\n');
    expect(e3({ type: 'boolean', value: true })).toBe('#t\r\n');
    expect(e3({ type: 'boolean', value: false })).toBe('#f\r\n');
    expect(e3({ type: 'bignum', value: 3492890328409238509324850943850943825024385n })).toBe('(3492890328409238509324850943850943825024385\r\n');
    expect(e3({ type: 'verbatim', format: 'txt', value: bytes('Some string') })).toBe('=15\r\ntxt:Some string\r\n');
    expect(e3({ type: 'blobError', value: bytes('SYNTAX invalid syntax') })).toBe('!21\r\nSYNTAX invalid syntax\r\n');
    expect(e3({ type: 'map', value: [[reply.simple('first'), reply.integer(1)]] })).toBe('%1\r\n+first\r\n:1\r\n');
    expect(e3({ type: 'set', value: [reply.bulk('a')] })).toBe('~1\r\n$1\r\na\r\n');
    expect(e3({ type: 'push', value: [reply.bulk('message')] })).toBe('>1\r\n$7\r\nmessage\r\n');
    expect(e3({ type: 'attribute', attributes: [[reply.simple('ttl'), reply.integer(3)]], value: reply.integer(7) })).toBe('|1\r\n+ttl\r\n:3\r\n:7\r\n');
  });

  it('downgrades RESP3 values for a RESP2 connection as Redis 7.0 does (addReplyMapLen doubles the count, addReplyDouble sends a bulk, addReplyBool sends :1/:0)', () => {
    expect(e2({ type: 'map', value: [[reply.bulk('a'), reply.integer(1)]] })).toBe('*2\r\n$1\r\na\r\n:1\r\n');
    expect(e2({ type: 'set', value: [reply.integer(1)] })).toBe('*1\r\n:1\r\n');
    expect(e2({ type: 'push', value: [] })).toBe('*0\r\n');
    expect(e2({ type: 'double', value: 0.1 })).toBe('$19\r\n0.10000000000000001\r\n');
    expect(e2({ type: 'double', value: -Infinity })).toBe('$4\r\n-inf\r\n');
    expect(e2({ type: 'boolean', value: true })).toBe(':1\r\n');
    expect(e2({ type: 'boolean', value: false })).toBe(':0\r\n');
    expect(e2({ type: 'bignum', value: -12n })).toBe('$3\r\n-12\r\n');
    expect(e2({ type: 'verbatim', format: 'txt', value: bytes('hi') })).toBe('$2\r\nhi\r\n');
    expect(e2({ type: 'attribute', attributes: [[reply.simple('a'), reply.integer(1)]], value: reply.ok })).toBe('+OK\r\n');
  });

  it('refuses values RESP cannot carry with a typed error', () => {
    expect(() => encode(reply.simple('a\r\nb'))).toThrow(RespEncodeError);
    expect(() => encode(reply.error('x\n'))).toThrow(/CR or LF/);
    expect(() => encode({ type: 'verbatim', format: 'text', value: bytes('') }, { protocol: 3 })).toThrow(RespEncodeError);
  });

  it('encodeMany writes values back to back', () => {
    expect(text(encodeMany([reply.ok, reply.integer(2)]))).toBe('+OK\r\n:2\r\n');
  });

  it('UTF-8 text is sent as its bytes', () => {
    expect(e2(reply.simple('é€😀'))).toBe('+\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\r\n');
  });
});

describe('encodeCommand: the multibulk request form (what clients send and the AOF stores)', () => {
  it('writes *argc then $len/payload per argument (aof.c catAppendOnlyGenericCommand)', () => {
    expect(text(encodeCommand(['SET', 'key', 'value']))).toBe('*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n');
    expect(text(encodeCommand(['PEXPIREAT', 'k', 1700000000123]))).toBe('*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nk\r\n$13\r\n1700000000123\r\n');
    expect(text(encodeCommand(['INCRBY', 'n', -9223372036854775808n]))).toBe('*3\r\n$6\r\nINCRBY\r\n$1\r\nn\r\n$20\r\n-9223372036854775808\r\n');
    expect(text(encodeCommand(['SET', bytes('\x00\xff'), '€']))).toBe('*3\r\n$3\r\nSET\r\n$2\r\n\x00\xff\r\n$3\r\n\xe2\x82\xac\r\n');
    expect(text(encodeCommand([]))).toBe('*0\r\n');
  });

  it('equals the array-of-bulks reply encoding for any argv, short and long strings, bytes and numbers', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme', minLength: 28, maxLength: 90 }), fc.uint8Array({ maxLength: 300 }), fc.integer(), fc.bigInt()), { maxLength: 15 }), (argv) => {
        const asReply = encode(reply.array(argv.map((a) => reply.bulk(typeof a === 'number' || typeof a === 'bigint' ? a.toString() : a))));
        expect(text(encodeCommand(argv))).toBe(text(asReply));
      }),
    );
  });
});

describe('formatDouble: printf("%.17g") as redis-server 7.0 prints doubles (addReplyDouble)', () => {
  // Expected strings printed by C printf (through Python's '%.17g' % v, which calls it).
  const vectors: [number, string][] = [
    [0.1, '0.10000000000000001'],
    [1.5, '1.5'],
    [2 ** -25, '2.9802322387695312e-08'], // an exact tie at the 18th digit: glibc rounds half to even
    [5 * 2 ** -27, '3.7252902984619141e-08'],
    [1e17, '1e+17'],
    [1e16, '10000000000000000'],
    [123456.789, '123456.789'],
    [1e-5, '1.0000000000000001e-05'],
    [1e-4, '0.0001'],
    [3, '3'],
    [2 ** 53 + 2, '9007199254740994'],
    [1 / 3, '0.33333333333333331'],
    [-2.5, '-2.5'],
    [5e-324, '4.9406564584124654e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [100, '100'],
    [1e21, '1e+21'],
    [12345678901234568, '12345678901234568'],
    [9.999999999999998e16, '99999999999999984'],
    [1.5e-323, '1.4821969375237396e-323'],
    [6.103515625e-5, '6.103515625e-05'],
    [-0, '-0'],
    [0, '0'],
  ];
  it.each(vectors)('%s → %s', (d, s) => {
    expect(formatDouble(d)).toBe(s);
  });

  it('reads back as the same double, with at most 17 significant digits', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const s = formatDouble(d);
        expect(Object.is(Number(s), d)).toBe(true);
        const digits = s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '');
        expect(digits.length).toBeLessThanOrEqual(17);
      }),
    );
  });
});

describe('formatValue: redis-cli style rendering', () => {
  it('renders scalars and nested aggregates like redis-cli', () => {
    expect(formatValue(reply.ok)).toBe('OK');
    expect(formatValue(reply.integer(5))).toBe('(integer) 5');
    expect(formatValue(reply.null)).toBe('(nil)');
    expect(formatValue(reply.bulk(bytes('a"\n\x01')))).toBe('"a\\"\\n\\x01"');
    expect(formatValue(reply.array([reply.bulk('a'), reply.array([reply.integer(1), reply.integer(2)])]))).toBe('1) "a"\n2) 1) (integer) 1\n   2) (integer) 2');
    expect(formatValue({ type: 'map', value: [[reply.bulk('k'), { type: 'double', value: 1.5 }]] })).toBe('1# "k" => (double) 1.5');
    expect(formatValue(reply.array([]))).toBe('(empty array)');
  });
});

describe('reply helpers for RESP3 values', () => {
  it('build the tagged values encode expects', () => {
    expect(e3(reply.map([[reply.bulk('a'), reply.double(1.5)]]))).toBe('%1\r\n$1\r\na\r\n,1.5\r\n');
    expect(e3(reply.set([reply.boolean(false)]))).toBe('~1\r\n#f\r\n');
    expect(e3(reply.push([reply.bignum(-7n)]))).toBe('>1\r\n(-7\r\n');
    expect(e3(reply.verbatim('hi'))).toBe('=6\r\ntxt:hi\r\n');
    expect(e2(reply.verbatim('hi', 'mkd'))).toBe('$2\r\nhi\r\n');
  });
});

describe('encode: values RESP cannot carry are refused with a typed RespEncodeError (13.11)', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof RespEncodeError) return e.code;
      throw e;
    }
    return 'returned';
  };

  it('a cyclic value is CYCLIC_VALUE, not a stack overflow', () => {
    const items: RespValue[] = [];
    const cyclic: RespValue = { type: 'array', value: items };
    items.push(reply.integer(1), cyclic);
    expect(code(() => encode(cyclic))).toBe('CYCLIC_VALUE');
    const pairs: [RespValue, RespValue][] = [];
    const map: RespValue = { type: 'map', value: pairs };
    pairs.push([reply.bulk('k'), map]);
    expect(code(() => encode(map, { protocol: 3 }))).toBe('CYCLIC_VALUE');
  });

  it('a 20 000-deep value is NESTING_TOO_DEEP (past maxDepth, 1000 by default like the decoder); within maxDepth it encodes', () => {
    let deep: RespValue = reply.integer(1);
    for (let i = 0; i < 20_000; i++) deep = reply.array([deep]);
    expect(code(() => encode(deep))).toBe('NESTING_TOO_DEEP');
    expect(code(() => encode(deep, { maxDepth: 1_000_000 }))).toBe('NESTING_TOO_DEEP');
    let ok: RespValue = reply.integer(1);
    for (let i = 0; i < 1000; i++) ok = reply.array([ok]);
    expect(text(encode(ok)).length).toBe(4 * 1000 + 4);
  });

  it('an unknown type is UNKNOWN_TYPE (it used to encode to nothing at all)', () => {
    expect(code(() => encode({ type: 'weird' } as unknown as RespValue))).toBe('UNKNOWN_TYPE');
    expect(code(() => encodeMany([reply.ok, { type: 'weird' } as unknown as RespValue]))).toBe('UNKNOWN_TYPE');
  });

  it('a value of the wrong shape is INVALID_VALUE: an integer beyond int64 (addReplyLongLong takes a long long), a non-integer number, a string where bytes belong', () => {
    expect(code(() => encode(reply.integer(2n ** 63n)))).toBe('INVALID_VALUE');
    expect(code(() => encode({ type: 'integer', value: 1.5 } as unknown as RespValue))).toBe('INVALID_VALUE');
    expect(code(() => encode({ type: 'bulk', value: 'text' } as unknown as RespValue))).toBe('INVALID_VALUE');
    expect(code(() => encode({ type: 'simple', value: 5 } as unknown as RespValue))).toBe('INVALID_VALUE');
    expect(code(() => encode(null as unknown as RespValue))).toBe('INVALID_VALUE');
    expect(text(encode(reply.integer(-(2n ** 63n))))).toBe(':-9223372036854775808\r\n');
  });

  it('integers held as JS numbers (a decoder with integers: "number") encode like bigints', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        expect(text(encode({ type: 'integer', value: n }))).toBe(text(encode(reply.integer(BigInt(n)))));
      }),
    );
  });
});
