// The Redis 7.0 command table and what a few commands really do — reply and AOF line each
// (@protolab/redis-keyspace). Run: npx tsx examples/22-redis-command-table.ts
import { Keyspace } from '@protolab/redis-keyspace';
import type { RespValue } from '@protolab/resp';

const aof: string[] = [];
const ks = new Keyspace({
  now: () => 1_700_000_000_000,
  onPropagate: (db, argv) => aof.push(`db${db}: ${argv.map((a) => Buffer.from(a).toString()).join(' ')}`),
});

function show(r: RespValue): string {
  if (r.type === 'simple') return r.value;
  if (r.type === 'error') return `(error) ${r.value}`;
  if (r.type === 'integer') return `(integer) ${r.value}`;
  if (r.type === 'bulk') return JSON.stringify(Buffer.from(r.value).toString('latin1'));
  if (r.type === 'null') return '(nil)';
  if (r.type === 'array') return `[${r.value.map(show).join(', ')}]`;
  return r.type;
}

function step(argv: string[], why: string): void {
  const before = aof.length;
  console.log(`  ${argv.join(' ').padEnd(44)} → ${show(ks.execute(argv))}`);
  if (why !== '') console.log(`  ${''.padEnd(44)}   ${why}`);
  for (const l of aof.slice(before)) console.log(`  ${''.padEnd(44)}   AOF ${l}`);
}

console.log('\nThe table is a Map keyed by lower-case name (commands.def): a JS property name is not a command.');
step(['COMMAND', 'COUNT'], 'how many commands this keyspace implements');
step(['COMMAND', 'GETKEYS', 'SORT', 'src', 'BY', 'w_*', 'STORE', 'dst'], "the key positions (sort.c's getkeys proc)");
step(['constructor'], "server.c lookupCommand misses: Redis's own error, not a JS TypeError");
step(['OBJECT', 'nope', 'k'], 'a container checks its subcommand before running or queueing');

console.log('\nINCRBYFLOAT adds in x87 long double and prints %.17Lf (util.c ld2string):');
step(['SET', 'price', '10.5'], '');
step(['INCRBYFLOAT', 'price', '0.1'], 'a JS double would give 10.59999999999999964');
step(['OBJECT', 'ENCODING', 'price'], 'stored as text, never int-encoded');

console.log('\nStrings grow in place (sds): APPEND and SETRANGE cost O(1) per byte added.');
step(['SETRANGE', 'buf', '3', 'abc'], 'a missing key is created; the gap is zero bytes');
step(['APPEND', 'buf', '!'], '');
step(['OBJECT', 'ENCODING', 'buf'], 'raw from now on (dbUnshareStringValue)');

console.log("\nGETSET and GETEX are rewritten for the AOF, so replaying it does not depend on the clock:");
step(['SET', 's', 'v', 'EX', '100'], 'relative TTL → absolute PXAT');
step(['GETEX', 's', 'EX', '50'], 'GETEX … EX → PEXPIREAT');
step(['GETSET', 's', 'w'], 'GETSET drops the TTL; written as SET');

console.log('\nSCAN: the reverse-binary cursor over the dict (dict.c dictScan) — every key comes back once.');
for (let i = 0; i < 6; i++) ks.execute(['SET', `user:${i}`, String(i)]);
let cursor = '0';
do {
  const r = ks.execute(['SCAN', cursor, 'MATCH', 'user:*', 'COUNT', '2']);
  if (r.type !== 'array') break;
  const [next, keys] = r.value;
  console.log(`  SCAN ${cursor.padEnd(20)} → next ${next ? show(next) : '?'}, ${keys ? show(keys) : ''}`);
  cursor = next?.type === 'bulk' ? Buffer.from(next.value).toString() : '0';
} while (cursor !== '0');

console.log('\nSORT with BY and GET patterns (sort.c lookupKeyByPattern):');
ks.execute(['RPUSH', 'ids', '3', '1', '2']);
for (const [id, w] of [['1', '30'], ['2', '10'], ['3', '20']] as const) ks.execute(['SET', `w_${id}`, w]);
step(['SORT', 'ids', 'BY', 'w_*', 'GET', '#', 'GET', 'w_*'], 'ids ordered by their weights');
step(['SORT', 'ids', 'STORE', 'sorted'], 'STORE is a write: propagated as it is');
