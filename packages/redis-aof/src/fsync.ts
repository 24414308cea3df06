/**
 * The appendfsync policies as a pure state machine: aof.c flushAppendOnlyFile, called from
 * beforeSleep (force = false) before the replies of an event-loop turn are sent, and from
 * serverCron while a flush is postponed.
 *
 * - `always`: write(2) then fdatasync in the same call, before any reply goes out.
 * - `everysec`: write(2) now; start a background fsync (bio thread) when the wall-clock second
 *   (server.unixtime) has advanced past the last one. If a background fsync is still running, the
 *   write itself is postponed, for up to 2 s (`unixtime - aof_flush_postponed_start < 2`); then
 *   Redis writes anyway and counts `aof_delayed_fsync`.
 * - `no`: write(2) only; the OS flushes when it likes.
 *
 * Time is an input (`nowSec` is server.unixtime, whole seconds), nothing here does I/O.
 */
export type AppendFsync = 'always' | 'everysec' | 'no';

export interface FsyncState {
  readonly policy: AppendFsync;
  /** server.aof_last_fsync (unix seconds). */
  readonly lastFsyncSec: number;
  /** server.aof_fsync_offset: aof_current_size when the last fsync was started. */
  readonly fsyncOffset: number;
  /** server.aof_current_size: bytes written with write(2) so far. */
  readonly currentSize: number;
  /** server.aof_flush_postponed_start (0 = no write is being postponed). */
  readonly flushPostponedStartSec: number;
  /** server.aof_delayed_fsync: how often a write went ahead while an fsync was still running. */
  readonly delayedFsync: number;
}

export interface FlushInput {
  /** server.unixtime. */
  readonly nowSec: number;
  /** flushAppendOnlyFile(force): 1 on rewrite start, shutdown, appendonly no. */
  readonly force: boolean;
  /** sdslen(server.aof_buf). */
  readonly bufLen: number;
  /** aofFsyncInProgress(): a BIO_AOF_FSYNC job is pending. */
  readonly fsyncInProgress: boolean;
  /** hasActiveChildProcess() (BGSAVE or AOF rewrite running). */
  readonly childActive: boolean;
  /** no-appendfsync-on-rewrite. */
  readonly noFsyncOnRewrite: boolean;
}

/** What the caller must do, in this order: write the buffer, then fsync. */
export interface FlushAction {
  /** 'postponed': everysec kept the buffer because a background fsync is running. */
  readonly write: 'none' | 'write' | 'postponed';
  /** 'sync' = fdatasync now (always); 'background' = hand an fsync to the bio thread (everysec). */
  readonly fsync: 'none' | 'sync' | 'background';
}

export function initialFsyncState(policy: AppendFsync, nowSec: number, currentSize = 0): FsyncState {
  return { policy, lastFsyncSec: nowSec, fsyncOffset: currentSize, currentSize, flushPostponedStartSec: 0, delayedFsync: 0 };
}

/** aof.c flushAppendOnlyFile, as `step(state, input) -> { state, action }`. */
export function flushAppendOnlyFile(s: FsyncState, input: FlushInput): { state: FsyncState; action: FlushAction } {
  let state = s;
  let write: FlushAction['write'] = 'none';
  let syncInProgress = false;
  if (input.bufLen === 0) {
    // An empty buffer may still need an everysec fsync: the last writes of a burst must not wait
    // for the next write to reach the disk.
    const needs =
      state.policy === 'everysec' && state.fsyncOffset !== state.currentSize && input.nowSec > state.lastFsyncSec && !input.fsyncInProgress;
    if (!needs) return { state, action: { write: 'none', fsync: 'none' } };
  } else {
    if (state.policy === 'everysec') syncInProgress = input.fsyncInProgress;
    if (state.policy === 'everysec' && !input.force && syncInProgress) {
      if (state.flushPostponedStartSec === 0) {
        return { state: { ...state, flushPostponedStartSec: input.nowSec }, action: { write: 'postponed', fsync: 'none' } };
      } else if (input.nowSec - state.flushPostponedStartSec < 2) {
        return { state, action: { write: 'postponed', fsync: 'none' } };
      }
      // Waited 2 s: write without waiting for the fsync ("Asynchronous AOF fsync is taking too long").
      state = { ...state, delayedFsync: state.delayedFsync + 1 };
    }
    write = 'write';
    state = { ...state, flushPostponedStartSec: 0, currentSize: state.currentSize + input.bufLen };
  }
  // try_fsync:
  if (input.noFsyncOnRewrite && input.childActive) return { state, action: { write, fsync: 'none' } };
  if (state.policy === 'always') {
    return { state: { ...state, fsyncOffset: state.currentSize, lastFsyncSec: input.nowSec }, action: { write, fsync: 'sync' } };
  }
  if (state.policy === 'everysec' && input.nowSec > state.lastFsyncSec) {
    // Note: aof_last_fsync advances even when the fsync is skipped because one is running.
    if (!syncInProgress && !input.fsyncInProgress) {
      return { state: { ...state, fsyncOffset: state.currentSize, lastFsyncSec: input.nowSec }, action: { write, fsync: 'background' } };
    }
    return { state: { ...state, lastFsyncSec: input.nowSec }, action: { write, fsync: 'none' } };
  }
  return { state, action: { write, fsync: 'none' } };
}
