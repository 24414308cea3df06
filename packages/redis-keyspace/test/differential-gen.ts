// Random commands for the differential peer test: one generator per command of the table (with
// its options and malformed variants), and a fallback for commands added later that builds
// arity-respecting calls from the shared pools. Also says how each reply is compared.
import type { Prng } from '@protolab/sim';
import { COMMANDS } from '../src/commands.js';
import { BITOPS_SPECIFIC } from './differential-gen-bitops.js';
import { GEO_SPECIFIC } from './differential-gen-geo.js';
import { HLL_SPECIFIC } from './differential-gen-hll.js';

export type CompareKind = 'exact' | 'multiset' | 'pairs' | 'ttl' | 'ttl-ms' | 'shape';
type Gen = (r: Prng) => string[];

const KEYS = ['a', 'b', 'c', 'user:1', 'user:2', 'x\u00ff', 'w_1', 'h_m'];
const VALUES = ['v', '0', '12', '-7', '9223372036854775807', '3.5', '10.5', 'hello world', '', '\u0000\u00ff\u0001', 'x'.repeat(45), 'y'.repeat(70), '0x10', '1e3', ' 1', 'abcabc'];
const FIELDS = ['f', 'g', 'h', 'n'];
const INTS = ['-10', '-1', '0', '1', '2', '5', '100000', 'x', '9223372036854775807', '-9223372036854775808', '1.5', ''];
const FLOATS = ['0.1', '-5', '1e3', '3.0e-2', 'inf', '-inf', 'x', '0x10', ' 1', '1e400', '5.5', '1', '-0', '.5', '1.', '1e-20', '17'];
const FAR = 4102444800000; // 2100-01-01
const PATTERNS = ['*', 'user:*', '?', '[ab]', '[^a]*', 'user:[1-2]', '*\\:*', 'x*', '[', 'a[', '\\a', 'u*r*1'];

const k = (r: Prng): string => r.pick(KEYS);
const v = (r: Prng): string => r.pick(VALUES);
const f = (r: Prng): string => r.pick(FIELDS);
const some = <T>(r: Prng, g: (r: Prng) => T, max: number): T[] => Array.from({ length: r.int(0, max + 1) }, () => g(r));

const ttlOpt = (r: Prng): string[] =>
  r.pick([[], [], ['EX', '100000'], ['PX', '100000000'], ['EXAT', String(FAR / 1000)], ['PXAT', String(FAR + 123)], ['PXAT', '1'], ['KEEPTTL'], ['EX', '0'], ['PX', '-5'], ['EX', 'x'], ['EX'], ['PX', '100000', 'EX', '5']]);
const cond = (r: Prng): string[] => r.pick([[], [], ['NX'], ['XX'], ['GT'], ['LT'], ['NX', 'GT'], ['GT', 'LT'], ['XX', 'GT'], ['FOO']]);
const score = (r: Prng): string => r.pick(['1', '2', '-1', '1.5', 'inf', '-inf', 'nan', 'x', '0x1p3', '-0', '3']);

const sortOpts = (r: Prng): string[] =>
  [
    ...r.pick([[], [], ['BY', r.pick(['nosort', 'w_*', 'h_*->f', '*', 'w_*->', '#'])]]),
    ...r.pick([[], [], ['LIMIT', r.pick(['0', '1', '-1', '5', 'x']), r.pick(['1', '2', '-1', '0', '100'])]]),
    ...r.pick([[], ['GET', '#'], ['GET', 'w_*'], ['GET', 'h_*->f', 'GET', '#'], ['GET', 'nostar']]),
    ...r.pick([[], ['ASC'], ['DESC']]),
    ...r.pick([[], [], ['ALPHA']]),
    ...r.pick([[], [], [], ['FOO'], ['LIMIT', '1']]),
  ];

const SPECIFIC: Record<string, Gen> = {
  get: (r) => ['GET', k(r)],
  set: (r) => ['SET', k(r), v(r), ...ttlOpt(r), ...r.pick([[], [], ['NX'], ['XX'], ['NX', 'XX']]), ...r.pick([[], ['GET']])],
  setnx: (r) => ['SETNX', k(r), v(r)],
  setex: (r) => ['SETEX', k(r), r.pick(['100', '0', '-1', 'x', '9223372036854775807']), v(r)],
  psetex: (r) => ['PSETEX', k(r), r.pick(['100000', '0', 'x']), v(r)],
  getex: (r) => ['GETEX', k(r), ...r.pick([[], ['PERSIST'], ['EX', '100000'], ['PXAT', String(FAR)], ['PXAT', '1'], ['EX', '0'], ['KEEPTTL'], ['PERSIST', 'EX', '1'], ['NX']])],
  getdel: (r) => ['GETDEL', k(r)],
  getset: (r) => ['GETSET', k(r), v(r)],
  mget: (r) => ['MGET', k(r), ...some(r, k, 3)],
  mset: (r) => ['MSET', k(r), v(r), ...r.pick([[], [k(r), v(r)], [k(r)]])],
  msetnx: (r) => ['MSETNX', k(r), v(r), ...r.pick([[], [k(r), v(r)], [k(r)]])],
  incr: (r) => ['INCR', k(r)],
  decr: (r) => ['DECR', k(r)],
  incrby: (r) => ['INCRBY', k(r), r.pick(INTS)],
  decrby: (r) => ['DECRBY', k(r), r.pick(INTS)],
  incrbyfloat: (r) => ['INCRBYFLOAT', k(r), r.pick(FLOATS)],
  append: (r) => ['APPEND', k(r), v(r)],
  strlen: (r) => ['STRLEN', k(r)],
  setrange: (r) => ['SETRANGE', k(r), r.pick(['0', '1', '3', '50', '-1', 'x', '536870912']), r.pick(['', 'xy', 'hello', '\u0000'])],
  getrange: (r) => ['GETRANGE', k(r), r.pick(INTS), r.pick(INTS)],
  substr: (r) => ['SUBSTR', k(r), r.pick(['0', '-3', '2']), r.pick(['-1', '1', '100', '-5'])],
  lcs: (r) => ['LCS', k(r), k(r), ...r.pick([[], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', r.pick(['0', '2', '-1', 'x'])], ['LEN', 'IDX'], ['FOO'], ['MINMATCHLEN']])],
  hset: (r) => ['HSET', k(r), f(r), v(r), ...r.pick([[], [f(r), v(r)], ['odd']])],
  hmset: (r) => ['HMSET', k(r), f(r), v(r), ...r.pick([[], [f(r), v(r)], ['odd']])],
  hsetnx: (r) => ['HSETNX', k(r), f(r), v(r)],
  hget: (r) => ['HGET', k(r), f(r)],
  hmget: (r) => ['HMGET', k(r), f(r), ...some(r, f, 2)],
  hgetall: (r) => ['HGETALL', k(r)],
  hkeys: (r) => ['HKEYS', k(r)],
  hvals: (r) => ['HVALS', k(r)],
  hdel: (r) => ['HDEL', k(r), f(r), ...some(r, f, 2)],
  hlen: (r) => ['HLEN', k(r)],
  hstrlen: (r) => ['HSTRLEN', k(r), f(r)],
  hexists: (r) => ['HEXISTS', k(r), f(r)],
  hincrby: (r) => ['HINCRBY', k(r), f(r), r.pick(INTS)],
  hincrbyfloat: (r) => ['HINCRBYFLOAT', k(r), f(r), r.pick(FLOATS)],
  hrandfield: (r) => ['HRANDFIELD', k(r), ...r.pick([[], ['0'], ['2'], ['-3'], ['10'], ['2', 'WITHVALUES'], ['-2', 'WITHVALUES'], ['x'], ['1', 'FOO'], ['-9223372036854775808'], ['-9223372036854775807', 'WITHVALUES']])],
  hscan: (r) => ['HSCAN*', k(r), ...r.pick([[], ['COUNT', '1'], ['MATCH', r.pick(['f*', '?', '[gh]'])], ['COUNT', '0'], ['COUNT', 'x'], ['TYPE', 'string'], ['MATCH']])],
  del: (r) => ['DEL', k(r), ...some(r, k, 2)],
  unlink: (r) => ['UNLINK', k(r), ...some(r, k, 2)],
  exists: (r) => ['EXISTS', k(r), ...some(r, k, 2)],
  type: (r) => ['TYPE', k(r)],
  rename: (r) => ['RENAME', k(r), k(r)],
  renamenx: (r) => ['RENAMENX', k(r), k(r)],
  move: (r) => ['MOVE', k(r), r.pick(['0', '1', '2', '16', '-1', 'x'])],
  copy: (r) => ['COPY', k(r), k(r), ...r.pick([[], ['REPLACE'], ['DB', r.pick(['0', '1', '2', '16', 'x'])], ['DB', '1', 'REPLACE'], ['DB'], ['FOO']])],
  swapdb: (r) => ['SWAPDB', r.pick(['0', '1', '2', '16', 'x']), r.pick(['0', '1', '2', '-1'])],
  keys: (r) => ['KEYS', r.pick(PATTERNS)],
  scan: (r) => ['SCAN*', ...r.pick([[], ['COUNT', '1'], ['COUNT', '3'], ['MATCH', r.pick(PATTERNS)], ['TYPE', r.pick(['string', 'hash', 'list', 'nope'])], ['COUNT', '0'], ['COUNT', 'x'], ['MATCH'], ['MATCH', 'user:*', 'COUNT', '2']])],
  randomkey: () => ['RANDOMKEY'],
  sort: (r) => ['SORT', k(r), ...sortOpts(r), ...r.pick([[], [], ['STORE', k(r)]])],
  sort_ro: (r) => ['SORT_RO', k(r), ...sortOpts(r)],
  command: (r) => ['COMMAND', ...r.pick([['GETKEYS', 'GET', k(r)], ['GETKEYS', 'MSET', 'a', '1', 'b', '2'], ['GETKEYS', 'MSET', 'a', '1', 'b'], ['GETKEYS', 'PING', 'x'], ['GETKEYS', 'NOSUCH', 'a'], ['GETKEYS', 'GET', 'a', 'b'], ['GETKEYS', 'OBJECT', 'ENCODING', 'k'], ['GETKEYS', 'COPY', 'a', 'b', 'DB', '1'], ['GETKEYS', 'SORT', 'a', 'BY', 'x', 'STORE', 'd'], ['GETKEYS', 'SORT', 'a', 'LIMIT', '0', '1', 'STORE'], ['GETKEYS'], ['NOPE'], ['COUNT', 'x'], ['HELP'], ['GETKEYS', 'LCS', 'a', 'b']])],
  touch: (r) => ['TOUCH', k(r), ...some(r, k, 2)],
  object: (r) => ['OBJECT', ...r.pick([['ENCODING', k(r)], ['REFCOUNT', k(r)], ['IDLETIME', k(r)], ['FREQ', k(r)], ['HELP'], ['HELP', 'x'], ['ENCODING'], ['NOPE', k(r)], ['encoding', k(r), 'x']])],
  expire: (r) => ['EXPIRE', k(r), r.pick(['100000', '200000', '0', '-1', 'x', '9223372036854775807']), ...cond(r)],
  pexpire: (r) => ['PEXPIRE', k(r), r.pick(['100000000', '0', '-100', 'x']), ...cond(r)],
  expireat: (r) => ['EXPIREAT', k(r), r.pick([String(FAR / 1000), '1', '-5', 'x']), ...cond(r)],
  pexpireat: (r) => ['PEXPIREAT', k(r), r.pick([String(FAR + 7), '1', '0', 'x']), ...cond(r)],
  ttl: (r) => ['TTL', k(r)],
  pttl: (r) => ['PTTL', k(r)],
  expiretime: (r) => ['EXPIRETIME', k(r)],
  pexpiretime: (r) => ['PEXPIRETIME', k(r)],
  persist: (r) => ['PERSIST', k(r)],
  dbsize: () => ['DBSIZE'],
  select: (r) => ['SELECT', r.pick(['0', '0', '0', '1', '2', '16', '-1', 'x'])],
  flushdb: (r) => r.pick([['FLUSHDB'], ['FLUSHDB', 'ASYNC'], ['FLUSHDB', 'x']]),
  flushall: (r) => r.pick([['FLUSHALL'], ['FLUSHALL', 'SYNC'], ['FLUSHALL', 'x', 'y']]),
  ping: (r) => r.pick([['PING'], ['PING', 'hi'], ['PING', 'a', 'b']]),
  echo: (r) => ['ECHO', v(r)],
  info: (r) => ['INFO', ...r.pick([[], ['keyspace'], ['stats']])], // the server's own text: compared by shape
  multi: (r) => r.pick([['MULTI'], ['EXEC'], ['DISCARD']]),
  // Lists, sets, sorted sets (part B's files; their generators can grow there).
  rpush: (r) => ['RPUSH', k(r), v(r), ...some(r, v, 2)],
  lpush: (r) => ['LPUSH', k(r), v(r), ...some(r, v, 2)],
  lrange: (r) => ['LRANGE', k(r), r.pick(INTS), r.pick(INTS)],
  llen: (r) => ['LLEN', k(r)],
  sadd: (r) => ['SADD', k(r), r.pick(['1', '2', '-3', 'm', '100']), ...some(r, () => r.pick(['5', 'n', '7']), 2)],
  srem: (r) => ['SREM', k(r), r.pick(['1', 'm']), ...some(r, () => r.pick(['5', 'n']), 1)],
  smembers: (r) => ['SMEMBERS', k(r)],
  scard: (r) => ['SCARD', k(r)],
  sismember: (r) => ['SISMEMBER', k(r), r.pick(['1', 'm'])],
  zadd: (r) => ['ZADD', k(r), ...r.pick([[], [], ['NX'], ['XX'], ['GT'], ['CH'], ['INCR'], ['NX', 'XX']]), score(r), r.pick(['m', 'n', 'o']), ...r.pick([[], [score(r), 'p']])],
  zrange: (r) => ['ZRANGE', k(r), ...r.pick([['0', '-1', 'WITHSCORES'], ['(1', '3', 'BYSCORE'], ['-', '+', 'BYLEX'], ['0', '-1', 'REV'], ['x', 'y', 'BYSCORE']])],
  zcard: (r) => ['ZCARD', k(r)],
  zscore: (r) => ['ZSCORE', k(r), r.pick(['m', 'n'])],
  ...BITOPS_SPECIFIC,
  ...GEO_SPECIFIC,
  ...HLL_SPECIFIC,
};

/** Commands whose reply is random (compared by shape; not run inside MULTI). */
export const NONDETERMINISTIC = new Set(['randomkey', 'hrandfield', 'srandmember', 'zrandmember', 'spop', 'scan*', 'hscan*']);

const KIND: Record<string, CompareKind> = {
  keys: 'multiset', smembers: 'multiset', hkeys: 'multiset', hvals: 'multiset', hgetall: 'pairs', sinter: 'multiset', sunion: 'multiset', sdiff: 'multiset',
  ttl: 'ttl', expiretime: 'ttl', pttl: 'ttl-ms', pexpiretime: 'ttl-ms',
  info: 'shape', randomkey: 'shape', hrandfield: 'shape', srandmember: 'shape', zrandmember: 'shape', spop: 'multiset',
  sscan: 'shape', zscan: 'shape', // a hashtable set's / skiplist zset's dict order depends on the server's random hash seed
};

/** How to compare the reply of `argv`. */
export function compareKind(argv: readonly string[]): CompareKind {
  const name = (argv[0] ?? '').toLowerCase();
  // SORT BY <no star> does not sort: a set comes back in its dict order.
  if ((name === 'sort' || name === 'sort_ro') && argv.some((a, i) => a.toUpperCase() === 'BY' && !(argv[i + 1] ?? '').includes('*'))) return 'multiset';
  if (name === 'object' && (argv[1] ?? '').toLowerCase() === 'idletime') return 'ttl';
  return KIND[name] ?? 'exact';
}

/** A call for a command without its own generator: arity-respecting, arguments from the pools. */
function fallback(name: string, arity: number): Gen {
  return (r) => {
    const n = arity > 0 ? arity - 1 : -arity - 1 + r.int(0, 3);
    const args = Array.from({ length: n }, (_, i) => (i === 0 ? k(r) : r.pick([...VALUES, ...INTS, ...FIELDS])));
    return [name.toUpperCase(), ...args];
  };
}

/**
 * Commands not compared with the real server here: DUMP/RESTORE need the RDB payload codec, which
 * lives in @protolab/redis-rdb (a package that depends on this one); test/dump.test.ts covers them
 * with a stand-in codec.
 */
export const NOT_DIFFERENTIAL = new Set(['dump', 'restore']);

/** One generator per command of the table, plus a few malformed/unknown calls. */
export const GENERATORS: readonly Gen[] = [
  ...[...COMMANDS.values()].filter((spec) => !NOT_DIFFERENTIAL.has(spec.name)).map((spec) => SPECIFIC[spec.name] ?? fallback(spec.name, spec.arity)),
  SPECIFIC['multi'] ?? (() => ['MULTI']),
  (r) => r.pick([['NOSUCHCMD', k(r), v(r)], ['GET'], ['SET', k(r)], ['constructor'], ['__proto__', 'x'], ['HSET', k(r), 'f']]),
];
