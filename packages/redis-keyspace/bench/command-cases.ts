/**
 * The 30 command shapes of bench/commands.ts (the most common commands), each with the keys it
 * needs pre-filled: 1 000 keys of the right type; operations cycle over those keys.
 */
import { Keyspace } from '../src/index.js';

export const KEYS = 1000;

export type Argv = (i: number) => string[];
export interface Case {
  name: string;
  /** Pre-fill: commands run once per key index. */
  fill: Argv[];
  op: Argv;
}

const k = (i: number): string => `key:${i % KEYS}`;
const str: Argv = (i) => ['SET', k(i), `value-${i}`];
const num: Argv = (i) => ['SET', k(i), String(i)];
const hash: Argv = (i) => ['HSET', k(i), 'f1', 'v1', 'f2', '2', 'f3', 'v3'];
const list: Argv = (i) => ['RPUSH', k(i), 'a', 'b', 'c', 'd', 'e'];
const set: Argv = (i) => ['SADD', k(i), 'a', 'b', 'c', '1', '2'];
const zset: Argv = (i) => ['ZADD', k(i), '1', 'a', '2', 'b', '3', 'c'];

export const CASES: Case[] = [
  { name: 'GET', fill: [str], op: (i) => ['GET', k(i)] },
  { name: 'SET', fill: [], op: (i) => ['SET', k(i), `v${i}`] },
  { name: 'SETEX', fill: [], op: (i) => ['SETEX', k(i), '100', `v${i}`] },
  { name: 'SETNX', fill: [str], op: (i) => ['SETNX', k(i), 'x'] },
  { name: 'GETSET', fill: [str], op: (i) => ['GETSET', k(i), 'x'] },
  { name: 'MGET', fill: [str], op: (i) => ['MGET', k(i), k(i + 1), k(i + 2)] },
  { name: 'MSET', fill: [], op: (i) => ['MSET', k(i), 'a', k(i + 1), 'b'] },
  { name: 'INCR', fill: [num], op: (i) => ['INCR', k(i)] },
  { name: 'INCRBY', fill: [num], op: (i) => ['INCRBY', k(i), '5'] },
  { name: 'DECR', fill: [num], op: (i) => ['DECR', k(i)] },
  { name: 'APPEND', fill: [str], op: (i) => ['APPEND', k(i), 'x'] },
  { name: 'STRLEN', fill: [str], op: (i) => ['STRLEN', k(i)] },
  { name: 'DEL', fill: [str], op: (i) => ['DEL', k(i)] },
  { name: 'EXISTS', fill: [str], op: (i) => ['EXISTS', k(i)] },
  { name: 'EXPIRE', fill: [str], op: (i) => ['EXPIRE', k(i), '100'] },
  { name: 'TTL', fill: [str, (i) => ['EXPIRE', k(i), '100']], op: (i) => ['TTL', k(i)] },
  { name: 'TYPE', fill: [str], op: (i) => ['TYPE', k(i)] },
  { name: 'HSET', fill: [], op: (i) => ['HSET', k(i), `f${i % 7}`, 'v'] },
  { name: 'HGET', fill: [hash], op: (i) => ['HGET', k(i), 'f1'] },
  { name: 'HGETALL', fill: [hash], op: (i) => ['HGETALL', k(i)] },
  { name: 'HINCRBY', fill: [hash], op: (i) => ['HINCRBY', k(i), 'f2', '1'] },
  { name: 'HMGET', fill: [hash], op: (i) => ['HMGET', k(i), 'f1', 'f3'] },
  { name: 'HDEL', fill: [hash], op: (i) => ['HDEL', k(i), 'f1'] },
  { name: 'LPUSH', fill: [], op: (i) => ['LPUSH', k(i), 'x'] },
  { name: 'RPUSH', fill: [], op: (i) => ['RPUSH', k(i), 'x'] },
  { name: 'LRANGE', fill: [list], op: (i) => ['LRANGE', k(i), '0', '-1'] },
  { name: 'SADD', fill: [], op: (i) => ['SADD', k(i), `m${i % 5}`] },
  { name: 'SISMEMBER', fill: [set], op: (i) => ['SISMEMBER', k(i), 'b'] },
  { name: 'ZADD', fill: [], op: (i) => ['ZADD', k(i), String(i % 10), `m${i % 5}`] },
  { name: 'ZRANGE', fill: [zset], op: (i) => ['ZRANGE', k(i), '0', '-1', 'WITHSCORES'] },
];

/** A keyspace holding the case's pre-filled keys. */
export function fillKeyspace(c: Case): Keyspace {
  const ks = new Keyspace({ now: () => 1_700_000_000_000 });
  for (const f of c.fill) for (let i = 0; i < KEYS; i++) ks.execute(f(i));
  return ks;
}
