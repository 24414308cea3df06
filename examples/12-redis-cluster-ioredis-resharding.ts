// An ioredis Cluster client reads and writes through a live resharding of three protolab-redis nodes
// Run alone: npx tsx examples/12-redis-cluster-ioredis-resharding.ts   (or: npm run example -- 12)
//
// startRedisCluster starts three cluster-enabled masters in this process (real sockets, free
// ports, slots 0-5460 / 5461-10922 / 10923-16383 as `redis-cli --cluster create` gives them).
// A real ioredis `Cluster` client keeps writing and reading keys whose slots are being moved by
// `reshard` (the steps of `redis-cli --cluster reshard`: SETSLOT IMPORTING / MIGRATING,
// GETKEYSINSLOT + MIGRATE, SETSLOT NODE). Each MOVED and ASK a node answered, which ioredis then
// followed, is printed as the node sent it. The run fails if a request fails or a read does not
// return the last acknowledged write.
import { Cluster } from 'ioredis';
import { keyHashSlot } from '@protolab/redis-cluster';
import { reshard, startRedisCluster } from '@protolab/redis-server';

const cluster = await startRedisCluster({ masters: 3, port: 0 });
const [a, b] = cluster.nodes;
if (a === undefined || b === undefined) throw new Error('expected three nodes');
const short = (id: string): string => id.slice(0, 8);
for (const n of cluster.nodes) console.log(`node ${short(n.id)} on 127.0.0.1:${n.port}  slots ${n.cluster.rangesOf(n.id).map(([x, y]) => `${x}-${y}`).join(',')}`);

// Every MOVED / ASK, printed by the node that answered it.
const counts = new Map<string, number>();
for (const n of cluster.nodes) {
  n.cluster.onRedirect = (e) => {
    const kind = e.text.split(' ')[0] ?? '?';
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    const follow = kind === 'ASK' ? 'ioredis sends ASKING, then the command, to that node (its slot map unchanged)' : 'ioredis updates its slot map and retries there';
    console.log(`  :${n.port} -${e.text}   to ${e.argv.join(' ')}   → ${follow}`);
  };
}

// Twelve keys in slots 0..29, the first slots of node A: the ones the reshard moves to node B.
const keys: string[] = [];
for (let i = 0; keys.length < 12; i++) if (keyHashSlot(`acct:${i}`) < 30) keys.push(`acct:${i}`);
const io = new Cluster([{ host: '127.0.0.1', port: a.port }]);
for (const k of keys) await io.set(k, '0');
console.log(`\n${keys.length} keys written; moving slots 0-29 from ${short(a.id)} to ${short(b.id)} while the client keeps going:\n`);

const run = { stop: false };
let ops = 0;
const problems: string[] = [];
const lastAcked = new Map<string, string>();
const workload = (async () => {
  let version = 0;
  while (!run.stop) {
    for (const k of keys) {
      const v = String(++version);
      try {
        await io.set(k, v);
        lastAcked.set(k, v);
        const got = await io.get(k);
        if (got !== v) problems.push(`${k}: read ${String(got)} after writing ${v}`);
        ops += 2;
      } catch (e) {
        problems.push(`${k}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
})();

const result = await reshard({ port: a.port }, {
  from: a.id,
  to: b.id,
  slots: 30,
  pipeline: 4,
  onMove: (d) => {
    if (d.keysMoved > 0) console.log(`  reshard: slot ${d.slot} now on ${short(d.to)} (${d.keysMoved} key${d.keysMoved === 1 ? '' : 's'} migrated)`);
  },
});
await new Promise((resolve) => setTimeout(resolve, 150));
run.stop = true;
await workload;

for (const k of keys) if ((await io.get(k)) !== lastAcked.get(k)) problems.push(`${k}: final read differs from the last acknowledged write`);
console.log(`\n${result.moved.length} slots and ${result.keysMoved} keys moved; ${ops} requests served during the reshard`);
console.log(`redirections followed: MOVED ${counts.get('MOVED') ?? 0}, ASK ${counts.get('ASK') ?? 0}; failed requests or stale reads: ${problems.length}`);
io.disconnect();
await cluster.close();
if (problems.length > 0) {
  console.error(problems.slice(0, 10).join('\n'));
  process.exit(1);
}
