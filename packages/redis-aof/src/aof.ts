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
import { type AofDisk, aofPath } from './disk.js';
import { AofError } from './errors.js';
import { AofFeeder, toBytes } from './feed.js';
import { type AppendFsync, type FlushAction, type FsyncState, flushAppendOnlyFile, initialFsyncState } from './fsync.js';
import type { EntrySource, KeyspaceLike } from './keyspace-types.js';
import { type LoadReport, loadAppendOnlyFiles, loadManifestFromDisk, persistManifest } from './load.js';
import { EMPTY_MANIFEST, nextFileSeq, type AofInfo, type AofManifest } from './manifest.js';
import { DEFAULT_APPENDDIRNAME, DEFAULT_APPENDFILENAME, baseFileName, incrFileName, rewriteTempFileName } from './names.js';
import type { RdbCodec } from './rdb-bridge.js';
import { rewriteAppendOnlyFileRio } from './rewrite.js';

/** The background fsync thread (bio.c BIO_AOF_FSYNC). */
export interface Bio {
  /** Start an fsync of `path`; it covers at least what was written before this call. */
  fsync(path: string): void;
  /** bioPendingJobsOfType(BIO_AOF_FSYNC) != 0. */
  pending(): boolean;
}

/** A bio whose fsync completes at once: for tests and for everysec on a fast disk. */
export function immediateBio(disk: AofDisk): Bio {
  return { fsync: (p) => { disk.fsync(p); }, pending: () => false };
}

export interface AofOptions {
  readonly disk: AofDisk;
  /** appendfsync (default everysec). */
  readonly appendfsync?: AppendFsync;
  readonly aofFilename?: string;
  readonly aofDirname?: string;
  /** aof-use-rdb-preamble (Redis default yes; needs `rdb`). Default: yes when `rdb` is given. */
  readonly useRdbPreamble?: boolean;
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
  state: 'forked' | 'written' | 'swapped' | 'done';
}

export class AppendOnlyFile {
  readonly disk: AofDisk;
  readonly policy: AppendFsync;
  readonly aofFilename: string;
  readonly aofDirname: string;
  readonly useRdbPreamble: boolean;
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

  constructor(opts: AofOptions) {
    this.opts = opts;
    this.disk = opts.disk;
    this.policy = opts.appendfsync ?? 'everysec';
    this.aofFilename = opts.aofFilename ?? DEFAULT_APPENDFILENAME;
    this.aofDirname = opts.aofDirname ?? DEFAULT_APPENDDIRNAME;
    this.useRdbPreamble = opts.useRdbPreamble ?? opts.rdb !== undefined;
    if (this.useRdbPreamble && opts.rdb === undefined) throw new AofError('AOF_WRITE_STATE', 'aof-use-rdb-preamble yes needs an RDB codec (options.rdb)');
    this.bio = opts.bio ?? immediateBio(opts.disk);
    this.feeder = new AofFeeder(opts.timestampEnabled ?? false);
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
        ...(this.opts.rdb !== undefined ? { rdb: this.opts.rdb } : {}),
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

  /** flushAppendOnlyFile(force). beforeSleep calls it with force = false every event-loop turn. */
  flush(nowMs: number, force = false): FlushAction {
    if (this.currentIncr === undefined) return { write: 'none', fsync: 'none' };
    const { state, action } = flushAppendOnlyFile(this.fsyncState, {
      nowSec: Math.floor(nowMs / 1000),
      force,
      bufLen: this.feeder.bufLen,
      fsyncInProgress: this.bio.pending(),
      childActive: this.rewriting !== undefined,
      noFsyncOnRewrite: this.opts.noAppendfsyncOnRewrite ?? false,
    });
    this.fsyncState = state;
    if (action.write === 'write') this.disk.write(this.currentIncr, this.feeder.take());
    if (action.fsync === 'sync') this.disk.fsync(this.currentIncr);
    else if (action.fsync === 'background') this.bio.fsync(this.currentIncr);
    return action;
  }

  /** beforeSleep: flush before the replies of this turn go out. */
  beforeSleep(nowMs: number): FlushAction {
    return this.flush(nowMs, false);
  }

  /** SHUTDOWN / appendonly no: flushAppendOnlyFile(1) then a synchronous fsync. */
  shutdown(nowMs: number): void {
    this.flush(nowMs, true);
    if (this.currentIncr !== undefined) this.disk.fsync(this.currentIncr);
    this.currentIncr = undefined;
  }

  private writeBaseFile(file: string, snapshot: EntrySource, nowMs: number): void {
    const bytes = this.useRdbPreamble
      ? this.opts.rdb!.encode(snapshot.entries(), Math.floor(nowMs / 1000))
      : rewriteAppendOnlyFileRio(snapshot.entries(), this.opts.timestampEnabled === true ? { timestampSec: Math.floor(nowMs / 1000) } : {});
    if (this.disk.exists(file)) this.disk.remove(file);
    this.disk.create(file);
    if (bytes.length > 0) this.disk.write(file, bytes);
    this.disk.fsync(file);
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
    this.flush(nowMs, true);
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
    this.manifest = am;
    const childPid = this.nextPid++;
    this.rewriting = { childPid, snapshot: ks.fork(), tmpFile: rewriteTempFileName(childPid), state: 'forked' };
    return this.rewriting;
  }

  /** Step 2, in the child: write the fork-time dataset to the temp file and fsync it. */
  rewriteChildWrite(job: RewriteJob, nowMs: number): void {
    this.writeBaseFile(job.tmpFile, job.snapshot, nowMs);
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
    this.disk.rename(job.tmpFile, this.path(base.fileName));
    // markRewrittenIncrAofAsHistory: every incr but the one being written (the last).
    const keep = am0.incr[am0.incr.length - 1]!;
    const rewritten = am0.incr.slice(0, -1);
    for (let i = rewritten.length - 1; i >= 0; i--) history.unshift({ ...rewritten[i]!, fileType: 'h' });
    const am: AofManifest = { ...am0, base, history, incr: [keep], currBaseFileSeq: seq };
    persistManifest(this.disk, this.aofDirname, this.aofFilename, am);
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
    persistManifest(this.disk, this.aofDirname, this.aofFilename, this.manifest);
    job.state = 'done';
    this.rewriting = undefined;
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
