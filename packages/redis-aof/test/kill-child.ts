// Child process of the kill test: a Redis-like writer with appendfsync always on real files.
// It writes, flushes (write(2) + fdatasync), and only then prints "ack <i>" to its parent, like a
// reply. Every 200 writes it runs a BGREWRITEAOF, so a kill can land anywhere in a rewrite too.
// Usage: tsx --conditions=@protolab/source kill-child.ts <dir> <seed>
import { Keyspace } from '@protolab/redis-keyspace';
import { AppendOnlyFile, FsDisk, rdbCodec } from '@protolab/redis-aof';

const dir = process.argv[2]!;
const seed = Number(process.argv[3] ?? '1');
const disk = new FsDisk(dir);
const aof = new AppendOnlyFile({ disk, appendfsync: 'always', useRdbPreamble: seed % 2 === 0, rdb: rdbCodec });
const ks = new Keyspace({ now: () => Date.now(), onPropagate: (db, argv) => { aof.feed(db, argv, Date.now()); } });
aof.start(ks, Date.now());
let i = 0;
process.stdout.write('ready\n');
let n = 0;
for (;;) {
  const id = `${seed}-${i}`;
  if (n % 7 === 3) {
    ks.execute(['MULTI']);
    ks.execute(['SET', `k:${id}`, `v:${id}`]);
    ks.execute(['RPUSH', 'log', id]);
    ks.execute(['EXEC']);
  } else {
    ks.execute(['SET', `k:${id}`, `v:${id}`]);
  }
  aof.beforeSleep(Date.now());
  process.stdout.write(`ack ${id}\n`);
  i++;
  n++;
  if (n % 200 === 0) aof.bgrewriteaof(ks, Date.now());
}
