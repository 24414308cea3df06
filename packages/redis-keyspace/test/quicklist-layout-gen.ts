// Seeded random list commands whose element sizes sit around quicklist node limits (listpack entry
// encodings, 4 / 8 / 16 KB, counts), shared by quicklist-layout.peer.test.ts (against
// redis-server 7.0.15) and quicklist-layout.test.ts (against the layouts it recorded).
import { Prng } from '@protolab/sim';
import { encode } from '@protolab/resp';
import { Keyspace } from '../src/index.js';
import { ListVal } from '../src/values.js';
import { Quicklist } from '../src/quicklist.js';
import { valAt } from '../src/server.js';
import { keyMemoryUsage } from '../src/object-size.js';

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

function ourList(ks: Keyspace, key: string): ListVal | undefined {
  const db = ks.core.dbs[0];
  const slot = db?.dict.get(key);
  if (db === undefined || slot === undefined) return undefined;
  const v = valAt(db, slot);
  return v instanceof ListVal ? v : undefined;
}

/** The list's layout after a step: node count, Σ node sizes, MEMORY USAGE … SAMPLES 0; undefined once the key is gone. */
export interface Layout {
  nodes: number;
  bytes: number;
  memory: number;
}

export interface Step {
  argv: string[];
  /** Our reply, RESP2 bytes as latin1. */
  reply: string;
  layout: Layout | undefined;
}

/** The runs both tests make: [seed, fill (undefined: the default, -2), steps]. */
export const RUNS: readonly (readonly [number, number | undefined, number])[] = [
  ...Array.from({ length: 40 }, (_, i) => [i + 1, undefined, 60] as const),
  ...[-1, -3, -4, -5, -7, 0, 1, 2, 3, 5, 16, 128, 40000].flatMap((fill) => Array.from({ length: 6 }, (_, s) => [1000 * (fill + 10) + s, fill, 50] as const)),
];

/**
 * A run's steps on a fresh keyspace, key `ql:<seed>`. With a fill, each list the run creates gets a
 * quicklist of that fill holding what the creating push built (the keyspace has no
 * list-max-listpack-size; Redis applies it at creation, quicklistSetOptions).
 */
export function* layoutRun(seed: number, fill: number | undefined, steps: number): Generator<Step> {
  const p = new Prng(seed);
  const ks = new Keyspace({ now: () => 0 });
  const key = `ql:${seed}`;
  for (let n = 0; n < steps; n++) {
    const before = ourList(ks, key);
    const argv = command(p, key, before?.items ?? [], n);
    const reply = Buffer.from(encode(ks.execute(argv))).toString('latin1');
    const list = ourList(ks, key);
    if (before === undefined && list !== undefined && fill !== undefined) {
      const ql = new Quicklist(fill);
      for (const s of argv.slice(2)) {
        if (argv[0] === 'LPUSH') ql.pushHead(s);
        else ql.pushTail(s);
      }
      Object.defineProperty(list, 'ql', { value: ql });
    }
    const layout = list === undefined ? undefined : { nodes: list.ql.nodeCount, bytes: list.ql.bytes, memory: keyMemoryUsage(ks, 0, Buffer.from(key, 'latin1'), Number.POSITIVE_INFINITY) ?? -1 };
    yield { argv, reply, layout };
  }
}

/** A recorded layout line: `nodes,bytes,memory` per step, `-` when the key is gone. */
export const formatLayouts = (ls: readonly (Layout | undefined)[]): string => ls.map((l) => (l === undefined ? '-' : `${l.nodes},${l.bytes},${l.memory}`)).join(' ');
