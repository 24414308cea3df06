/**
 * Hand-forged RDB files of the shapes Redis 7.0's `rdbLoadObject` refuses or skips, with what the
 * real redis-server / redis-check-rdb 7.0.15 did with each (recorded by rdb-load.peer.test.ts,
 * which re-checks every row against the installed binaries). Each file is
 * `REDIS0010 SELECTDB 0 | "before"="x" | <the forged key "k"> | "after"="y" | EOF CRC-64`, so the
 * offsets below are absolute.
 */
import { crc64, ListpackBuilder, RdbWriter } from '@protolab/redis-rdb';
import { b } from './helpers.js';

type Body = (w: RdbWriter) => void;

const lp = (items: string[]): Uint8Array => {
  const l = new ListpackBuilder();
  for (const i of items) l.append(b(i));
  return l.finish();
};
const EMPTY_ZIPLIST = Uint8Array.from([11, 0, 0, 0, 10, 0, 0, 0, 0, 0, 0xff]);
const ZIPLIST_A = Uint8Array.from([14, 0, 0, 0, 10, 0, 0, 0, 1, 0, 0, 1, 0x61, 0xff]);
const key = (w: RdbWriter, type: number): void => {
  w.byte(type);
  w.string(b('k'));
};
const double = (w: RdbWriter, d: number): void => {
  const x = new Uint8Array(8);
  new DataView(x.buffer).setFloat64(0, d, true);
  w.raw(x);
};

/**
 * What Redis 7.0.15 does with the file: `refused` by redis-check-rdb with its message and the
 * offset it prints (`server: 'loads'` where a plain redis-server, which does not sanitise payloads
 * deeply by default, loads it anyway), or `skipped`: redis-server logs "rdbLoadObject skipping
 * empty key: k" and loads the other keys (redis-check-rdb reports such a key as "Unexpected EOF").
 */
export type RedisOutcome =
  | { refused: string; offset: number; server?: 'loads' }
  | { skipped: boolean; keys: number };

export interface ForgedCase {
  body: Body;
  redis: RedisOutcome;
  /** our code (and offset where it differs from Redis's) */
  ours: { code: string; offset: number } | { keys: number };
}

export const FORGED: ReadonlyMap<string, ForgedCase> = new Map<string, ForgedCase>([
  ['set-duplicate', { body: (w) => { key(w, 2); w.len(2); w.string(b('a')); w.string(b('a')); }, redis: { refused: 'Duplicate set members detected', offset: 29 }, ours: { code: 'DUPLICATE_MEMBER', offset: 29 } }],
  ['set-duplicate-integer', { body: (w) => { key(w, 2); w.len(2); w.string(b('1')); w.string(b('1')); }, redis: { refused: 'Duplicate set members detected', offset: 29 }, ours: { code: 'DUPLICATE_MEMBER', offset: 29 } }],
  ['set-duplicate-600', { body: (w) => { key(w, 2); w.len(600); for (let i = 0; i < 599; i++) w.string(b(`m${i}`)); w.string(b('m7')); }, redis: { refused: 'Duplicate set members detected', offset: 2914 }, ours: { code: 'DUPLICATE_MEMBER', offset: 2914 } }],
  ['hash-duplicate', { body: (w) => { key(w, 4); w.len(2); w.string(b('f')); w.string(b('1')); w.string(b('f')); w.string(b('2')); }, redis: { refused: 'Hash with dup elements', offset: 33 }, ours: { code: 'DUPLICATE_MEMBER', offset: 33 } }],
  ['hash-duplicate-600', { body: (w) => { key(w, 4); w.len(600); for (let i = 0; i < 599; i++) { w.string(b(`f${i}`)); w.string(b('v')); } w.string(b('f7')); w.string(b('v')); }, redis: { refused: 'Duplicate hash fields detected', offset: 4114 }, ours: { code: 'DUPLICATE_MEMBER', offset: 4114 } }],
  ['zset2-duplicate', { body: (w) => { key(w, 5); w.len(2); w.string(b('m')); double(w, 1); w.string(b('m')); double(w, 2); }, redis: { refused: 'Duplicate zset fields detected', offset: 45 }, ours: { code: 'DUPLICATE_MEMBER', offset: 45 } }],
  ['zset-duplicate', { body: (w) => { key(w, 3); w.len(2); w.string(b('m')); w.byte(1); w.raw(b('1')); w.string(b('m')); w.byte(1); w.raw(b('2')); }, redis: { refused: 'Duplicate zset fields detected', offset: 33 }, ours: { code: 'DUPLICATE_MEMBER', offset: 33 } }],
  ['zset2-nan', { body: (w) => { key(w, 5); w.len(1); w.string(b('m')); double(w, NaN); }, redis: { refused: 'Zset with NAN score detected', offset: 35 }, ours: { code: 'NAN_SCORE', offset: 35 } }],
  ['zset-nan', { body: (w) => { key(w, 3); w.len(1); w.string(b('m')); w.byte(253); }, redis: { refused: 'Zset with NAN score detected', offset: 28 }, ours: { code: 'NAN_SCORE', offset: 28 } }],
  ['hash-listpack-duplicate', { body: (w) => { key(w, 16); w.string(lp(['f', '1', 'f', '2'])); }, redis: { refused: 'Hash listpack integrity check failed.', offset: 42, server: 'loads' }, ours: { code: 'DUPLICATE_MEMBER', offset: 42 } }],
  ['zset-listpack-duplicate', { body: (w) => { key(w, 17); w.string(lp(['m', '1', 'm', '2'])); }, redis: { refused: 'Zset listpack integrity check failed.', offset: 42, server: 'loads' }, ours: { code: 'DUPLICATE_MEMBER', offset: 42 } }],
  ['intset-duplicate', { body: (w) => { key(w, 11); w.string(Uint8Array.from([2, 0, 0, 0, 2, 0, 0, 0, 1, 0, 1, 0])); }, redis: { refused: 'Intset integrity check failed.', offset: 37, server: 'loads' }, ours: { code: 'BAD_INTSET', offset: 34 } }],
  ['intset-empty', { body: (w) => { key(w, 11); w.string(Uint8Array.from([2, 0, 0, 0, 0, 0, 0, 0])); }, redis: { refused: 'Intset integrity check failed.', offset: 33 }, ours: { code: 'BAD_INTSET', offset: 33 } }],
  ['zipmap-empty', { body: (w) => { key(w, 9); w.string(Uint8Array.from([0, 0xff])); }, redis: { refused: 'Zipmap integrity check failed.', offset: 27 }, ours: { code: 'BAD_ZIPMAP', offset: 27 } }],
  ['set-empty', { body: (w) => { key(w, 2); w.len(0); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['list-empty', { body: (w) => { key(w, 1); w.len(0); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['hash-empty', { body: (w) => { key(w, 4); w.len(0); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['zset2-empty', { body: (w) => { key(w, 5); w.len(0); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['hash-listpack-empty', { body: (w) => { key(w, 16); w.string(lp([])); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['zset-listpack-empty', { body: (w) => { key(w, 17); w.string(lp([])); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['list-ziplist-empty', { body: (w) => { key(w, 10); w.string(EMPTY_ZIPLIST); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['zset-ziplist-empty', { body: (w) => { key(w, 12); w.string(EMPTY_ZIPLIST); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['hash-ziplist-empty', { body: (w) => { key(w, 13); w.string(EMPTY_ZIPLIST); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['quicklist-no-nodes', { body: (w) => { key(w, 14); w.len(0); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['quicklist-empty-node', { body: (w) => { key(w, 14); w.len(1); w.string(EMPTY_ZIPLIST); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['quicklist2-no-nodes', { body: (w) => { key(w, 18); w.len(0); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  ['quicklist2-empty-node', { body: (w) => { key(w, 18); w.len(1); w.len(2); w.string(lp([])); }, redis: { skipped: true, keys: 2 }, ours: { keys: 2 } }],
  // an empty node among others is dropped silently and the key loads with the rest
  ['quicklist-empty-then-a', { body: (w) => { key(w, 14); w.len(2); w.string(EMPTY_ZIPLIST); w.string(ZIPLIST_A); }, redis: { skipped: false, keys: 3 }, ours: { keys: 3 } }],
  ['quicklist2-empty-then-a', { body: (w) => { key(w, 18); w.len(2); w.len(2); w.string(lp([])); w.len(2); w.string(lp(['a'])); }, redis: { skipped: false, keys: 3 }, ours: { keys: 3 } }],
]);

/** The whole file for a forged case: before / k / after, EOF and a correct CRC-64. */
export function forgeFile(name: string): Uint8Array {
  const c = FORGED.get(name);
  if (c === undefined) throw new Error(`no forged case ${name}`);
  const w = new RdbWriter({ compression: false });
  w.raw(b('REDIS0010'));
  w.byte(0xfe);
  w.len(0);
  w.byte(0);
  w.string(b('before'));
  w.string(b('x'));
  c.body(w);
  w.byte(0);
  w.string(b('after'));
  w.string(b('y'));
  w.byte(0xff);
  const body = w.result();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  new DataView(out.buffer).setBigUint64(body.length, crc64(body), true);
  return out;
}
