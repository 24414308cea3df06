/**
 * `Persistence`: what server.c, rdb.c and aof.c do around the keyspace of one RedisServer, sans-I/O
 * (the disk, the clock and the background fsync are injected; `src/adapters/persistence.ts`
 * hands in real files):
 *
 *   const p = new Persistence({ disk, now, config: { appendonly: true, appendfsync: 'always' } });
 *   const srv = new RedisServer({ now, onPropagate: p.onPropagate, payloadCodec: rdbPayloadCodec });
 *   p.loadDataFromDisk(srv.keyspace);        // server.c loadDataFromDisk: the AOF dir, else dump.rdb
 *   p.attach(srv);                           // SAVE, BGSAVE, … and the beforeSleep / serverCron hooks
 *
 * The fork of BGSAVE / BGREWRITEAOF is modelled by `Keyspace.fork()` (a copy of the dataset taken
 * when the command runs, not page-level copy-on-write); the "child" writes that copy at the next
 * serverCron, so commands that run in between are not in the file, as with a real fork. The write
 * itself runs on the event loop (a real child runs beside it): it blocks for as long as encoding
 * and writing the file take.
 */
import { AppendOnlyFile, AofError, type AofDisk, type Bio } from '@protolab/redis-aof';
import { initialPersistence, persistenceStep, writesRefused, type PersistenceInput, type PersistenceState } from '@protolab/redis-rdb';
import type { Keyspace, KeyspaceSnapshot } from '@protolab/redis-keyspace';
import type { RedisServer } from '../server.js';
import { DEFAULT_PERSISTENCE_CONFIG, type PersistenceConfig } from './config.js';
import { PersistenceError } from './errors.js';
import { rdbLoad, rdbSave, rewriteBaseOnly, type RdbSaveOptions } from './rdb-file.js';
import { installPersistenceCommands } from './commands.js';
import { runAofChild } from './aof-rewrite.js';

export interface PersistenceOptions {
  /** The files, rooted at `dir` (FsDisk in the CLI, SimDisk in tests). */
  readonly disk: AofDisk;
  readonly now: () => number;
  readonly config?: Partial<PersistenceConfig>;
  /** The background fsync of everysec (default: an fsync that completes at once). */
  readonly bio?: Bio;
  /** Redis's log lines (serverLog), without the timestamp. */
  readonly log?: (line: string) => void;
  /** SHUTDOWN succeeded (0) or `appendfsync always` could not write the AOF (1): the adapter exits. */
  readonly exit?: (code: number) => void;
}

/** A "forked child": the fork-time view it writes at the next serverCron. */
interface ChildJob {
  readonly kind: 'rdb' | 'aof';
  readonly id: number;
  readonly snapshot: KeyspaceSnapshot;
  readonly startMs: number;
}

/** An empty keyspace stand-in: reopening the AOF (CONFIG SET appendfsync/appendonly) reads it into nothing. */
const SINK = {
  execute: () => ({ type: 'simple', value: 'OK' }) as const,
  restore: () => undefined,
  fork: () => ({ entries: () => [] }),
  entries: () => [],
};

export class Persistence {
  config: PersistenceConfig;
  readonly disk: AofDisk;
  readonly now: () => number;
  /** The AOF while `appendonly yes`. */
  aof: AppendOnlyFile | undefined;
  /** Save points, dirty, lastsave and the BGSAVE bookkeeping (`@protolab/redis-rdb`'s state machine). */
  state: PersistenceState;
  ks: Keyspace | undefined;
  rdbChild: ChildJob | undefined;
  aofChild: ChildJob | undefined;
  bgsaveScheduled = false;
  aofRewriteScheduled = false;
  /** INFO persistence counters. */
  readonly stats = {
    rdbSaves: 0, rdbLastBgsaveTimeSec: -1, loadKeysLoaded: 0, loadKeysExpired: 0,
    aofRewrites: 0, aofLastRewriteTimeSec: -1, aofLastBgrewriteOk: true, aofRewriteFailures: 0,
    totalForks: 0, // server.stat_total_forks: BGSAVE / BGREWRITEAOF children started (INFO stats)
  };
  private seenDirty = 0;
  private nextChildId = 1;
  private readonly opts: PersistenceOptions;

  constructor(opts: PersistenceOptions) {
    this.opts = opts;
    this.disk = opts.disk;
    this.now = opts.now;
    this.config = { ...DEFAULT_PERSISTENCE_CONFIG, ...opts.config };
    this.state = initialPersistence(opts.now(), this.config.save);
  }

  /** feedAppendOnlyFile: give this as RedisServerOptions.onPropagate. */
  readonly onPropagate = (db: number, argv: readonly (string | Uint8Array)[]): void => {
    this.aof?.feed(db, argv, this.now());
  };

  log(line: string): void {
    this.opts.log?.(line);
  }

  private newAof(): AppendOnlyFile {
    const c = this.config;
    return new AppendOnlyFile({
      disk: this.disk, appendfsync: c.appendfsync, aofFilename: c.appendfilename, aofDirname: c.appenddirname,
      ...(this.opts.bio !== undefined ? { bio: this.opts.bio } : {}),
    });
  }

  /**
   * server.c loadDataFromDisk: with `appendonly yes` the AOF directory (manifest, BASE, INCRs; an
   * old single appendonly.aof is upgraded), else `dbfilename` if it exists. Failures are
   * `LOAD_FAILED` with Redis's log text (Redis exits 1).
   */
  loadDataFromDisk(ks: Keyspace): void {
    this.ks = ks;
    const now = this.now();
    if (this.config.appendonly) {
      const aof = this.newAof();
      try {
        const report = aof.start(ks, now);
        for (const line of report.log) this.log(line);
        if (report.status !== 'not-exist') this.log('DB loaded from append only file');
      } catch (e) {
        if (!(e instanceof AofError)) throw e;
        throw new PersistenceError('LOAD_FAILED', e.message, undefined, { cause: e });
      }
      this.aof = aof;
    } else if (this.disk.exists(this.config.dbfilename)) {
      const r = rdbLoad(this.disk, this.config.dbfilename, ks, now);
      this.stats.loadKeysLoaded = r.loaded;
      this.stats.loadKeysExpired = r.expired;
      this.log(`DB loaded from disk: ${r.loaded} keys`);
    }
    this.seenDirty = ks.dirty;
  }

  /** Register the commands and the beforeSleep / serverCron hooks on a server. */
  attach(srv: RedisServer): void {
    if (this.ks === undefined) this.loadDataFromDisk(srv.keyspace);
    this.ks = srv.keyspace;
    this.rdbOptions = () => // rdbcompression / rdbchecksum, read at each save (as rdbSave does)
       ({ compression: srv.config.get('rdbcompression') === 'yes', checksum: srv.config.get('rdbchecksum') === 'yes' });
    srv.beforeSleepHooks.push(() => { this.beforeSleep(); });
    srv.cronHooks.push(() => { this.cron(); });
    installPersistenceCommands(srv, this);
  }

  private rdbOptions: () => RdbSaveOptions = () => ({ compression: true, checksum: true }); // until attach()

  private keyspace(): Keyspace {
    if (this.ks === undefined) throw new PersistenceError('LOAD_FAILED', 'persistence: attach() or loadDataFromDisk() first');
    return this.ks;
  }

  step(input: PersistenceInput): string | undefined {
    const { state, outputs } = persistenceStep(this.state, input);
    this.state = state;
    let reply: string | undefined;
    for (const o of outputs) {
      if (o.type === 'log') this.log(o.text);
      else if (o.type === 'reply') reply = o.text;
      else if (o.type === 'fork') {
        this.rdbChild = { kind: 'rdb', id: o.id, snapshot: this.keyspace().fork(), startMs: input.type === 'write' ? this.now() : input.nowMs };
        this.stats.totalForks++;
      }
      else this.rdbSaveNow();
    }
    return reply;
  }

  /** server.dirty: the keyspace counts changes; the save-point machine hears the difference. */
  syncDirty(): void {
    const d = this.keyspace().dirty;
    if (d !== this.seenDirty) this.step({ type: 'write', changes: d - this.seenDirty });
    this.seenDirty = d;
  }

  /** rdbSave of the current dataset (SAVE, SHUTDOWN, DEBUG RELOAD); throws on a disk error. */
  rdbSaveNow(): void {
    rdbSave(this.disk, this.config.dbfilename, this.keyspace().entries(), this.now(), this.nextChildId++, this.rdbOptions());
    this.stats.rdbSaves++;
  }

  /** SAVE: +OK, or -ERR when a child runs or the disk fails (saveCommand). */
  save(): string {
    this.syncDirty();
    if (this.rdbChild !== undefined) return '-ERR Background save already in progress';
    const before = this.state;
    try {
      return this.step({ type: 'save', nowMs: this.now() }) ?? '+OK';
    } catch (e) {
      this.state = { ...before, lastBgsaveOk: false };
      this.log(`Error saving DB on disk: ${e instanceof Error ? e.message : String(e)}`);
      return '-ERR';
    }
  }

  /** BGSAVE [SCHEDULE] (bgsaveCommand). */
  bgsave(schedule: boolean): string {
    this.syncDirty();
    if (this.rdbChild !== undefined) return '-ERR Background save already in progress';
    if (this.aofChild !== undefined) {
      if (!schedule) return "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";
      this.bgsaveScheduled = true;
      return '+Background saving scheduled';
    }
    return this.step({ type: 'bgsave', nowMs: this.now() }) ?? '+Background saving started';
  }

  /** BGREWRITEAOF (bgrewriteaofCommand). */
  bgrewriteaof(): string {
    if (this.aofChild !== undefined) return '-ERR Background append only file rewriting already in progress';
    if (this.rdbChild !== undefined) {
      this.aofRewriteScheduled = true;
      return '+Background append only file rewriting scheduled';
    }
    return this.startRewrite() ? '+Background append only file rewriting started' : '-ERR Can\'t execute an AOF background rewriting. Please check the server logs for more information.';
  }

  /** rewriteAppendOnlyFileBackground: new INCR + manifest now, the fork-time view for the child. */
  private startRewrite(): boolean {
    const ks = this.keyspace();
    const now = this.now();
    const id = this.nextChildId++;
    try {
      const snapshot = this.aof !== undefined ? this.aof.rewriteStart(ks, now).snapshot : ks.fork();
      this.aofChild = { kind: 'aof', id, snapshot, startMs: now };
      this.stats.totalForks++;
    } catch (e) {
      this.log(`Can't rewrite append only file in background: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    }
    this.aofRewriteScheduled = false;
    this.log(`Background append only file rewriting started by pid ${id}`);
    return true;
  }

  /** server.c beforeSleep: flushAppendOnlyFile(0) before any reply of this turn is written. */
  beforeSleep(): void {
    if (this.ks === undefined) return;
    this.syncDirty();
    const aof = this.aof;
    if (aof === undefined) return;
    const r = aof.beforeSleep(this.now());
    if (r.error !== undefined && aof.policy === 'always') this.fatal(r.error);
  }

  /** aof.c: under `always` a write that cannot reach the disk ends the server before any reply. */
  private fatal(e: Error): void {
    this.log(`Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting... (${e.message})`);
    if (this.opts.exit === undefined) throw new PersistenceError('AOF_FATAL', e.message, undefined, { cause: e });
    this.opts.exit(1);
  }

  /** server.c serverCron: finished children (checkChildrenDone), scheduled jobs, save points. */
  cron(): void {
    if (this.ks === undefined) return;
    this.syncDirty();
    const now = this.now();
    this.runRdbChild(now);
    runAofChild(this, now);
    if (this.rdbChild === undefined && this.aofChild === undefined) {
      if (this.aofRewriteScheduled) this.startRewrite();
      else if (this.bgsaveScheduled) {
        this.bgsaveScheduled = false;
        this.step({ type: 'bgsave', nowMs: now });
      }
    }
    if (this.rdbChild === undefined && this.aofChild === undefined) this.step({ type: 'cron', nowMs: now });
    if (this.aof?.repliesHeld() === true) this.aof.flush(now);
  }

  /** The BGSAVE child writes its fork-time view; backgroundSaveDoneHandler. */
  private runRdbChild(now: number): void {
    const job = this.rdbChild;
    if (job === undefined) return;
    this.rdbChild = undefined;
    let ok = true;
    try {
      rdbSave(this.disk, this.config.dbfilename, job.snapshot.entries(), now, job.id, this.rdbOptions());
      this.log('DB saved on disk');
      this.stats.rdbSaves++;
    } catch (e) {
      ok = false;
      this.log(`Write error saving DB on disk: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.stats.rdbLastBgsaveTimeSec = Math.floor((now - job.startMs) / 1000);
    this.step({ type: 'child-done', nowMs: now, ok, id: job.id });
  }

  /** The -MISCONF text when writes are refused (writeCommandsDeniedByDiskError), else undefined. */
  writeDeniedError(): string | undefined {
    const aofErr = this.aof?.writeDeniedError();
    if (aofErr !== undefined) return aofErr;
    if (writesRefused(this.state)) {
      return "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";
    }
    return undefined;
  }

  /**
   * server.c prepareForShutdown: kill children, flush and fsync the AOF, save an RDB when save
   * points exist (or SAVE; never with NOSAVE). False when the server must keep running.
   */
  prepareForShutdown(flags: { nosave?: boolean; save?: boolean; force?: boolean } = {}): boolean {
    this.log('User requested shutdown...');
    if (this.rdbChild !== undefined) this.log('There is a child saving an .rdb. Killing it!');
    if (this.aofChild !== undefined) this.log('There is a child rewriting the AOF. Killing it!');
    this.rdbChild = undefined;
    this.aofChild = undefined;
    try {
      if (this.aof !== undefined) {
        this.log('Calling fsync() on the AOF file.');
        this.aof.shutdown(this.now());
      }
      if ((this.config.save.length > 0 && flags.nosave !== true) || flags.save === true) {
        this.log('Saving the final RDB snapshot before exiting.');
        this.rdbSaveNow();
        this.log('DB saved on disk');
      }
    } catch (e) {
      this.log(`Error trying to shut down: ${e instanceof Error ? e.message : String(e)}`);
      if (flags.force !== true) return false;
    }
    this.log('Redis is now ready to exit, bye bye...');
    return true;
  }

  /** Ask the adapter to end the process (after a successful prepareForShutdown). */
  exit(code: number): void {
    this.opts.exit?.(code);
  }

  /**
   * DEBUG RELOAD: rdbSave, empty the dataset, rdbLoad. Nothing is propagated (debug.c calls
   * emptyData, not FLUSHALL: replicas and the AOF keep what they have); the caller flags the
   * WATCHers of existing keys first (signalFlushedDb).
   */
  debugReload(beforeEmpty?: () => void): void {
    const ks = this.keyspace();
    this.rdbSaveNow();
    beforeEmpty?.();
    const aof = this.aof;
    if (aof !== undefined) aof.loading = true;
    try {
      ks.emptyData(-1);
      rdbLoad(this.disk, this.config.dbfilename, ks, this.now());
    } finally {
      if (aof !== undefined) aof.loading = false;
    }
    this.seenDirty = ks.dirty;
    this.state = { ...this.state, dirty: 0, lastsaveSec: Math.floor(this.now() / 1000) };
  }

  /**
   * replication.c readSyncBulkPayload after a full resync loaded the master's RDB: the transfer
   * file becomes `dbfilename` (disk-based load, the default `repl-diskless-load disabled`), and with
   * `appendonly yes` the AOF restarts from a BASE of the new dataset (restartAOFAfterSYNC →
   * startAppendOnly; done here at once, not by a background child). A disk error is logged.
   */
  afterFullSync(): void {
    const entries = (): ReturnType<Keyspace['entries']> => this.keyspace().entries();
    const now = this.now();
    try {
      rdbSave(this.disk, this.config.dbfilename, entries(), now, this.nextChildId++, this.rdbOptions());
      if (!this.config.appendonly) return;
      this.aof?.shutdown(now);
      this.aof = undefined;
      rewriteBaseOnly(this.disk, this.config.appenddirname, this.config.appendfilename, entries(), now, this.nextChildId++);
      const aof = this.newAof();
      aof.start(SINK, now);
      this.aof = aof;
    } catch (e) {
      this.log(`Failed trying to save the dataset after a full resync: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** CONFIG SET appendonly / appendfsync at run time: reopen the AOF with the new settings. */
  reconfigure(next: PersistenceConfig): void {
    const prev = this.config;
    this.config = next;
    this.state = { ...this.state, saveParams: next.save };
    if (prev.appendonly === next.appendonly && prev.appendfsync === next.appendfsync) return;
    const now = this.now();
    if (this.aof !== undefined) {
      this.aof.shutdown(now);
      this.aof = undefined;
    }
    if (!next.appendonly) return;
    if (!prev.appendonly) {
      // startAppendOnly: a BASE of the current dataset first, then the log goes on from it.
      rewriteBaseOnly(this.disk, next.appenddirname, next.appendfilename, this.keyspace().entries(), now, this.nextChildId++);
    }
    const aof = this.newAof();
    aof.start(SINK, now);
    this.aof = aof;
  }
}
