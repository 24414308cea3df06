/**
 * Bad input costs linear time and ends in one of the package's own errors. The reader
 * (aof.c loadSingleAppendOnlyFile's fgets/fread loop) is counted by its operation counter; every
 * public entry point is driven with hostile bytes, paths and disk faults.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AofError, AppendOnlyFile, FaultyDisk, checkAof, loadAppendOnlyFiles, noFaults, parseManifest, readAofCommands, type ReaderWork,
} from '../src/index.js';
import { MapDisk, TinyKeyspace, runs } from './helpers.js';

/** Hostile shapes, each repeated to `n` bytes. */
const SHAPES: Record<string, string> = {
  'newlines only': '\n',
  'one long line without a newline': 'x',
  'stars without digits': '*',
  'tiny commands': '*1\r\n$1\r\na\r\n',
  'headers announcing huge bulks': '*1\r\n$999999999\r\n',
  'annotations': '#TS:1\r\n',
  'CR without LF': '\r',
  'argc 2^31 then EOF': '*2147483647\r\n',
};

function steps(bytes: Uint8Array): number {
  const work: ReaderWork = { steps: 0 };
  for (const ev of readAofCommands(bytes, 0, work)) if (ev.kind === 'eof' || ev.kind === 'short-read' || ev.kind === 'format-error') break;
  return work.steps;
}

function repeat(unit: string, n: number): Uint8Array {
  return Buffer.from(unit.repeat(Math.ceil(n / unit.length)).slice(0, n), 'latin1');
}

describe('aof.c loadSingleAppendOnlyFile reads each byte a bounded number of times', () => {
  for (const [name, unit] of Object.entries(SHAPES)) {
    it(`linear time by operation counter: ${name} (1 KiB … 256 KiB: steps ≤ 3 per byte + 2, and doubling the input at most doubles the work)`, () => {
      let prev: number | undefined;
      for (const n of [1024, 4096, 16_384, 65_536, 262_144]) {
        const s = steps(repeat(unit, n));
        expect(s).toBeLessThanOrEqual(3 * n + 2);
        if (prev !== undefined) expect(s).toBeLessThanOrEqual(4 * prev + 8); // n grew 4×
        prev = s;
      }
    });
  }

  it('property: for any bytes, the reader does at most 3 steps per byte (+2)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        expect(steps(b)).toBeLessThanOrEqual(3 * b.length + 2);
      }),
      { numRuns: runs(300) },
    );
  });
});

/** Call `f`; anything thrown must be an AofError (the package's one error class). */
function onlyAofError(f: () => unknown): string {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (e instanceof AofError) return e.code;
    throw e;
  }
}

const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 300 }),
  fc.array(fc.constantFrom('file ', 'seq ', 'type ', 'b', 'i', 'h', '..', '.', '""', '9223372036854775808', '\n', '\r\n', '*1\r\n', '$5\r\n', 'MULTI', '#TS:1\r\n', 'REDIS0010', '\0', ' '), { maxLength: 40 }).map((p) => Buffer.from(p.join(''), 'latin1')),
);

describe("only the package's error classes are thrown (AofError)", () => {
  it("property: any manifest and incr bytes, any fault of the disk, through parseManifest, loadAppendOnlyFiles, checkAof and the writer: the only exception is an AofError", () => {
    const faultArb = fc.record({
      capacity: fc.option(fc.nat({ max: 400 }), { nil: undefined }),
      failAfter: fc.option(fc.nat({ max: 200 }), { nil: undefined }),
      fsync: fc.boolean(),
      trunc: fc.boolean(),
    });
    fc.assert(
      fc.property(bytesArb, bytesArb, faultArb, fc.constantFrom('always' as const, 'everysec' as const, 'no' as const), (manifest, incr, f, policy) => {
        const inner = new MapDisk();
        inner.put('appendonlydir/appendonly.aof.manifest', manifest);
        inner.put('appendonlydir/appendonly.aof.1.incr.aof', incr);
        onlyAofError(() => parseManifest(manifest));
        onlyAofError(() => checkAof(inner, 'appendonlydir/appendonly.aof.manifest', { fix: true, answer: 'y' }));
        const disk = new FaultyDisk(inner, { ...noFaults(), capacityBytes: f.capacity === undefined ? undefined : inner.list().reduce((n, x) => n + inner.size(x), 0) + f.capacity, failAfterBytes: f.failAfter, failErrno: 'EIO', fsyncErrno: f.fsync ? 'EIO' : undefined, truncateErrno: f.trunc ? 'EIO' : undefined });
        onlyAofError(() => loadAppendOnlyFiles(disk, new TinyKeyspace()));
        const aof = new AppendOnlyFile({ disk, appendfsync: policy, useRdbPreamble: false });
        const ks = new TinyKeyspace((db, argv) => { aof.feed(db, argv, 0); });
        if (onlyAofError(() => aof.start(ks, 0)) !== 'ok') return;
        for (let i = 0; i < 5; i++) {
          ks.execute(['SET', `k${i}`, 'v'.repeat(i * 20)]);
          onlyAofError(() => aof.beforeSleep(i * 1000));
        }
        onlyAofError(() => { aof.bgrewriteaof(ks, 9000); });
        onlyAofError(() => { aof.shutdown(10_000); });
      }),
      { numRuns: runs(300) },
    );
  });
});
