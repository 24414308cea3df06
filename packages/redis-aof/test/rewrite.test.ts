/**
 * BGREWRITEAOF (aof.c rewriteAppendOnlyFileBackground / backgroundRewriteDoneHandler) with
 * @protolab/redis-keyspace: the new BASE plus the INCR opened at fork time hold exactly the
 * history, and a crash at any step of the rewrite loses nothing acknowledged.
 */
import fc from 'fast-check';
import { Keyspace } from '@protolab/redis-keyspace';
import { Prng, SimDisk } from '@protolab/sim';
import { describe, expect, it } from 'vitest';
import { AppendOnlyFile, formatDouble17g, formatManifest, loadAppendOnlyFiles, rdbCodec, type AofDisk } from '../src/index.js';
import { canon } from './canon.js';
import { MapDisk } from './helpers.js';
import { request, send, type Request } from './workload.js';

const NOW = 1_700_000_000_000;

function server(disk: AofDisk, rdb: boolean, policy: 'always' | 'everysec' | 'no' = 'always', Impl = AppendOnlyFile) {
  const aof = new Impl({ disk, appendfsync: policy, useRdbPreamble: rdb, rdb: rdbCodec });
  const ks = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { aof.feed(db, argv, NOW); } });
  aof.start(ks, NOW);
  return { aof, ks };
}

function loadInto(disk: AofDisk): string[] {
  const ks = new Keyspace({ now: () => NOW });
  loadAppendOnlyFiles(disk, ks, { rdb: rdbCodec });
  return canon(ks.entries());
}

describe('rewrite.c-style RESP base: rio.c rioWriteBulkDouble is %.17g in 7.0', () => {
  it('formats like printf("%.17g")', () => {
    expect(formatDouble17g(1.5)).toBe('1.5');
    expect(formatDouble17g(0.1)).toBe('0.10000000000000001');
    expect(formatDouble17g(1e21)).toBe('1e+21');
    expect(formatDouble17g(0.00001)).toBe('1.0000000000000001e-05');
    expect(formatDouble17g(123456789012345680)).toBe('1.2345678901234568e+17');
    expect(formatDouble17g(-Infinity)).toBe('-inf');
    expect(formatDouble17g(3)).toBe('3');
  });
});

describe('aof.c BGREWRITEAOF: base + incr after a rewrite == the full old log', () => {
  for (const rdb of [false, true]) {
    it(`${rdb ? 'RDB-preamble' : 'RESP'} base: for any history with rewrites anywhere, loading the directory gives the live keyspace, the same as a log never rewritten`, () => {
      fc.assert(
        fc.property(fc.array(fc.oneof({ weight: 8, arbitrary: request }, { weight: 1, arbitrary: fc.constant('rewrite' as const) }), { maxLength: 40 }), (script) => {
          const rewritten = new MapDisk();
          const plain = new MapDisk();
          const a = server(rewritten, rdb);
          const b = server(plain, rdb);
          let rewrites = 0;
          for (const step of script) {
            if (step === 'rewrite') {
              a.aof.bgrewriteaof(a.ks, NOW);
              rewrites++;
              continue;
            }
            send(a.ks, step);
            a.aof.beforeSleep(NOW);
            send(b.ks, step);
            b.aof.beforeSleep(NOW);
          }
          const live = canon(a.ks.entries());
          expect(loadInto(rewritten)).toEqual(live);
          expect(loadInto(plain)).toEqual(live);
          // After a rewrite the directory holds one base and one incr, history deleted.
          if (rewrites > 0) {
            const files = rewritten.list().filter((f) => f.startsWith('appendonlydir/'));
            expect(files).toEqual([`appendonlydir/appendonly.aof.${rewrites + 1}.base.${rdb ? 'rdb' : 'aof'}`, `appendonlydir/appendonly.aof.${rewrites + 1}.incr.aof`, 'appendonlydir/appendonly.aof.manifest']);
          }
        }),
        { numRuns: 40 },
      );
    });
  }

  it('the manifest after one rewrite is "2.base" + "2.incr" (as captured from 7.0.15: aof-rdb-preamble/after-rewrite)', () => {
    const d = new MapDisk();
    const a = server(d, true);
    a.ks.execute(['SET', 'a', '1']);
    a.aof.beforeSleep(NOW);
    a.aof.bgrewriteaof(a.ks, NOW);
    expect(d.text('appendonlydir/appendonly.aof.manifest')).toBe('file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
  });

  it('during the rewrite the manifest lists the old base, the old incr and the new incr; after the swap, the old ones as history', () => {
    const d = new MapDisk();
    const a = server(d, false);
    const job = a.aof.rewriteStart(a.ks, NOW);
    expect(d.text('appendonlydir/appendonly.aof.manifest')).toBe(
      'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    a.aof.rewriteChildWrite(job, NOW);
    expect(d.exists(`temp-rewriteaof-bg-${job.childPid}.aof`)).toBe(true);
    a.aof.rewriteDone(job);
    expect(formatManifest(a.aof.manifest)).toBe(
      'file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.1.base.aof seq 1 type h\nfile appendonly.aof.2.incr.aof seq 2 type i\n',
    );
    a.aof.rewriteDeleteHistory(job);
    expect(d.text('appendonlydir/appendonly.aof.manifest')).toBe('file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n');
  });
});

/** Planted bug: the done-handler also retires the incr file that received the writes made after the fork. */
class RetiresCurrentIncr extends AppendOnlyFile {
  override rewriteDone(job: Parameters<AppendOnlyFile['rewriteDone']>[0]): void {
    const am = this.manifest;
    const seq = am.currIncrFileSeq + 1n;
    // pretend the current incr was rewritten too, and open yet another one
    this.manifest = { ...am, incr: [...am.incr, { fileName: `appendonly.aof.${seq}.incr.aof`, fileSeq: seq, fileType: 'i' }], currIncrFileSeq: seq };
    this.disk.create(this.path(`appendonly.aof.${seq}.incr.aof`));
    super.rewriteDone(job);
  }
}

type Step = { kind: 'write'; r: Request } | { kind: 'start' } | { kind: 'child' } | { kind: 'done' } | { kind: 'delete' };

function crashDuringRewrite(steps: Step[], crashAfter: number, seed: number, rdb: boolean, Impl = AppendOnlyFile): { expected: string[]; recovered: string[] } {
  const disk = new SimDisk(() => NOW, { osFlushDelayMs: 30_000, tornWrites: true });
  const a = server(disk, rdb, 'always', Impl);
  const model = new Keyspace({ now: () => NOW });
  let job: ReturnType<AppendOnlyFile['rewriteStart']> | undefined;
  for (const s of steps.slice(0, crashAfter)) {
    if (s.kind === 'write') {
      send(a.ks, s.r);
      a.aof.beforeSleep(NOW); // write + fdatasync, then the reply: acknowledged
      send(model, s.r);
    } else if (s.kind === 'start') job = a.aof.rewriteStart(a.ks, NOW);
    else if (s.kind === 'child') a.aof.rewriteChildWrite(job!, NOW);
    else if (s.kind === 'done') a.aof.rewriteDone(job!);
    else a.aof.rewriteDeleteHistory(job!);
  }
  disk.crash(new Prng(seed));
  const b = server(disk, rdb);
  return { expected: canon(model.entries()), recovered: canon(b.ks.entries()) };
}

const rewriteScript = fc
  .tuple(fc.array(request, { maxLength: 6 }), fc.array(request, { maxLength: 4 }), fc.array(request, { maxLength: 4 }), fc.array(request, { maxLength: 4 }), fc.array(request, { maxLength: 4 }))
  .map(([w0, w1, w2, w3, w4]): Step[] => [
    ...w0.map((r) => ({ kind: 'write' as const, r })),
    { kind: 'start' },
    ...w1.map((r) => ({ kind: 'write' as const, r })),
    { kind: 'child' },
    ...w2.map((r) => ({ kind: 'write' as const, r })),
    { kind: 'done' },
    ...w3.map((r) => ({ kind: 'write' as const, r })),
    { kind: 'delete' },
    ...w4.map((r) => ({ kind: 'write' as const, r })),
  ]);

describe('a crash at any step of BGREWRITEAOF loses nothing acknowledged (appendfsync always, SimDisk with torn writes)', () => {
  for (const rdb of [false, true]) {
    it(`${rdb ? 'RDB' : 'RESP'} base: crash after any prefix of the steps`, () => {
      fc.assert(
        fc.property(rewriteScript, fc.nat(), fc.integer(), (steps, n, seed) => {
          const r = crashDuringRewrite(steps, n % (steps.length + 1), seed, rdb);
          expect(r.recovered).toEqual(r.expected);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('planted bug: a done-handler that retires the incr file written after the fork is caught', () => {
    const out = fc.check(
      fc.property(rewriteScript, fc.nat(), fc.integer(), (steps, n, seed) => {
        const r = crashDuringRewrite(steps, n % (steps.length + 1), seed, false, RetiresCurrentIncr);
        expect(r.recovered).toEqual(r.expected);
      }),
      { numRuns: 300, seed: 7 },
    );
    expect(out.failed).toBe(true);
  });
});
