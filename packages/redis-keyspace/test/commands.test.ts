// Replies and error texts pinned from redis-server 7.0.15 (captured with redis-cli on this machine;
// docs/redis-expiry.md §4). Each row is a command and the reply Redis gave.
import { describe, expect, it } from 'vitest';
import { clocked, show } from './helpers.js';

function transcript(rows: [string[], string][], setup?: (run: (...a: string[]) => unknown) => void): void {
  const { run } = clocked();
  setup?.(run);
  for (const [argv, want] of rows) expect(`${argv.join(' ')} → ${show(run(...argv))}`).toBe(`${argv.join(' ')} → ${want}`);
}

describe('server.c processCommand: unknown commands and arity, with 7.0 texts', () => {
  it('lookupCommand miss lists the first arguments; arity errors name the lowercase command', () => {
    transcript([
      [['foo', 'bar', 'baz'], "-ERR unknown command 'foo', with args beginning with: 'bar' 'baz' "],
      [['NOPE'], "-ERR unknown command 'NOPE', with args beginning with: "],
      [['GET'], "-ERR wrong number of arguments for 'get' command"],
      [['EXISTS'], "-ERR wrong number of arguments for 'exists' command"],
      [['DEL'], "-ERR wrong number of arguments for 'del' command"],
      [['TTL'], "-ERR wrong number of arguments for 'ttl' command"],
      [['ZADD', 'z', '1'], "-ERR wrong number of arguments for 'zadd' command"],
      [['HSET', 'h', 'a'], "-ERR wrong number of arguments for 'hset' command"],
      [['HSET', 'h', 'a', 'b', 'c'], "-ERR wrong number of arguments for 'hset' command"],
      [['MULTI', 'extra'], "-ERR wrong number of arguments for 'multi' command"],
      [['OBJECT'], "-ERR wrong number of arguments for 'object' command"],
      [['OBJECT', 'foo'], "-ERR unknown subcommand 'foo'. Try OBJECT HELP."],
    ]);
  });
});

describe('t_string.c setGenericCommand / getExpireMillisecondsOrReply', () => {
  it('SET options: syntax errors, invalid expire times, repeated identical options allowed', () => {
    transcript([
      [['SET', 'a', '1', 'EX', '0'], "-ERR invalid expire time in 'set' command"],
      [['SET', 'a', '1', 'EX', '-1'], "-ERR invalid expire time in 'set' command"],
      [['SET', 'a', '1', 'PX', '0'], "-ERR invalid expire time in 'set' command"],
      [['SET', 'a', '1', 'EXAT', '0'], "-ERR invalid expire time in 'set' command"],
      [['SET', 'a', '1', 'EX', 'abc'], '-ERR value is not an integer or out of range'],
      [['SET', 'a', '1', 'EX', '9223372036854775'], "-ERR invalid expire time in 'set' command"],
      [['SET', 'a', '1', 'NX', 'XX'], '-ERR syntax error'],
      [['SET', 'a', '1', 'EX'], '-ERR syntax error'],
      [['SET', 'a', '1', 'EX', '10', 'PX', '10'], '-ERR syntax error'],
      [['SET', 'a', '1', 'EX', '10', 'KEEPTTL'], '-ERR syntax error'],
      [['SET', 'a', '1', 'GET', 'PXAT', '99999999999999', 'keepttl'], '-ERR syntax error'],
      [['SET', 'a', '1', 'PERSIST'], '-ERR syntax error'],
      [['SET', 'n', 'w', 'EX', '10', 'EX', '10'], '+OK'],
      [['SET', 'n', 'w', 'NX', 'NX'], '(nil)'],
      [['SET', 'n', 'x', 'GET', 'GET'], '$w'],
      [['SET', 'n', 'y', 'nx', 'get'], '$x'],
      [['GET', 'n'], '$x'],
      [['SET', 'a', '1', 'EXAT', '1'], '+OK'],
      [['EXISTS', 'a'], ':0'],
      [['TTL', 'a'], ':-2'],
    ]);
  });

  it('SET … GET checks the type before NX/XX: WRONGTYPE on a list even when NX would fail', () => {
    transcript(
      [
        [['SET', 'l', 'v', 'NX', 'GET'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
        [['SET', 'l', 'v', 'XX', 'GET'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
        [['SET', 'l', 'v', 'GET'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
        [['SET', 'l', 'v'], '+OK'],
        [['GET', 'l'], '$v'],
      ],
      (run) => run('RPUSH', 'l', 'a'),
    );
  });

  it('SETEX/PSETEX/GETEX name themselves in the invalid-expire error', () => {
    transcript([
      [['SETEX', 'a', '0', 'v'], "-ERR invalid expire time in 'setex' command"],
      [['PSETEX', 'a', '-1', 'v'], "-ERR invalid expire time in 'psetex' command"],
      [['SETEX', 'e', '9223372036854775', 'v'], "-ERR invalid expire time in 'setex' command"],
      [['SETEX', 'e', '9223372036854776', 'v'], "-ERR invalid expire time in 'setex' command"],
      [['SET', 'a', '1'], '+OK'],
      [['GETEX', 'a', 'EX', '0'], "-ERR invalid expire time in 'getex' command"],
      [['GETEX', 'a', 'FOO'], '-ERR syntax error'],
      [['GETEX', 'a', 'PERSIST', 'EX', '1'], '-ERR syntax error'],
      [['GETEX', 'a', 'KEEPTTL'], '-ERR syntax error'],
      [['GETEX', 'nokey', 'EX', '10'], '(nil)'],
      [['GETEX', 'a', 'PXAT', '1'], '$1'],
      [['EXISTS', 'a'], ':0'],
    ]);
  });

  it('INCR/INCRBY/DECRBY: not-an-integer, overflow, wrong type; INCR keeps the TTL', () => {
    transcript([
      [['SET', 'big', '9223372036854775807'], '+OK'],
      [['INCR', 'big'], '-ERR increment or decrement would overflow'],
      [['SET', 'small', '-9223372036854775808'], '+OK'],
      [['DECR', 'small'], '-ERR increment or decrement would overflow'],
      [['DECRBY', 'x', '-9223372036854775808'], '-ERR decrement would overflow'],
      [['INCRBY', 'a', 'x'], '-ERR value is not an integer or out of range'],
      [['SET', 's', ' 1'], '+OK'],
      [['INCR', 's'], '-ERR value is not an integer or out of range'],
      [['SET', 's', '007'], '+OK'],
      [['INCR', 's'], '-ERR value is not an integer or out of range'],
      [['INCR', 'nx'], ':1'],
      [['RPUSH', 'l', 'x'], ':1'],
      [['INCR', 'l'], '-WRONGTYPE Operation against a key holding the wrong kind of value'],
      [['SET', 'c', '10', 'EX', '100'], '+OK'],
      [['INCR', 'c'], ':11'],
      [['TTL', 'c'], ':100'],
    ]);
  });
});

describe('expire.c expireGenericCommand: options, overflow, non-positive results', () => {
  it('option parsing and compatibility texts', () => {
    transcript([
      [['SET', 'a', '1'], '+OK'],
      [['EXPIRE', 'a', '10', 'FOO'], '-ERR Unsupported option FOO'],
      [['EXPIRE', 'a', '10', 'NX', 'GT'], '-ERR NX and XX, GT or LT options at the same time are not compatible'],
      [['EXPIRE', 'a', '10', 'GT', 'LT'], '-ERR GT and LT options at the same time are not compatible'],
      [['EXPIRE', 'a', 'x'], '-ERR value is not an integer or out of range'],
      [['EXPIRE', 'a', '9223372036854775807'], "-ERR invalid expire time in 'expire' command"],
      [['PEXPIRE', 'a', '9223372036854775807'], "-ERR invalid expire time in 'pexpire' command"],
      [['EXPIREAT', 'a', '9223372036854775807'], "-ERR invalid expire time in 'expireat' command"],
      [['EXPIRE', 'a', '-9223372036854775808'], "-ERR invalid expire time in 'expire' command"],
      [['EXPIRE', 'a', '9223372036854775'], "-ERR invalid expire time in 'expire' command"],
      [['TTL', 'a'], ':-1'],
      [['EXPIRETIME', 'a'], ':-1'],
    ]);
  });

  it('GT on a key without TTL fails (infinite); LT succeeds; XX needs a TTL; conditions come before the delete', () => {
    transcript([
      [['SET', 'y', '1'], '+OK'],
      [['EXPIRE', 'y', '100', 'GT'], ':0'],
      [['EXPIRE', 'y', '100', 'XX'], ':0'],
      [['EXPIRE', 'y', '100', 'LT'], ':1'],
      [['EXPIRE', 'y', '100', 'NX'], ':0'],
      [['EXPIRE', 'y', '50', 'XX', 'GT'], ':0'],
      [['EXPIRE', 'y', '200', 'XX', 'GT'], ':1'],
      [['EXPIRE', 'y', '-1', 'GT'], ':0'],
      [['EXISTS', 'y'], ':1'],
      [['EXPIRE', 'y', '-1', 'LT'], ':1'],
      [['EXISTS', 'y'], ':0'],
      [['EXPIRE', 'missing', '10'], ':0'],
      [['SET', 'k', '1'], '+OK'],
      [['PEXPIREAT', 'k', '-1'], ':1'],
      [['EXISTS', 'k'], ':0'],
      [['SET', 'k', '1'], '+OK'],
      [['EXPIRE', 'k', '0'], ':1'],
      [['TYPE', 'k'], '+none'],
    ]);
  });
});

describe('TTL/PTTL/EXPIRETIME rounding (expire.c ttlGenericCommand)', () => {
  it('TTL = (pttl + 500) / 1000; EXPIRETIME = (at + 500) / 1000; deadline is inclusive', () => {
    const { run, clock } = clocked(1_000_000);
    run('SET', 'k', 'v', 'PX', '1499');
    expect(show(run('TTL', 'k'))).toBe(':1');
    run('SET', 'k', 'v', 'PX', '1700');
    expect(show(run('TTL', 'k'))).toBe(':2');
    expect(show(run('PTTL', 'k'))).toBe(':1700');
    run('SET', 'k', 'v', 'PXAT', '4102444800999');
    expect(show(run('PEXPIRETIME', 'k'))).toBe(':4102444800999');
    expect(show(run('EXPIRETIME', 'k'))).toBe(':4102444801');
    run('SET', 'k', 'v', 'PXAT', String(clock.now + 5));
    clock.now += 5; // now == expire_at: still alive (strictly after deadline = expired)
    expect(show(run('PTTL', 'k'))).toBe(':0');
    expect(show(run('GET', 'k'))).toBe('$v');
    clock.now += 1;
    expect(show(run('GET', 'k'))).toBe('(nil)');
    expect(show(run('PTTL', 'k'))).toBe(':-2');
  });

  it('PXAT up to LLONG_MAX is kept exactly', () => {
    const { run } = clocked();
    run('SET', 'k', 'v', 'PXAT', '9223372036854775807');
    expect(show(run('PEXPIRETIME', 'k'))).toBe(':9223372036854775807');
  });
});

describe('multi.c: MULTI/EXEC/DISCARD texts', () => {
  it('queueing errors abort EXEC; runtime errors do not', () => {
    transcript(
      [
        [['MULTI'], '+OK'],
        [['INCR', 'q'], '+QUEUED'],
        [['NOPE'], "-ERR unknown command 'NOPE', with args beginning with: "],
        [['EXEC'], '-EXECABORT Transaction discarded because of previous errors.'],
        [['MULTI'], '+OK'],
        [['INCR', 'l'], '+QUEUED'],
        [['SET', 'q', '1'], '+QUEUED'],
        [['EXEC'], '[-WRONGTYPE Operation against a key holding the wrong kind of value, +OK]'],
        [['EXEC'], '-ERR EXEC without MULTI'],
        [['DISCARD'], '-ERR DISCARD without MULTI'],
        [['MULTI'], '+OK'],
        [['MULTI'], '-ERR MULTI calls can not be nested'],
        [['DISCARD'], '+OK'],
        [['GET', 'q'], '$1'],
      ],
      (run) => run('RPUSH', 'l', 'a'),
    );
  });
});

describe('db.c: SELECT, TYPE, FLUSHDB, OBJECT ENCODING of a missing key', () => {
  it('replies', () => {
    transcript([
      [['SELECT', '16'], '-ERR DB index is out of range'],
      [['SELECT', 'x'], '-ERR value is not an integer or out of range'],
      [['SELECT', '-1'], '-ERR DB index is out of range'],
      [['SELECT', '3'], '+OK'],
      [['SET', 'a', '1'], '+OK'],
      [['SELECT', '0'], '+OK'],
      [['EXISTS', 'a'], ':0'],
      [['TYPE', 'nokey'], '+none'],
      [['OBJECT', 'ENCODING', 'nokey'], '(nil)'],
      [['FLUSHDB', 'now'], '-ERR syntax error'],
      [['FLUSHDB', 'ASYNC'], '+OK'],
      [['SELECT', '3'], '+OK'],
      [['DBSIZE'], ':1'],
    ]);
  });
});

describe('t_zset.c: ZADD option checks, scores as %.17g, ZRANGE forms', () => {
  it('replies as 7.0.15 gave them', () => {
    transcript([
      [['ZADD', 'z', '1.1', 'a', '3', 'b', '1e300', 'c', '-inf', 'd', '0.0001', 'e', '1e-5', 'f', '123456789012345678', 'g'], ':7'],
      [['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], '[$d, $-inf, $f, $1.0000000000000001e-05, $e, $0.0001, $a, $1.1000000000000001, $b, $3, $g, $1.2345678901234568e+17, $c, $1.0000000000000001e+300]'],
      [['ZADD', 'z', 'nan', 'x'], '-ERR value is not a valid float'],
      [['ZADD', 'z', '1', 'a', '2'], '-ERR syntax error'],
      [['ZADD', 'z', ' 1', 'y'], '-ERR value is not a valid float'],
      [['ZADD', 'z', '1 ', 'y'], '-ERR value is not a valid float'],
      [['ZADD', 'z', '1e', 'y'], '-ERR value is not a valid float'],
      [['ZADD', 'z', '0x10', 'y'], ':1'],
      [['ZSCORE', 'z', 'y'], '$16'],
      [['ZADD', 'z', '-0', 'y'], ':0'],
      [['ZSCORE', 'z', 'y'], '$0'],
      [['ZADD', 'z', 'NX', 'XX', '1', 'a'], '-ERR XX and NX options at the same time are not compatible'],
      [['ZADD', 'z', 'GT', 'LT', '1', 'a'], '-ERR GT, LT, and/or NX options at the same time are not compatible'],
      [['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'], '-ERR INCR option supports a single increment-element pair'],
      [['ZADD', 'z', 'CH', '5', 'y'], ':1'],
      [['ZADD', 'z', 'INCR', '5', 'y'], '$10'],
      [['ZADD', 'z', 'NX', 'INCR', '5', 'y'], '(nil)'],
      [['ZADD', 'z', 'XX', '9', 'new'], ':0'],
      [['ZRANGE', 'z', '0', '1', 'REV'], '[$c, $g]'],
      [['ZRANGE', 'z', '-2', '-1'], '[$g, $c]'],
      [['ZRANGE', 'z', '5', '2'], '[]'],
      [['ZRANGE', 'z', '0', '-1', 'LIMIT', '0', '1'], '-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'],
      [['ZRANGE', 'z', '0', '-1', 'FOO'], '-ERR syntax error'],
      [['ZRANGE', 'z', '(1', '5', 'BYSCORE'], '[$a, $b]'],
      [['ZRANGE', 'z', '0', 'x'], '-ERR value is not an integer or out of range'],
    ]);
  });
});

describe('OBJECT ENCODING after commands (object.c tryObjectEncoding, 7.0 defaults)', () => {
  it('strings by content; APPEND to an existing key makes raw; lists are quicklists; first SADD member decides', () => {
    transcript([
      [['SET', 'big:1', '12345678901234567890123456789012345678901234'], '+OK'],
      [['SET', 'big:2', '123456789012345678901234567890123456789012345'], '+OK'],
      [['OBJECT', 'ENCODING', 'big:1'], '$embstr'],
      [['OBJECT', 'ENCODING', 'big:2'], '$raw'],
      [['SET', 'i', '-9223372036854775808'], '+OK'],
      [['OBJECT', 'ENCODING', 'i'], '$int'],
      [['SET', 'i', '9223372036854775808'], '+OK'],
      [['OBJECT', 'ENCODING', 'i'], '$embstr'],
      [['SET', 'i', '007'], '+OK'],
      [['OBJECT', 'ENCODING', 'i'], '$embstr'],
      [['APPEND', 'j', 'a'], ':1'],
      [['OBJECT', 'ENCODING', 'j'], '$embstr'],
      [['APPEND', 'j', 'b'], ':2'],
      [['OBJECT', 'ENCODING', 'j'], '$raw'],
      [['INCRBY', 'i2', '5'], ':5'],
      [['OBJECT', 'ENCODING', 'i2'], '$int'],
      [['RPUSH', 'l', 'a'], ':1'],
      [['OBJECT', 'ENCODING', 'l'], '$quicklist'],
      [['SADD', 's', '1', 'a'], ':2'],
      [['OBJECT', 'ENCODING', 's'], '$hashtable'],
      [['SADD', 's2', 'a', '1'], ':2'],
      [['SREM', 's2', 'a'], ':1'],
      [['OBJECT', 'ENCODING', 's2'], '$hashtable'],
      [['SADD', 's3', '1', '2'], ':2'],
      [['OBJECT', 'ENCODING', 's3'], '$intset'],
      [['ZADD', 'z', '1', 'a'], ':1'],
      [['OBJECT', 'ENCODING', 'z'], '$listpack'],
      [['HSET', 'h', 'a', 'b'], ':1'],
      [['OBJECT', 'ENCODING', 'h'], '$listpack'],
    ]);
  });
});
