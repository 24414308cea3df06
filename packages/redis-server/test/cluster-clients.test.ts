/**
 * Real cluster clients (ioredis 5.9.3 `Cluster`, node-redis 4.7.1 `createCluster`) against
 * startRedisCluster, reading and writing through a live resharding (the `reshard` adapter, which
 * talks to the nodes over sockets as redis-cli --cluster reshard does): no request may fail, and
 * every read must return the last acknowledged write of its key. The MOVED and ASK the clients
 * had to follow are counted on the nodes.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { Cluster } from 'ioredis';
import { createCluster } from 'redis';
import { keyHashSlot } from '@protolab/redis-cluster';
import { reshard, startRedisCluster } from '../src/index.js';
import type { RunningRedisCluster } from '../src/index.js';

let cluster: RunningRedisCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** Keys whose slots lie in [0, maxSlot): the first slots of node 0, the ones a reshard moves. */
function keysInFirstSlots(maxSlot: number, count: number, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const k = `${prefix}:${i}`;
    if (keyHashSlot(k) < maxSlot) out.push(k);
  }
  return out;
}

interface Workload {
  ops: number;
  stale: string[];
  failures: string[];
}

/** Writers own disjoint keys; each SETs a new version then GETs it back, until `stop()` says so. */
async function readWriteLoop(keys: readonly string[], workers: number, io: { set: (k: string, v: string) => Promise<unknown>; get: (k: string) => Promise<string | null> }, stop: () => boolean): Promise<Workload> {
  const w: Workload = { ops: 0, stale: [], failures: [] };
  const lastAcked = new Map<string, string>();
  const worker = async (mine: readonly string[]): Promise<void> => {
    let version = 0;
    while (!stop()) {
      for (const k of mine) {
        const v = `v${++version}`;
        try {
          await io.set(k, v);
          lastAcked.set(k, v);
          const got = await io.get(k);
          if (got !== lastAcked.get(k)) w.stale.push(`${k}: read ${String(got)}, last acknowledged ${String(lastAcked.get(k))}`);
          w.ops += 2;
        } catch (e) {
          w.failures.push(`${k}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(keys.filter((_k, j) => j % workers === i))));
  return w;
}

/** Keys node `i` holds in slots [0, maxSlot) (Every key ends on the new owner, none stay behind). */
function keysIn(c: RunningRedisCluster, i: number, maxSlot: number): number {
  let n = 0;
  for (let s = 0; s < maxSlot; s++) n += c.nodes[i]?.cluster.slotKeys.count(s) ?? 0;
  return n;
}

function redirectCounts(c: RunningRedisCluster): { moved: number; ask: number; other: number } {
  let moved = 0;
  let ask = 0;
  let other = 0;
  for (const n of c.nodes) {
    for (const [kind, count] of n.cluster.redirects) {
      if (kind === 'moved') moved += count;
      else if (kind === 'ask') ask += count;
      else other += count;
    }
  }
  return { moved, ask, other };
}

async function reshardWhileRunning(c: RunningRedisCluster, slots: number, io: Parameters<typeof readWriteLoop>[2]): Promise<{ w: Workload; keysMoved: number }> {
  const [a, b] = c.nodes;
  if (a === undefined || b === undefined) throw new Error('need two nodes');
  const keys = keysInFirstSlots(slots, 80, 'acct');
  // Seed so that the moved slots hold keys, and the clients start with a warm slot map.
  for (const k of keys) await io.set(k, 'v0');
  let done = false;
  const running = readWriteLoop(keys, 8, io, () => done);
  const r = await reshard({ port: a.port }, { from: a.id, to: b.id, slots, pipeline: 5 });
  // A few more rounds after the move, so every client meets the new owner.
  await new Promise((resolve) => setTimeout(resolve, 200));
  done = true;
  return { w: await running, keysMoved: r.keysMoved };
}

describe('cluster clients through a live resharding', () => {
  test('ioredis Cluster: no failed request, every read returns the last acknowledged write, MOVED and ASK followed', async () => {
    cluster = await startRedisCluster({ masters: 3, port: 0 });
    const first = cluster.nodes[0];
    if (first === undefined) throw new Error('no node');
    const io = new Cluster([{ host: '127.0.0.1', port: first.port }], { slotsRefreshTimeout: 5000 });
    try {
      const { w, keysMoved } = await reshardWhileRunning(cluster, 100, { set: (k, v) => io.set(k, v), get: (k) => io.get(k) });
      expect(w.failures).toEqual([]);
      expect(w.stale).toEqual([]);
      expect(keysMoved).toBe(80);
      expect(w.ops).toBeGreaterThan(160);
      const r = redirectCounts(cluster);
      expect(r.moved).toBeGreaterThan(0);
      expect(keysIn(cluster, 0, 100)).toBe(0);
      expect(keysIn(cluster, 1, 100)).toBe(80);
      console.log(`ioredis: ${w.ops} requests during the reshard, ${keysMoved} keys moved, MOVED followed ${r.moved}, ASK followed ${r.ask}, other redirections ${r.other}`);
    } finally {
      io.disconnect();
    }
  });

  test('node-redis createCluster: no failed request, every read returns the last acknowledged write, MOVED and ASK followed', async () => {
    cluster = await startRedisCluster({ masters: 3, port: 0 });
    const first = cluster.nodes[0];
    if (first === undefined) throw new Error('no node');
    const nr = createCluster({ rootNodes: [{ url: `redis://127.0.0.1:${first.port}` }] });
    await nr.connect();
    try {
      const { w, keysMoved } = await reshardWhileRunning(cluster, 100, { set: (k, v) => nr.set(k, v), get: (k) => nr.get(k) });
      expect(w.failures).toEqual([]);
      expect(w.stale).toEqual([]);
      expect(keysMoved).toBe(80);
      const r = redirectCounts(cluster);
      expect(r.moved).toBeGreaterThan(0);
      expect(keysIn(cluster, 0, 100)).toBe(0);
      expect(keysIn(cluster, 1, 100)).toBe(80);
      console.log(`node-redis: ${w.ops} requests during the reshard, ${keysMoved} keys moved, MOVED followed ${r.moved}, ASK followed ${r.ask}, other redirections ${r.other}`);
    } finally {
      await nr.disconnect();
    }
  });
});
