// The 7.0 AOF manifest, annotated: how it changes through a BGREWRITEAOF, its quoting, and what the loader rejects
// Run alone: npx tsx examples/45-aof-manifest.ts   (or: npm run example -- 45)
import { Keyspace } from '@protolab/redis-keyspace';
import { AofError, AppendOnlyFile, formatManifest, parseManifest, type AofManifest } from '@protolab/redis-aof';
import { SimDisk } from '@protolab/sim';

/** `fileSeq` is a bigint (a C long long); print small ones as plain numbers. */
const seqAsNumber = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v);

const NOW = Date.UTC(2026, 0, 1);

/** An in-memory directory: @protolab/sim's disk (its crash model is not used here). */
const memDisk = (): SimDisk => new SimDisk(() => NOW, { osFlushDelayMs: 30_000, tornWrites: false });

const ROLE = { b: 'BASE: the snapshot of the last rewrite (loaded first)', h: 'HISTORY: replaced, deleted after the swap, never loaded', i: 'INCR: commands since then, loaded in seq order' };

function show(title: string, am: AofManifest, disk: SimDisk): void {
  console.log(`── ${title}`);
  for (const line of formatManifest(am).trimEnd().split('\n')) {
    const t = line.at(-1) as 'b' | 'h' | 'i';
    console.log(`  ${line.padEnd(48)} # ${ROLE[t]}`);
  }
  console.log(`  files on disk: ${disk.list().join(', ')}\n`);
}

const disk = memDisk();
const aof = new AppendOnlyFile({ disk, appendfsync: 'always', useRdbPreamble: false });
const ks = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { aof.feed(db, argv, NOW); } });
aof.start(ks, NOW);
show('first start on an empty dir (aofOpenIfNeededOnServerStart): an empty base and incr 1', aof.manifest, disk);
ks.execute(['SET', 'a', '1']);
aof.beforeSleep(NOW);
const job = aof.rewriteStart(ks, NOW);
show('BGREWRITEAOF step 1 (openNewIncrAofForAppend): incr 2 is opened and persisted BEFORE the fork; new writes go there', aof.manifest, disk);
ks.execute(['SET', 'b', '2']);
aof.beforeSleep(NOW);
aof.rewriteChildWrite(job, NOW);
console.log(`── step 2, the child: writes the fork-time data to ${job.tmpFile} (in dir, not in appendonlydir), fsyncs it\n`);
aof.rewriteDone(job);
show('step 3 (backgroundRewriteDoneHandler): temp file renamed to base 2; old base and incr 1 become history', aof.manifest, disk);
aof.rewriteDeleteHistory(job);
show('step 4 (aofDelHistoryFiles): history unlinked, manifest persisted again', aof.manifest, disk);

console.log('── every manifest write is temp-appendonly.aof.manifest + fsync + rename(2): a crash sees the old or the new one, never half\n');

console.log('── names that need quoting are written with sdscatrepr and read back with sdssplitargs:');
const quoted: AofManifest = { base: { fileName: 'my aof.1.base.rdb', fileSeq: 1n, fileType: 'b' }, history: [], incr: [{ fileName: 'tab\there.1.incr.aof', fileSeq: 1n, fileType: 'i' }], currBaseFileSeq: 1n, currIncrFileSeq: 1n };
console.log(formatManifest(quoted).replace(/^/gm, '  ').trimEnd());
console.log(`  parsed back: ${JSON.stringify(parseManifest(formatManifest(quoted)).incr[0]?.fileName)}\n`);

console.log('── what aofLoadManifestFromFile (7.0.15) rejects at startup:');
for (const [why, text] of [
  ['last line without \\n', 'file a.1.base.rdb seq 1 type b'],
  ['odd number of words', 'file a seq 1 type b x\n'],
  ['a path, not a name', 'file ../a seq 1 type b\n'],
  ['"..", a directory (7.0 only fails later, reading it; we reject)', 'file .. seq 1 type b\n'],
  ['two bases', 'file a seq 1 type b\nfile b seq 2 type b\n'],
  ['incr seqs not increasing', 'file a seq 2 type i\nfile b seq 1 type i\n'],
  ['accepted: keys in any order, unknown keys, comments, atoll seq', '# hi\ntype i seq 3abc file a.3.incr.aof future yes\n'],
  ['accepted: seq is a long long, exact beyond 2^53', 'file a.incr.aof seq 9007199254740993 type i\n'],
] as const) {
  try {
    const am = parseManifest(text);
    console.log(`  ${why.padEnd(64)} → ok: ${JSON.stringify(am.incr, seqAsNumber)}`);
  } catch (e) {
    if (!(e instanceof AofError)) throw e;
    console.log(`  ${why.padEnd(64)} → ${e.code}: ${e.message.replace(/^.*: /, '')}`);
  }
}
