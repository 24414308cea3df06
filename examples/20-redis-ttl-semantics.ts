// Redis TTL semantics, command by command: what redis-server 7.0 answers and why (@protolab/redis-keyspace)
// Run alone: npx tsx examples/20-redis-ttl-semantics.ts   (or: npm run example -- 20)
import { Keyspace } from '@protolab/redis-keyspace';
import type { RespValue } from '@protolab/resp';

let now = 1_700_000_000_000; // a hand-driven clock (Unix ms)
const aof: string[] = [];
const ks = new Keyspace({
  now: () => now,
  onPropagate: (_db, argv) => aof.push(argv.map((a) => Buffer.from(a).toString()).join(' ')),
});

function show(r: RespValue): string {
  if (r.type === 'simple') return r.value;
  if (r.type === 'error') return `(error) ${r.value}`;
  if (r.type === 'integer') return `(integer) ${r.value}`;
  if (r.type === 'bulk') return `"${Buffer.from(r.value).toString()}"`;
  if (r.type === 'null') return '(nil)';
  if (r.type === 'array') return `[${r.value.map(show).join(', ')}]`;
  return r.type;
}

function step(cmd: string, why: string): void {
  const before = aof.length;
  const reply = show(ks.execute(cmd.split(' ')));
  const logged = aof.slice(before);
  console.log(`  ${cmd.padEnd(34)} → ${reply.padEnd(28)} ${why}`);
  for (const l of logged) console.log(`  ${''.padEnd(34)}   AOF: ${l}`);
}

function advance(ms: number): void {
  now += ms;
  console.log(`  … ${ms} ms later`);
}

console.log('\nA TTL is an absolute deadline (ms); TTL/PTTL are computed from it at each call.');
step('SET k v PX 1499', 'stored as PXAT now+1499');
step('PTTL k', 'deadline − now');
step('TTL k', '(1499 + 500) / 1000 = 1: rounded, not truncated');
step('SET k v PX 1700', '');
step('TTL k', '(1700 + 500) / 1000 = 2');
advance(1700);
step('PTTL k', 'now == deadline: still alive (expired means now > deadline)');
advance(1);
step('GET k', 'lazy expiry: the lookup deletes it and logs DEL');
step('TTL k', '-2: no such key');

console.log('\nWhich writes keep a TTL:');
step('SET c 10 EX 100', '');
step('INCR c', 'in-place change: TTL kept');
step('TTL c', '');
step('SET c 5', 'SET without KEEPTTL replaces the value and clears the TTL');
step('TTL c', '-1: exists, no TTL');
step('SET c 6 EX 50', '');
step('SET c 7 KEEPTTL', 'KEEPTTL keeps it');
step('TTL c', '');

console.log('\nEXPIRE conditions (a key without TTL counts as an infinite TTL):');
step('SET y 1', '');
step('EXPIRE y 100 GT', '0: infinite is never less than 100 s');
step('EXPIRE y 100 LT', '1: 100 s < infinite');
step('EXPIRE y 50 XX GT', '0: 50 s is not later than the current deadline');
step('EXPIRE y 200 XX GT', '1');
step('EXPIRE y -1 GT', '0: conditions are checked before the delete decision');
step('EXPIRE y -1', '1: a non-positive deadline deletes the key (logged as DEL)');

console.log('\nPast absolute times and bad input:');
step('SET p v EXAT 1', 'accepted: the key is born expired');
step('EXISTS p', '');
step('SET p v EX 0', '');
step('SET p v EX 10 PX 10', '');
step('EXPIRE p 9223372036854775807', 'seconds × 1000 overflows');
step('EXPIRE p 10 NX GT', '');

console.log('\nDBSIZE counts keys that expired but were not reclaimed yet:');
for (let i = 0; i < 5; i++) ks.execute(['SET', `tmp:${i}`, 'v', 'PX', '10']);
const before = ks.dbsize();
advance(11);
console.log(`  DBSIZE → ${ks.dbsize()} (was ${before}: nobody touched the 5 expired keys)`);
const r = ks.activeExpireCycle('slow');
console.log(`  activeExpireCycle(SLOW): sampled ${r.sampled}, reclaimed ${r.expired} in ${r.elapsedUs.toFixed(1)} µs (cost model)`);
console.log(`  DBSIZE → ${ks.dbsize()}`);
