import { describe, expect, it } from 'vitest';
import { flushAppendOnlyFile, initialFsyncState, type FlushInput, type FsyncState } from '../src/index.js';

const base: FlushInput = { nowSec: 100, force: false, bufLen: 10, fsyncInProgress: false, childActive: false, noFsyncOnRewrite: false };
const run = (s: FsyncState, i: Partial<FlushInput>) => flushAppendOnlyFile(s, { ...base, ...i });

describe('aof.c flushAppendOnlyFile: the appendfsync policies', () => {
  it('always: write(2) then fdatasync in the same call, every turn that has data', () => {
    const s0 = initialFsyncState('always', 100);
    const r1 = run(s0, {});
    expect(r1.action).toEqual({ write: 'write', fsync: 'sync' });
    expect(r1.state.fsyncOffset).toBe(10);
    const r2 = run(r1.state, { bufLen: 0 });
    expect(r2.action).toEqual({ write: 'none', fsync: 'none' });
  });

  it('no: write(2) only, never an fsync', () => {
    let s = initialFsyncState('no', 100);
    for (let t = 100; t < 200; t += 7) {
      const r = run(s, { nowSec: t });
      expect(r.action).toEqual({ write: 'write', fsync: 'none' });
      s = r.state;
    }
  });

  it('everysec: write now, background fsync only once server.unixtime passes aof_last_fsync', () => {
    const s0 = initialFsyncState('everysec', 100);
    const r1 = run(s0, { nowSec: 100 });
    expect(r1.action).toEqual({ write: 'write', fsync: 'none' });
    const r2 = run(r1.state, { nowSec: 101 });
    expect(r2.action).toEqual({ write: 'write', fsync: 'background' });
    expect(r2.state.fsyncOffset).toBe(20);
    expect(run(r2.state, { nowSec: 101 }).action.fsync).toBe('none');
  });

  it('everysec: an empty buffer still gets its fsync once the second changes (unsynced bytes must not wait for the next write)', () => {
    const r1 = run(initialFsyncState('everysec', 100), { nowSec: 100 });
    const r2 = run(r1.state, { nowSec: 101, bufLen: 0 });
    expect(r2.action).toEqual({ write: 'none', fsync: 'background' });
    expect(run(r2.state, { nowSec: 102, bufLen: 0 }).action).toEqual({ write: 'none', fsync: 'none' }); // nothing unsynced
  });

  it('everysec: while a background fsync runs, the write is postponed for up to 2 s, then done anyway (aof_delayed_fsync++)', () => {
    const s0 = initialFsyncState('everysec', 100);
    const r1 = run(s0, { nowSec: 100, fsyncInProgress: true });
    expect(r1.action.write).toBe('postponed');
    expect(r1.state.flushPostponedStartSec).toBe(100);
    const r2 = run(r1.state, { nowSec: 101, fsyncInProgress: true });
    expect(r2.action.write).toBe('postponed');
    const r3 = run(r2.state, { nowSec: 102, fsyncInProgress: true });
    expect(r3.action).toEqual({ write: 'write', fsync: 'none' }); // no second fsync while one runs
    expect(r3.state.delayedFsync).toBe(1);
    expect(r3.state.flushPostponedStartSec).toBe(0);
    expect(r3.state.lastFsyncSec).toBe(102); // the skipped fsync still moves aof_last_fsync
  });

  it('everysec: force (rewrite start, shutdown) writes even while an fsync runs', () => {
    const r = run(initialFsyncState('everysec', 100), { nowSec: 100, fsyncInProgress: true, force: true });
    expect(r.action.write).toBe('write');
  });

  it('no-appendfsync-on-rewrite yes: no fsync at all while a child is active', () => {
    const r = run(initialFsyncState('always', 100), { childActive: true, noFsyncOnRewrite: true });
    expect(r.action).toEqual({ write: 'write', fsync: 'none' });
  });
});
