// The quicklist node layout (redis/redis src/quicklist.c 7.0, our src/quicklist.ts) against
// redis-server 7.0.15: seeded random RPUSH / LPUSH / LINSERT / LSET / LREM / LTRIM / LPOP / RPOP
// sequences whose element sizes sit around node limits (listpack entry encodings, 4 / 8 / 16 KB,
// counts). After every command the replies must be byte-identical and the list's layout the same:
// DEBUG OBJECT's ql_nodes and ql_uncompressed_size (Σ node->sz) against our node count and byte
// total, and MEMORY USAGE … SAMPLES 0 (Σ 40 + zmalloc_size(node listpack): each node's size class).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { describePeer } from '@protolab/testkit';
import { encode, encodeCommand, type RespValue } from '@protolab/resp';
import { Keyspace } from '../src/index.js';
import { ListVal } from '../src/values.js';
import { Quicklist } from '../src/quicklist.js';
import { valAt } from '../src/server.js';
import { keyMemoryUsage } from '../src/object-size.js';
import { startRealServer, type RealServer } from './real-server.js';

/** Element lengths around listpack encoding steps and node limits (4096, 8192, 16384 …). */
const SIZES = [0, 1, 2, 12, 63, 64, 100, 500, 1000, 2000, 2040, 2700, 3000, 4000, 4080, 4090, 4100, 5000, 6000, 8000, 8170, 8180, 8190, 9000, 12000, 16380, 20000];
const INTS = ['0', '7', '-1', '127', '128', '-4096', '4095', '32767', '-32768', '8388607', '2147483647', '3000000000', '-9223372036854775808', '12345678901234567890'];

/** Uniform in [0, n). */
const rnd = (p: Prng, n: number): number => p.int(0, n);

function element(p: Prng, n: number): string {
  const r = rnd(p, 10);
  if (r < 3) return p.pick(INTS);
  if (r < 5) return p.pick(['a', 'b', 'pivot', '']);
  const len = p.pick(SIZES);
  const tag = `e${n}:`;
  return len <= tag.length ? tag.slice(0, len) : tag + 'x'.repeat(len - tag.length);
}

/** One command on `key` against the list as the keyspace holds it (pivots and values taken from it). */
function command(p: Prng, key: string, items: readonly string[], n: number): string[] {
  const len = items.length;
  const anyIndex = (): string => String(len === 0 ? rnd(p, 3) : rnd(p, 2 * len + 2) - len - 1);
  const some = (): string => (len > 0 && rnd(p, 4) > 0 ? items[rnd(p, len)] ?? 'a' : element(p, n));
  const r = rnd(p, 100);
  if (r < 22 || len === 0) return [p.pick(['RPUSH', 'LPUSH']), key, ...Array.from({ length: 1 + rnd(p, rnd(p, 4) === 0 ? 40 : 4) }, (_, i) => element(p, n * 100 + i))];
  if (r < 48) return ['LINSERT', key, p.pick(['BEFORE', 'AFTER']), some(), element(p, n)];
  if (r < 62) return ['LSET', key, anyIndex(), element(p, n)];
  if (r < 72) return ['LREM', key, String(rnd(p, 5) - 2), some()];
  if (r < 80) return ['LTRIM', key, anyIndex(), anyIndex()];
  if (r < 90) return [p.pick(['LPOP', 'RPOP']), key, ...(rnd(p, 2) === 0 ? [] : [String(1 + rnd(p, 5))])];
  return [p.pick(['LPUSH', 'RPUSH']), key, ...Array.from({ length: 30 + rnd(p, 200) }, (_, i) => p.pick(INTS.concat(['a', 'b', String(i)])))];
}

let real: RealServer;
const raw = async (argv: string[]): Promise<string> => (await real.client.raw(encodeCommand(argv.map((a) => Buffer.from(a, 'latin1'))))).toString('latin1');
const text = (v: RespValue): string => Buffer.from(encode(v)).toString('latin1');

/** DEBUG OBJECT's ql_nodes and ql_uncompressed_size on the real server, undefined when the key is gone. */
async function realLayout(key: string): Promise<{ nodes: number; bytes: number } | undefined> {
  const r = await real.call(['DEBUG', 'OBJECT', key]);
  if (r.type === 'error') return undefined;
  const s = r.type === 'simple' ? r.value : '';
  const nodes = /ql_nodes:(\d+)/.exec(s)?.[1];
  const bytes = /ql_uncompressed_size:(\d+)/.exec(s)?.[1];
  if (nodes === undefined || bytes === undefined) throw new Error(`DEBUG OBJECT ${key}: ${s}`);
  return { nodes: Number(nodes), bytes: Number(bytes) };
}

function ourList(ks: Keyspace, key: string): ListVal | undefined {
  const db = ks.core.dbs[0];
  const slot = db?.dict.get(key);
  if (db === undefined || slot === undefined) return undefined;
  const v = valAt(db, slot);
  return v instanceof ListVal ? v : undefined;
}

const counts = { commands: 0, layouts: 0, memoryUsage: 0, multiNode: 0, maxNodes: 0 };

describePeer('redis-server', 'quicklist node layout: keyspace vs redis-server 7.0.15', () => {
  beforeAll(async () => {
    real = await startRealServer();
  });
  afterAll(async () => {
    await real.stop();
  });

  async function run(seed: number, steps: number, fill: number | undefined): Promise<void> {
    const p = new Prng(seed);
    const ks = new Keyspace({ now: () => 0 });
    const key = `ql:${seed}`;
    expect(await raw(['CONFIG', 'SET', 'list-max-listpack-size', String(fill ?? -2)])).toBe('+OK\r\n');
    for (let n = 0; n < steps; n++) {
      const ours = ourList(ks, key);
      const argv = command(p, key, ours?.items ?? [], n);
      const created = ours === undefined;
      const want = await raw(argv);
      expect(text(ks.execute(argv)), `seed ${seed} fill ${fill} step ${n}: ${argv.slice(0, 3).join(' ')}`).toBe(want);
      counts.commands++;
      const list = ourList(ks, key);
      if (created && list !== undefined && fill !== undefined) {
        // the keyspace has no list-max-listpack-size: give the new list a quicklist of this fill
        // (quicklistSetOptions at creation), holding what the push just built
        const ql = new Quicklist(fill);
        for (const s of argv.slice(2)) {
          if (argv[0] === 'LPUSH') ql.pushHead(s);
          else ql.pushTail(s);
        }
        Object.defineProperty(list, 'ql', { value: ql });
      }
      const layout = await realLayout(key);
      const at = `seed ${seed} fill ${fill ?? -2} step ${n} (${argv.slice(0, 3).map((a) => a.slice(0, 12)).join(' ')})`;
      expect(list === undefined ? undefined : { nodes: list.ql.nodeCount, bytes: list.ql.bytes }, at).toEqual(layout);
      if (layout === undefined) continue;
      counts.layouts++;
      if (layout.nodes > 1) counts.multiNode++;
      counts.maxNodes = Math.max(counts.maxNodes, layout.nodes);
      const mu = await real.call(['MEMORY', 'USAGE', key, 'SAMPLES', '0']);
      expect(mu.type === 'integer' ? Number(mu.value) : mu, at).toBe(keyMemoryUsage(ks, 0, Buffer.from(key, 'latin1'), Number.POSITIVE_INFINITY));
      counts.memoryUsage++;
    }
  }

  it('list-max-listpack-size -2 (the default): 40 seeded sequences of 60 commands keep the same node count, Σ node sizes and MEMORY USAGE … SAMPLES 0 after every command', async () => {
    for (let seed = 1; seed <= 40; seed++) await run(seed, 60, undefined);
    expect(counts.multiNode).toBeGreaterThan(500);
  });

  it('every fill Redis accepts (-5 … -1, counts 1, 2, 3, 5, 16, 128, clamped -7 and 40000, 0): 6 seeded sequences of 50 commands each keep the same layout', async () => {
    for (const fill of [-1, -3, -4, -5, -7, 0, 1, 2, 3, 5, 16, 128, 40000]) {
      for (let s = 0; s < 6; s++) await run(1000 * (fill + 10) + s, 50, fill);
    }
    await raw(['CONFIG', 'SET', 'list-max-listpack-size', '-2']);
    console.log(`quicklist layout peer: ${counts.commands} commands, ${counts.layouts} layouts compared (${counts.multiNode} with several nodes, at most ${counts.maxNodes}), ${counts.memoryUsage} MEMORY USAGE SAMPLES 0 equal`);
  });
});
