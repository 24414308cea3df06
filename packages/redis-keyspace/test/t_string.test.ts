// Example tests pinned to Redis 7.0's own test suite (tests/unit/type/string.tcl, incr.tcl) by
// name, with the replies redis-server 7.0 gives; and the cost of growing a string.
import { describe, expect, it } from 'vitest';
import { clocked, show } from './helpers.js';
import { rawStrCost } from '../src/values.js';

describe('tests/unit/type/string.tcl', () => {
  it('LCS basic / LCS len / LCS indexes / LCS indexes with match len and minimum match len', () => {
    const { run } = clocked();
    run('SET', 'virus1', 'ohmytext');
    run('SET', 'virus2', 'mynewtext');
    expect(show(run('LCS', 'virus1', 'virus2'))).toBe('$mytext');
    expect(show(run('LCS', 'virus1', 'virus2', 'LEN'))).toBe(':6');
    expect(show(run('LCS', 'virus1', 'virus2', 'IDX'))).toBe('[$matches, [[[:4, :7], [:5, :8]], [[:2, :3], [:0, :1]]], $len, :6]');
    expect(show(run('LCS', 'virus1', 'virus2', 'IDX', 'WITHMATCHLEN', 'MINMATCHLEN', '4'))).toBe('[$matches, [[[:4, :7], [:5, :8], :4]], $len, :6]');
    expect(show(run('LCS', 'virus1', 'virus2', 'LEN', 'IDX'))).toBe('-ERR If you want both the length and indexes, please just use IDX.');
  });

  it('SETRANGE against non-existing key / against string-encoded key / GETRANGE against string value', () => {
    const { run } = clocked();
    expect(show(run('SETRANGE', 'k', '5', 'x'))).toBe(':6');
    expect(show(run('GET', 'k'))).toBe('$\0\0\0\0\0x');
    expect(show(run('SETRANGE', 'empty', '0', ''))).toBe(':0');
    expect(show(run('EXISTS', 'empty'))).toBe(':0');
    run('SET', 'mykey', 'Hello World');
    expect(show(run('SETRANGE', 'mykey', '6', 'Redis'))).toBe(':11');
    expect(show(run('GET', 'mykey'))).toBe('$Hello Redis');
    expect(show(run('GETRANGE', 'mykey', '-3', '-1'))).toBe('$dis');
    expect(show(run('GETRANGE', 'mykey', '0', '-100'))).toBe('$H');
    expect(show(run('SETRANGE', 'mykey', '-1', 'x'))).toBe('-ERR offset is out of range');
    expect(show(run('SETRANGE', 'mykey', '536870912', 'x'))).toBe('-ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(show(run('OBJECT', 'ENCODING', 'mykey'))).toBe('$raw');
  });

  it('GETSET replaces the value and drops the TTL; SETNX / MSETNX are all-or-nothing', () => {
    const { run } = clocked();
    run('SET', 'a', '1', 'EX', '100');
    expect(show(run('GETSET', 'a', '2'))).toBe('$1');
    expect(show(run('TTL', 'a'))).toBe(':-1');
    expect(show(run('SETNX', 'a', '3'))).toBe(':0');
    expect(show(run('MSETNX', 'b', '1', 'a', '9'))).toBe(':0');
    expect(show(run('EXISTS', 'b'))).toBe(':0');
    expect(show(run('MSET', 'b', '1', 'c'))).toBe("-ERR wrong number of arguments for 'mset' command");
    expect(show(run('MGET', 'a', 'nokey', 'b'))).toBe('[$2, (nil), (nil)]');
  });
});

describe('tests/unit/type/incr.tcl (INCRBYFLOAT in long double, as util.c ld2string prints it)', () => {
  it('INCRBYFLOAT against non existing key / over 32bit value / No negative zero', () => {
    const { run } = clocked();
    expect(show(run('INCRBYFLOAT', 'novar', '1'))).toBe('$1');
    expect(show(run('INCRBYFLOAT', 'novar', '0.25'))).toBe('$1.25');
    run('SET', 'novar', '17179869184');
    expect(show(run('INCRBYFLOAT', 'novar', '1.5'))).toBe('$17179869185.5');
    expect(show(run('INCRBYFLOAT', 'foo', '0.024390243902439025'))).toBe('$0.02439024390243902');
    expect(show(run('INCRBYFLOAT', 'foo', '-0.024390243902439025'))).toBe('$0');
    run('SET', 'e', '10.5');
    expect(show(run('INCRBYFLOAT', 'e', '0.1'))).toBe('$10.6'); // a JS double would print 10.59999999999999964
    expect(show(run('OBJECT', 'ENCODING', 'e'))).toBe('$embstr');
  });

  it('INCRBYFLOAT fails against key with spaces (left) / does not allow NaN or Infinity / string to double with null terminator', () => {
    const { run } = clocked();
    run('SET', 'novar', '    11');
    expect(show(run('INCRBYFLOAT', 'novar', '1'))).toBe('-ERR value is not a valid float');
    run('SET', 'foo', '0');
    expect(show(run('INCRBYFLOAT', 'foo', '+inf'))).toBe('-ERR increment would produce NaN or Infinity');
    run('SET', 'foo', '1');
    run('SETRANGE', 'foo', '2', '2');
    expect(show(run('INCRBYFLOAT', 'foo', '1'))).toBe('-ERR value is not a valid float');
  });

  it('server.c propagate: INCRBYFLOAT is written as SET key value KEEPTTL, HINCRBYFLOAT as HSET', () => {
    const { run, log } = clocked();
    run('INCRBYFLOAT', 'f', '1.5');
    run('HINCRBYFLOAT', 'h', 'x', '2.5');
    expect(log.map((e) => e.argv.join(' '))).toEqual(['SET f 1.5 KEEPTTL', 'HSET h x 2.5']);
  });
});

describe('sds.c sdsMakeRoomFor: growing a string costs amortised O(1) per byte added', () => {
  it('t_string.c appendCommand: 10^5 eight-byte APPENDs to one key copy fewer than 4 bytes per byte appended', () => {
    const { ks } = clocked();
    const before = rawStrCost.bytesCopied;
    ks.execute(['SET', 'k', 'x']);
    for (let i = 0; i < 100_000; i++) ks.execute(['APPEND', 'k', '01234567']);
    const total = 1 + 8 * 100_000;
    expect(show(ks.execute(['STRLEN', 'k']))).toBe(`:${total}`);
    expect(rawStrCost.bytesCopied - before).toBeLessThan(4 * total);
  });

  it('t_string.c setrangeCommand: 10^5 SETRANGEs at the growing end copy fewer than 4 bytes per byte written', () => {
    const { ks } = clocked();
    const before = rawStrCost.bytesCopied;
    for (let i = 0; i < 100_000; i++) ks.execute(['SETRANGE', 'k', String(i * 8), 'abcdefgh']);
    expect(rawStrCost.bytesCopied - before).toBeLessThan(4 * 8 * 100_000);
    expect(show(ks.execute(['GETRANGE', 'k', '-8', '-1']))).toBe('$abcdefgh');
  });
});
