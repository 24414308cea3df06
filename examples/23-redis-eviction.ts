// maxmemory and eviction (Redis 7.0 evict.c) on the keyspace: what -OOM looks like under
// noeviction, and how the approximated LRU / LFU policies compare with random eviction on a
// skewed workload (hit rate of a cache that is half the size of its working set).
//
//   npx tsx examples/23-redis-eviction.ts
import { Prng } from '@protolab/sim';
import { Keyspace, objectMemoryEstimate } from '@protolab/redis-keyspace';
import type { MaxmemoryPolicy } from '@protolab/redis-keyspace';

const value = 'v'.repeat(100);
const perKey = objectMemoryEstimate('key:0000', value, false);
console.log(`one key of the workload costs ${perKey} bytes by the documented estimate (maxmemory.ts)\n`);

// 1. noeviction: writes are refused once the estimate is above maxmemory; reads and DEL still run.
{
  const ks = new Keyspace({ now: () => 1_700_000_000_000, maxmemory: 10 * perKey, maxmemoryPolicy: 'noeviction' });
  let i = 0;
  let reply = ks.execute(['SET', `key:${String(i).padStart(4, '0')}`, value]);
  while (reply.type !== 'error') reply = ks.execute(['SET', `key:${String(++i).padStart(4, '0')}`, value]);
  console.log(`noeviction: SET number ${i + 1} → -${reply.value}`);
  const get = ks.execute(['GET', 'key:0000']);
  const del = ks.execute(['DEL', 'key:0000', 'key:0001']);
  const set = ks.execute(['SET', 'again', value]);
  console.log(`            (the check runs before each command: SET number ${i} was let in while memory was still at the limit)`);
  console.log(`            GET key:0000 → ${get.type}; DEL key:0000 key:0001 → ${del.type === 'integer' ? String(del.value) : del.type}; then SET → ${set.type === 'simple' ? set.value : set.type}\n`);
}

// 2. A cache of 500 keys' worth of memory in front of 1 000 keys, 80 % of reads on 20 % of them:
//    GET, and SET on a miss (cache-aside). The clock moves 100 ms per request (10 requests per
//    tick of the 1 s LRU clock; 600 per minute, the unit of lfu-decay-time).
function hitRate(policy: MaxmemoryPolicy, samples: number): { hits: number; evicted: number } {
  let now = 1_700_000_000_000;
  const ks = new Keyspace({ now: () => now, maxmemory: 500 * perKey, maxmemoryPolicy: policy, maxmemorySamples: samples, prng: new Prng(7) });
  const rnd = new Prng(42);
  let hits = 0;
  const requests = 20_000;
  for (let r = 0; r < requests; r++) {
    now += 100;
    const id = rnd.chance(0.8) ? rnd.int(0, 200) : rnd.int(0, 1000);
    const key = `key:${String(id).padStart(4, '0')}`;
    if (ks.execute(['GET', key]).type === 'bulk') hits++;
    else ks.execute(['SET', key, value]);
  }
  const info = ks.execute(['INFO', 'stats']);
  const text = info.type === 'bulk' ? Buffer.from(info.value).toString() : '';
  return { hits: hits / requests, evicted: Number(/evicted_keys:(\d+)/.exec(text)?.[1] ?? NaN) };
}

console.log('policy            samples  hit rate  evicted_keys');
for (const [policy, samples] of [['allkeys-random', 5], ['allkeys-lru', 1], ['allkeys-lru', 5], ['allkeys-lru', 10], ['allkeys-lfu', 5], ['allkeys-lfu', 10]] as const) {
  const r = hitRate(policy, samples);
  console.log(`${policy.padEnd(17)} ${String(samples).padStart(7)}  ${(r.hits * 100).toFixed(1).padStart(7)} %  ${String(r.evicted).padStart(12)}`);
}
console.log(`
Reading the table: every policy keeps memory at maxmemory by evicting before each command (hence
evicted_keys). Random eviction (and LRU with 1 sample, which is the same thing) ignores the skew;
LRU and LFU with 5 samples already keep the hot 20 % and miss mostly on the cold keys, which no
policy can keep in half the memory. 10 samples change little here: the pool of 16 candidates
carries over between evictions.`);
