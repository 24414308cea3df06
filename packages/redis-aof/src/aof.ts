/**
 * The AOF of one Redis server: aof.c's state (`aof_buf`, `aof_fd`, `aof_manifest`,
 * `aof_selected_db`, the fsync bookkeeping) and its operations, over an injected {@link AofDisk}.
 * No clock, no threads, no fs here: the caller passes the time and runs the background fsync
 * (`bio`) itself, so the same code runs in `@protolab/sim` and on real files.
 *
 * An event-loop turn, as in Redis:
 *   keyspace.execute(...) → onPropagate → aof.feed(db, argv)      (feedAppendOnlyFile)
 *   aof.beforeSleep(nowMs)                                       (flushAppendOnlyFile(0))
 *   … only now are the replies of the turn sent (acknowledged).
 */
import { type AofDisk, aofPath, writtenBytes } from './disk.js';
import { AofError } from './errors.js';
import { type Bio, type FlushResult, immediateBio, strerror } from './bio.js';
import { AofWriteState } from './aof-write.js';
import { AofFeeder, toBytes } from './feed.js';
import { type AppendFsync, type FsyncState, flushAppendOnlyFile, initialFsyncState } from './fsync.js';
import type { EntrySource, KeyspaceLike } from './keyspace-types.js';
import { type LoadReport, loadAppendOnlyFiles, loadManifestFromDisk, persistManifest } from './load.js';
import { EMPTY_MANIFEST, nextFileSeq, type AofInfo, type AofManifest } from './manifest.js';
import { DEFAULT_APPENDDIRNAME, DEFAULT_APPENDFILENAME, baseFileName, incrFileName, rewriteTempFileName } from './names.js';
import type { RdbCodec } from './rdb-bridge.js';
import { rdbCodec } from './rdb-codec.js';
import { rewriteAppendOnlyFileRio } from './rewrite.js';

export interface AofOptions {
  readonly disk: AofDisk;
  /** appendfsync (default everysec). */
  readonly appendfsync?: AppendFsync;
  readonly aofFilename?: string;
  readonly aofDirname?: string;
  /** aof-use-rdb-preamble (default yes, as in Redis 7.0). */
  readonly useRdbPreamble?: boolean;
  /** The RDB codec of RDB-preamble BASE files (default: `rdbCodec`, `@protolab/redis-rdb`). */
  readonly rdb?: RdbCodec;
  /** aof-timestamp-enabled (default no). */
  readonly timestampEnabled?: boolean;
  /** no-appendfsync-on-rewrite (default no). */
  readonly noAppendfsyncOnRewrite?: boolean;
  /** aof-load-truncated (default yes). */
  readonly aofLoadTruncated?: boolean;
  readonly multiTruncation?: 'protolab' | 'redis-7.0.15';
  readonly bio?: Bio;
}

/** One BGREWRITEAOF in flight; each step is a separate call so a test can crash between them. */
export interface RewriteJob {
  readonly childPid: number;
  readonly snapshot: EntrySource;
  /** The temp file the child writes, in `dir` (not in appenddirname), as aof.c does. */
  readonly tmpFile: string;
  state: 'forked' | 'written' | 'swapped' | 'done' | 'failed';
}

export class AppendOnlyFile {
  readonly disk: AofDisk;
  readonly policy: AppendFsync;
  readonly aofFilename: string;
  readonly aofDirname: string;
  readonly useRdbPreamble: boolean;
  private readonly rdb: RdbCodec;
  private readonly opts: AofOptions;
  private readonly bio: Bio;
  private readonly feeder: AofFeeder;
  /** server.aof_manifest. */
  manifest: AofManifest = EMPTY_MANIFEST;
  /** The incr file `aof_fd` points at (undefined: AOF not open). */
  currentIncr: string | undefined;
  fsyncState: FsyncState;
  /** server.loading: feeds are ignored while the AOF itself is being replayed. */
  loading = false;
  rewriting: RewriteJob | undefined;
  private nextPid = 1000;
  /** aof_last_write_status, aof_last_incr_size and the rest of the write-error state. */
  readonly writeState: AofWriteState;

  constructor(opts: AofOptions) {
    this.opts = opts;
    this.disk = opts.disk;
    this.policy = opts.appendfsync ?? 'everysec';
    this.aofFilename = opts.aofFilename ?? DEFAULT_APPENDFILENAME;
    this.aofDirname = opts.aofDirname ?? DEFAULT_APPENDDIRNAME;
    this.useRdbPreamble = opts.useRdbPreamble ?? true;
    this.rdb = opts.rdb ?? rdbCodec;
    this.bio = opts.bio ?? immediateBio(opts.disk);
    this.feeder = new AofFeeder(opts.timestampEnabled ?? false);
    this.writeState = new AofWriteState(this.disk, this.policy, this.feeder);
    this.fsyncState = initialFsyncState(this.policy, 0);
  }

  path(name: string): string {
    return aofPath(this.aofDirname, name);
  }

  /**
   * Server start with `appendonly yes`: loadDataFromDisk (loadAppendOnlyFiles) then
   * aofOpenIfNeededOnServerStart (a BASE for an empty start, the last INCR opened for append,
   * the manifest persisted).
   */
  start(ks: KeyspaceLike, nowMs: number): LoadReport {
    this.loading = true;
    let report: LoadReport;
    try {
      report = loadAppendOnlyFiles(this.disk, ks, {
        aofFilename: this.aofFilename,
        aofDirname: this.aofDirname,
        aofLoadTruncated: this.opts.aofLoadTruncated ?? true,
        multiTruncation: this.opts.multiTruncation ?? 'protolab',
        rdb: this.rdb,
      });
    } finally {
      this.loading = false;
    }
    this.manifest = report.manifest;
    let am = this.manifest;
    let dirty = false;
    if (am.base === undefined && am.incr.length === 0) {
      // "Creating AOF base file … on server start": rewriteAppendOnlyFile of the (empty) dataset.
      const seq = nextFileSeq(am.currBaseFileSeq, 'base');
      const name = baseFileName(this.aofFilename, seq, this.useRdbPreamble);
      const tmp = `temp-rewriteaof-${this.nextPid++}.aof`;
      this.writeBaseFile(tmp, ks.fork(), nowMs);
      this.disk.rename(tmp, this.path(name));
      am = { ...am, base: { fileName: name, fileSeq: seq, fileType: 'b' }, currBaseFileSeq: seq };
      dirty = true;
    }
    let last = am.incr[am.incr.length - 1];
    if (last === undefined) {
      const seq = nextFileSeq(am.currIncrFileSeq, 'incr');
      last = { fileName: incrFileName(this.aofFilename, seq), fileSeq: seq, fileType: 'i' };
      am = { ...am, incr: [...am.incr, last], currIncrFileSeq: seq };
      dirty = true;
    }
    this.disk.create(this.path(last.fileName));
    if (dirty) persistManifest(this.disk, this.aofDirname, this.aofFilename, am);
    this.manifest = am;
    this.currentIncr = this.path(last.fileName);
    this.writeState.lastIncrSize = this.disk.size(this.currentIncr);
    const size = this.totalSize();
    this.fsyncState = initialFsyncState(this.policy, Math.floor(nowMs / 1000), size);
    this.feeder.selectedDb = -1;
    return report;
  }

  private totalSize(): number {
    let n = 0;
    const files = [...(this.manifest.base ? [this.manifest.base] : []), ...this.manifest.incr];
    for (const f of files) if (this.disk.exists(this.path(f.fileName))) n += this.disk.size(this.path(f.fileName));
    return n;
  }

  /** feedAppendOnlyFile: what the keyspace's onPropagate should call. */
  feed(db: number, argv: readonly (string | Uint8Array)[], nowMs: number): void {
    if (this.loading || this.currentIncr === undefined) return;
    this.feeder.feed(db, argv.map(toBytes), Math.floor(nowMs / 1000));
  }

  /** Bytes waiting in aof_buf. */
  get pendingBytes(): number {
    return this.feeder.bufLen;
  }

  /**
   * flushAppendOnlyFile(force). beforeSleep calls it with force = false every event-loop turn.
   * A failed or short write(2) is handled as Redis 7.0 does: the partial bytes are truncated
   * away (ftruncate to aof_last_incr_size), aof_buf is kept for the next try, and
   * aof_last_write_status becomes err until a write succeeds. Redis then exits under `always`;
   * here the replies of the turn are held instead (`repliesHeld()`), and retried writes release
   * them, which keeps the same promise: no reply before its write is on disk.
   */
  flush(nowMs: number, force = false): FlushResult {
    const incr = this.currentIncr;
    if (incr === undefined) return { write: 'none', fsync: 'none' };
    const ws = this.writeState;
    if (ws.fsyncOwed !== undefined && !ws.syncNow(incr)) return { write: 'none', fsync: 'sync', error: ws.fsyncOwed };
    const before = this.fsyncState;
    const { state, action } = flushAppendOnlyFile(before, {
      nowSec: Math.floor(nowMs / 1000),
      force,
      bufLen: this.feeder.bufLen,
      fsyncInProgress: this.bio.pending(),
      childActive: this.rewriting !== undefined,
      noFsyncOnRewrite: this.opts.noAppendfsyncOnRewrite ?? false,
    });
    if (action.write === 'write') {
      const w = ws.writeBuffer(incr);
      if (w.error !== undefined) {
        // Redis returns before try_fsync; aof_current_size counts only bytes that stayed.
        this.fsyncState = { ...before, flushPostponedStartSec: 0, delayedFsync: state.delayedFsync, currentSize: before.currentSize + w.kept };
        return { write: 'error', fsync: 'none', error: w.error };
      }
    }
    this.fsyncState = state;
    if (action.fsync === 'sync' && !ws.syncNow(incr)) return { write: action.write, fsync: 'sync', ...(ws.fsyncOwed ? { error: ws.fsyncOwed } : {}) };
    if (action.fsync === 'background') this.bio.fsync(incr);
    return action;
  }

  /**
   * server.c writeCommandsDeniedByDiskError for the AOF: while the last write or background
   * fsync failed, write commands get this error (without the leading '-'); undefined when writes
   * are accepted.
   */
  writeDeniedError(): string | undefined {
    const bioErr = this.bio.lastError?.();
    const ws = this.writeState;
    let errno: string | undefined;
    if (ws.lastWriteStatus === 'err') errno = ws.lastWriteErrno;
    else if (ws.fsyncOwed !== undefined) errno = ws.fsyncOwed.errno;
    else if (bioErr !== undefined) errno = bioErr.errno;
    else return undefined;
    return `MISCONF Errors writing to the AOF file: ${strerror(errno)}`;
  }

  /**
   * `always` only: the replies of the turn whose write or fdatasync failed must wait (Redis exits
   * instead of sending them). Retry with `flush` (serverCron does, once a second).
   */
  repliesHeld(): boolean {
    return this.policy === 'always' && (this.writeState.lastWriteStatus === 'err' || this.writeState.fsyncOwed !== undefined);
  }

  /** INFO persistence, the AOF error fields. */
  infoPersistence(): { aof_last_write_status: 'ok' | 'err'; aof_delayed_fsync: number } {
    return { aof_last_write_status: this.writeDeniedError() !== undefined ? 'err' : 'ok', aof_delayed_fsync: this.fsyncState.delayedFsync };
  }

  /** beforeSleep: flush before the replies of this turn go out. */
  beforeSleep(nowMs: number): FlushResult {
    return this.flush(nowMs, false);
  }

  /**
   * SHUTDOWN / appendonly no: flushAppendOnlyFile(1) then a synchronous fsync. If aof_buf cannot
   * be written, the AOF stays open and this throws `AOF_WRITE_ERROR` (Redis refuses to shut down:
   * "Error trying to flush the AOF … Refusing to shut down").
   */
  shutdown(nowMs: number): void {
    const r = this.flush(nowMs, true);
    if (r.error !== undefined) throw r.error;
    if (this.currentIncr !== undefined) this.disk.fsync(this.currentIncr);
    this.currentIncr = undefined;
  }

  /** The child's write of a BASE: the whole file, checked (a short write fails the rewrite), fsynced. */
  private writeBaseFile(file: string, snapshot: EntrySource, nowMs: number): void {
    const bytes = this.useRdbPreamble
      ? this.rdb.encode(snapshot.entries(), Math.floor(nowMs / 1000))
      : rewriteAppendOnlyFileRio(snapshot.entries(), this.opts.timestampEnabled === true ? { timestampSec: Math.floor(nowMs / 1000) } : {});
    if (this.disk.exists(file)) this.disk.remove(file);
    try {
      this.disk.create(file);
      const n = bytes.length > 0 ? writtenBytes(this.disk.write(file, bytes), bytes.length) : 0;
      if (n !== bytes.length) throw new AofError('AOF_IO', `Write error writing append only file on disk: short write to ${file} (${n} of ${bytes.length} bytes)`, { file, errno: 'ENOSPC' });
      this.disk.fsync(file);
    } catch (e) {
      if (this.disk.exists(file)) this.disk.remove(file);
      throw e;
    }
  }

  /**
   * BGREWRITEAOF, step 1 (rewriteAppendOnlyFileBackground): flush aof_buf, open a new INCR file and
   * persist the manifest that lists it (openNewIncrAofForAppend), then "fork": take the point-in-time
   * view. From here on every write goes to the new INCR file.
   */
  rewriteStart(ks: KeyspaceLike, nowMs: number): RewriteJob {
    if (this.rewriting !== undefined) throw new AofError('AOF_WRITE_STATE', 'Background append only file rewriting already in progress');
    if (this.currentIncr === undefined) throw new AofError('AOF_WRITE_STATE', 'the AOF is not open (call start first)');
    this.feeder.selectedDb = -1;
    const flushed = this.flush(nowMs, true);
    if (flushed.error !== undefined || this.feeder.bufLen > 0) {
      throw new AofError('AOF_WRITE_ERROR', `BGREWRITEAOF refused: aof_buf could not be written (${strerror(flushed.error?.errno)})`, { file: this.currentIncr });
    }
    const seq = nextFileSeq(this.manifest.currIncrFileSeq, 'incr');
    const info: AofInfo = { fileName: incrFileName(this.aofFilename, seq), fileSeq: seq, fileType: 'i' };
    const am: AofManifest = { ...this.manifest, incr: [...this.manifest.incr, info], currIncrFileSeq: seq };
    const newPath = this.path(info.fileName);
    if (this.disk.exists(newPath)) this.disk.remove(newPath); // O_TRUNC
    this.disk.create(newPath);
    persistManifest(this.disk, this.aofDirname, this.aofFilename, am);
    // aof_background_fsync_and_close(old fd)
    this.bio.fsync(this.currentIncr);
    this.fsyncState = { ...this.fsyncState, fsyncOffset: this.fsyncState.currentSize, lastFsyncSec: Math.floor(nowMs / 1000) };
    this.currentIncr = newPath;
    this.writeState.lastIncrSize = 0;
    this.manifest = am;
    const childPid = this.nextPid++;
    this.rewriting = { childPid, snapshot: ks.fork(), tmpFile: rewriteTempFileName(childPid), state: 'forked' };
    return this.rewriting;
  }

  /**
   * Step 2, in the child: write the fork-time dataset to the temp file and fsync it. If that
   * fails, the rewrite is over ("Background AOF rewrite terminated with error"): the temp file is
   * removed, the INCR opened in step 1 stays in the manifest, and the error is thrown.
   */
  rewriteChildWrite(job: RewriteJob, nowMs: number): void {
    try {
      this.writeBaseFile(job.tmpFile, job.snapshot, nowMs);
    } catch (e) {
      job.state = 'failed';
      this.rewriting = undefined;
      throw e;
    }
    job.state = 'written';
  }

  /**
   * Step 3, backgroundRewriteDoneHandler: rename the temp file to the new BASE, mark the old base
   * and the rewritten INCR files as history, persist the manifest.
   */
  rewriteDone(job: RewriteJob): void {
    const am0 = this.manifest;
    const history: AofInfo[] = [...am0.history];
    if (am0.base !== undefined) history.unshift({ ...am0.base, fileType: 'h' });
    const seq = nextFileSeq(am0.currBaseFileSeq, 'base');
    const base: AofInfo = { fileName: baseFileName(this.aofFilename, seq, this.useRdbPreamble), fileSeq: seq, fileType: 'b' };
    // markRewrittenIncrAofAsHistory: every incr but the one being written (the last).
    const keep = am0.incr[am0.incr.length - 1];
    if (keep === undefined) throw new AofError('AOF_WRITE_STATE', 'rewriteDone: the manifest lists no INCR file (rewriteStart opens one)');
    const rewritten = am0.incr.slice(0, -1);
    history.unshift(...rewritten.map((ai): AofInfo => ({ ...ai, fileType: 'h' })));
    const am: AofManifest = { ...am0, base, history, incr: [keep], currBaseFileSeq: seq };
    const basePath = this.path(base.fileName);
    try {
      this.disk.rename(job.tmpFile, basePath);
      persistManifest(this.disk, this.aofDirname, this.aofFilename, am);
    } catch (e) {
      // backgroundRewriteDoneHandler's cleanup: the new base goes, the old manifest stays valid.
      if (this.disk.exists(basePath)) this.disk.remove(basePath);
      if (this.disk.exists(job.tmpFile)) this.disk.remove(job.tmpFile);
      job.state = 'failed';
      this.rewriting = undefined;
      throw e;
    }
    this.manifest = am;
    job.state = 'swapped';
  }

  /** Step 4, aofDelHistoryFiles: unlink the history files and persist the manifest without them. */
  rewriteDeleteHistory(job: RewriteJob): void {
    for (const h of this.manifest.history) {
      const p = this.path(h.fileName);
      if (this.disk.exists(p)) this.disk.remove(p);
    }
    this.manifest = { ...this.manifest, history: [] };
    job.state = 'done';
    this.rewriting = undefined;
    // If this fails, the manifest on disk still lists the (deleted) history files; loading never reads history.
    persistManifest(this.disk, this.aofDirname, this.aofFilename, this.manifest);
  }

  /** The whole BGREWRITEAOF at once (no writes in between). */
  bgrewriteaof(ks: KeyspaceLike, nowMs: number): void {
    const job = this.rewriteStart(ks, nowMs);
    this.rewriteChildWrite(job, nowMs);
    this.rewriteDone(job);
    this.rewriteDeleteHistory(job);
  }

  /** The manifest as currently on disk (for inspection). */
  manifestOnDisk(): AofManifest {
    return loadManifestFromDisk(this.disk, this.aofDirname, this.aofFilename);
  }
}
