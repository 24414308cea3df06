// Redis's costs for lists and sorted sets, counted in structure operations (quicklist node
// visits, sorted-set B+tree visits), through the command interface: no timing, so the claims hold on any
// machine. The timed side is in bench/.
import { describe, expect, it } from 'vitest';
import { clocked } from './helpers.js';
import { ListVal, ZsetVal } from '../src/values.js';
import type { Keyspace } from '../src/index.js';

function valueOf(ks: Keyspace, key: string): unknown {
  const db = ks.core.dbs[0];
  const slot = db?.dict.get(key);
  return slot === undefined ? undefined : db?.valOf[slot];
}

function listVisits(n: number, cmd: 'LPUSH' | 'RPUSH'): number {
  const { ks, run } = clocked();
  for (let i = 0; i < n; i++) run(cmd, 'l', `element:${i}`);
  const v = valueOf(ks, 'l');
  if (!(v instanceof ListVal)) throw new Error('expected a list');
  expect(v.length).toBe(n);
  return v.ql.nodeVisits;
}

function zaddVisits(n: number): number {
  const { ks, run } = clocked();
  for (let i = 0; i < n; i++) run('ZADD', 'z', String((i * 7919) % 1_000_003), `member:${i}`);
  const v = valueOf(ks, 'z');
  if (!(v instanceof ZsetVal)) throw new Error('expected a zset');
  expect(v.size).toBe(n);
  return v.zsl.visits;
}

describe('list and sorted-set costs through the commands', () => {
  it('quicklist.c quicklistPushHead: 10^5 single-element LPUSH on one key touch O(10^5) quicklist nodes (exactly one per push)', () => {
    expect(listVisits(100_000, 'LPUSH')).toBe(100_000);
  });

  it('t_list.c pushGenericCommand: the per-command cost of 10^5 single-element LPUSH / RPUSH is within 2× of that at 10^3', () => {
    for (const cmd of ['LPUSH', 'RPUSH'] as const) {
      expect(listVisits(100_000, cmd) / 100_000).toBeLessThanOrEqual((2 * listVisits(1000, cmd)) / 1000);
    }
  });

  it('t_zset.c zaddGenericCommand → zslInsert: the per-command B+tree cost (node visits + in-node search steps) of 10^5 single-member ZADD is within 2× of that at 10^3 (O(log n))', () => {
    expect(zaddVisits(100_000) / 100_000).toBeLessThanOrEqual((2 * zaddVisits(1000)) / 1000);
  });

  it('t_zset.c zrangeGenericCommand: a ZRANGE of one rank in the middle of 20 000 members visits O(log n) B+tree nodes and search steps (depth × fan-out at most), not the whole set', () => {
    const { ks, run } = clocked();
    for (let i = 0; i < 20_000; i++) run('ZADD', 'z', String(i % 977), `m${i}`);
    const v = valueOf(ks, 'z');
    if (!(v instanceof ZsetVal)) throw new Error('expected a zset');
    const before = v.zsl.visits;
    for (let i = 0; i < 1000; i++) run('ZRANGE', 'z', '10000', '10000');
    expect((v.zsl.visits - before) / 1000).toBeLessThan(100);
  });
});
