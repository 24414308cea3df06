// BGREWRITEAOF: a long log of counters and pushes shrinks to one command per key (RESP base) or an RDB base
// Run alone: npx tsx examples/44-aof-rewrite.ts   (or: npm run example -- 44)
import { Keyspace } from '@protolab/redis-keyspace';
import { AppendOnlyFile, formatManifest, loadAppendOnlyFiles } from '@protolab/redis-aof';
import { SimDisk } from '@protolab/sim';

const NOW = Date.UTC(2026, 0, 1);

/** An in-memory directory: @protolab/sim's disk (its crash model is not used here). */
const memDisk = (): SimDisk => new SimDisk(() => NOW, { osFlushDelayMs: 30_000, tornWrites: false });

function sizes(d: SimDisk): string {
  return d.list().filter((f) => !f.endsWith('manifest')).map((f) => `${f.replace('appendonlydir/', '')} ${d.size(f).toLocaleString('en')} B`).join(', ');
}

for (const rdb of [false, true]) {
  const disk = memDisk();
  // The RDB codec (@protolab/redis-rdb) is the default; aof-use-rdb-preamble is yes unless told otherwise.
  const aof = new AppendOnlyFile({ disk, appendfsync: 'everysec', useRdbPreamble: rdb });
  const ks = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { aof.feed(db, argv, NOW); } });
  aof.start(ks, NOW);
  // 10 000 writes that leave little data behind: counters, an overwritten key, a capped list.
  for (let i = 0; i < 10_000; i++) {
    ks.execute(['INCR', `counter:${i % 10}`]);
    if (i % 4 === 0) ks.execute(['SET', 'status', `step ${i}`, 'EX', '3600']);
    if (i % 10 === 0) ks.execute(['RPUSH', 'recent', String(i)]);
    if (i % 1000 === 999) ks.execute(['DEL', 'recent']);
    aof.beforeSleep(NOW);
  }
  console.log(`aof-use-rdb-preamble ${rdb ? 'yes' : 'no'}`);
  console.log(`  before: ${sizes(disk)}  (${[...ks.entries()].length} keys)`);
  aof.bgrewriteaof(ks, NOW);
  ks.execute(['INCR', 'counter:0']); // a write after the rewrite goes to the new incr file
  aof.beforeSleep(NOW);
  console.log(`  after:  ${sizes(disk)}`);
  console.log(`  manifest:\n${formatManifest(aof.manifest).replace(/^/gm, '    ').trimEnd()}`);
  const reloaded = new Keyspace({ now: () => NOW });
  const r = loadAppendOnlyFiles(disk, reloaded);
  const same = JSON.stringify([...reloaded.entries()].map((e) => [e.db, Buffer.from(e.key).toString(), e.value.type, e.expireAtMs]).sort()) === JSON.stringify([...ks.entries()].map((e) => [e.db, Buffer.from(e.key).toString(), e.value.type, e.expireAtMs]).sort());
  console.log(`  reload: ${r.files.map((f) => `${f.name} (${f.format}, ${f.format === 'rdb' ? `${f.rdbKeys} keys` : `${f.commands} commands`})`).join(' + ')} → same data: ${same}\n`);
}
const base = memDisk();
const a = new AppendOnlyFile({ disk: base, appendfsync: 'always', useRdbPreamble: false });
const k = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { a.feed(db, argv, NOW); } });
a.start(k, NOW);
k.execute(['RPUSH', 'l', ...Array.from({ length: 70 }, (_, i) => String(i))]);
k.execute(['SET', 's', 'v', 'PX', '5000']);
a.beforeSleep(NOW);
a.bgrewriteaof(k, NOW);
console.log('a RESP base as rewriteAppendOnlyFileRio writes it (lists in RPUSH batches of 64, PEXPIREAT after a volatile key):');
/**
 * RESP lines shown with ' ' for each \r\n, wrapped between tokens, never inside one (`$2 46`
 * stays whole: a bulk's length and its bytes are one unit).
 */
function wrapTokens(tokens: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const t of tokens) {
    if (line !== '' && line.length + 1 + t.length > width) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? t : `${line} ${t}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}
const baseText = Buffer.from(base.read('appendonlydir/appendonly.aof.2.base.aof')).toString('latin1');
const units: string[] = [];
const lines = baseText.split('\r\n').filter((t) => t !== '');
for (let i = 0; i < lines.length; i++) {
  const t = lines[i] ?? '';
  units.push(t.startsWith('$') ? `${t} ${lines[++i] ?? ''}` : t);
}
for (const l of wrapTokens(units, 98)) console.log(`  ${l}`);
