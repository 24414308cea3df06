/**
 * A Redis server with AOF as an `@protolab/sim` node: the event loop of server.c reduced to what
 * the AOF sees. A client request (sim.inject) is executed, its propagated writes are fed to the
 * AOF, `beforeSleep` flushes per appendfsync, and only then is the reply sent (`onAck`).
 * serverCron runs every 1000/hz ms (it calls beforeSleep too, which finishes postponed writes and
 * everysec fsyncs of an idle server). The bio fsync thread takes `fsyncDurationMs`: its fsync
 * lands on the SimDisk when it completes, and while it runs everysec postpones writes.
 *
 * A crash (sim.crash) keeps what SimDisk keeps; the factory runs again on restart and loads the
 * AOF directory from the disk, as Redis does at startup.
 */
import type { NodeContext, NodeHandlers } from '@protolab/sim';
import { AppendOnlyFile, type AofOptions } from '../aof.js';
import type { Bio } from '../bio.js';
import { AofError } from '../errors.js';
import { FaultyDisk, type DiskFaults } from './faulty-disk.js';
import type { AofDisk } from '../disk.js';
import type { KeyspaceLike } from '../keyspace-types.js';
import type { LoadReport } from '../load.js';

export type AofServerInput =
  /** One client command. */
  | { readonly type: 'command'; readonly id: number; readonly argv: readonly string[] }
  /** MULTI, the commands, EXEC from one client in one turn. */
  | { readonly type: 'transaction'; readonly id: number; readonly commands: readonly (readonly string[])[] }
  | { readonly type: 'bgrewriteaof' };

export interface AofAck {
  readonly id: number;
  readonly atMs: number;
  /** What the AOF did in the beforeSleep before this reply ('error': the write failed). */
  readonly flush: 'none' | 'write' | 'postponed' | 'error';
  /** The error reply instead of the command's reply (`MISCONF …`): the command did not run. */
  readonly error?: string;
}

export interface AofServerOptions extends Omit<AofOptions, 'disk' | 'bio'> {
  /** A fresh keyspace for each incarnation; `onPropagate` must be wired to the given function. */
  readonly keyspace: (now: () => number, onPropagate: (db: number, argv: Uint8Array[]) => void) => KeyspaceLike;
  /**
   * How long an fsync takes (default 0: at once). Under `always` the event loop is blocked that
   * long between write(2) and the replies, so a crash can land after the write and before the
   * fsync (the bytes are then only in the page cache, and may be torn); under `everysec` it is the
   * bio thread's fsync, during which writes are postponed.
   */
  readonly fsyncDurationMs?: number;
  /** server.hz (default 10). */
  readonly hz?: number;
  /** Called when a reply is sent: from here on the client counts the write as acknowledged. */
  readonly onAck?: (ack: AofAck) => void;
  /** Called after each startup load. */
  readonly onLoad?: (report: LoadReport) => void;
  /** Run a BGREWRITEAOF's child for this long before its done-handler runs (default 0). */
  readonly rewriteDurationMs?: number;
  /** Disk faults (ENOSPC, EIO, short writes): one object shared by every incarnation; change it at any time. */
  readonly faults?: DiskFaults;
}

export interface AofServerNode extends NodeHandlers<never> {
  readonly ks: KeyspaceLike;
  readonly aof: AppendOnlyFile;
}

/** Where an `always` flush's fsyncs wait while the event loop is blocked in fdatasync. */
interface FsyncDeferral {
  defer: boolean;
  readonly deferred: Set<string>;
}

/** bio.c's fsync job queue: each fsync lands on the SimDisk `fsyncMs` after it is submitted. */
function simBio(ctx: NodeContext<never>, fsyncMs: number): Bio & { fsyncDone(path: string): void } {
  let bioPending = 0;
  return {
    fsync(path) {
      if (fsyncMs <= 0) {
        ctx.disk.fsync(path);
        return;
      }
      bioPending++;
      ctx.setTimer(fsyncMs, 'bio-fsync-done', path);
    },
    pending: () => bioPending > 0,
    fsyncDone(path) {
      if (ctx.disk.exists(path)) ctx.disk.fsync(path);
      bioPending--;
    },
  };
}

/** The node's SimDisk as an AofDisk, with fsyncs held back while `sync.defer` is set (and `faults` injected, if given). */
function simAofDisk(ctx: NodeContext<never>, sync: FsyncDeferral, faults: DiskFaults | undefined): AofDisk {
  const disk: AofDisk = {
    exists: (n) => ctx.disk.exists(n),
    list: () => ctx.disk.list(),
    create: (n) => {
      ctx.disk.create(n);
    },
    write: (n, b) => {
      ctx.disk.write(n, b);
    },
    truncate: (n, l) => {
      ctx.disk.truncate(n, l);
    },
    read: (n) => ctx.disk.read(n),
    size: (n) => ctx.disk.size(n),
    fsync: (n) => {
      if (sync.defer) sync.deferred.add(n);
      else ctx.disk.fsync(n);
    },
    rename: (a, b) => {
      ctx.disk.rename(a, b);
    },
    remove: (n) => {
      ctx.disk.remove(n);
    },
  };
  return faults === undefined ? disk : new FaultyDisk(disk, faults);
}

/**
 * The BGREWRITEAOF child `childPid` finished (server.c checkChildrenDone →
 * backgroundRewriteDoneHandler): write its base, switch the manifest, delete the history.
 */
function rewriteChildDone(aof: AppendOnlyFile, childPid: unknown, now: number): void {
  const job = aof.rewriting;
  if (job === undefined || job.childPid !== childPid) return;
  try {
    aof.rewriteChildWrite(job, now);
    aof.rewriteDone(job);
    aof.rewriteDeleteHistory(job);
  } catch (e) {
    // A failed rewrite (e.g. ENOSPC in the child) leaves the AOF on its current files.
    if (!(e instanceof AofError)) throw e;
  }
}

/**
 * Runs a client's input (call() for a command, multi.c execCommand for a transaction) or starts
 * BGREWRITEAOF (rewriteAppendOnlyFileBackground); `reply` runs beforeSleep and sends the reply.
 */
function processInput(ks: KeyspaceLike, aof: AppendOnlyFile, ctx: NodeContext<never>, rewriteDurationMs: number, input: AofServerInput, reply: (id: number) => void): void {
  if (input.type === 'command') {
    ks.execute(input.argv);
    reply(input.id);
  } else if (input.type === 'transaction') {
    ks.execute(['MULTI']);
    for (const c of input.commands) ks.execute(c);
    ks.execute(['EXEC']);
    reply(input.id);
  } else if (aof.rewriting === undefined) {
    try {
      const job = aof.rewriteStart(ks, ctx.now());
      ctx.setTimer(rewriteDurationMs, 'rewrite-child', job.childPid);
    } catch (e) {
      // "Background append only file rewriting error": the AOF goes on with its current files.
      if (!(e instanceof AofError)) throw e;
    }
  }
}

export function aofServer(opts: AofServerOptions): (ctx: NodeContext<never>) => AofServerNode {
  return (ctx) => {
    const hz = opts.hz ?? 10;
    const fsyncMs = opts.fsyncDurationMs ?? 0;
    const bio = simBio(ctx, fsyncMs);
    // The fsync of an `always` flush is deferred by fsyncDurationMs while the loop is blocked.
    const sync: FsyncDeferral = { defer: false, deferred: new Set<string>() };
    const aof = new AppendOnlyFile({ ...opts, disk: simAofDisk(ctx, sync, opts.faults), bio });
    const ks = opts.keyspace(() => ctx.now(), (db, argv) => {
      aof.feed(db, argv, ctx.now());
    });
    const report = aof.start(ks, ctx.now());
    opts.onLoad?.(report);
    ctx.setTimer(1000 / hz, 'cron');
    let blocked = false;
    const queued: AofServerInput[] = [];
    const beforeSleep = (): ReturnType<AppendOnlyFile['beforeSleep']> => {
      sync.defer = fsyncMs > 0;
      try {
        return aof.beforeSleep(ctx.now());
      } finally {
        sync.defer = false;
      }
    };
    // `always` after a failed write: replies wait until a retried write succeeds (Redis exits instead).
    const held: AofAck['id'][] = [];
    const releaseHeld = (flush: AofAck['flush']): void => {
      if (aof.repliesHeld()) return;
      for (const id of held.splice(0)) opts.onAck?.({ id, atMs: ctx.now(), flush });
    };
    const reply = (id: number): void => {
      const action = beforeSleep();
      if (aof.repliesHeld()) {
        held.push(id);
        return;
      }
      if (sync.deferred.size > 0) {
        // Blocked in fdatasync: the reply goes out when it returns.
        blocked = true;
        ctx.setTimer(fsyncMs, 'sync-done', { id, flush: action.write });
        return;
      }
      opts.onAck?.({ id, atMs: ctx.now(), flush: action.write });
    };
    const handle = (input: AofServerInput): void => {
      if (blocked) {
        queued.push(input);
        return;
      }
      const denied = input.type === 'bgrewriteaof' ? undefined : aof.writeDeniedError();
      if (denied !== undefined && input.type !== 'bgrewriteaof') {
        // writeCommandsDeniedByDiskError: every input here is a write; it does not run.
        opts.onAck?.({ id: input.id, atMs: ctx.now(), flush: 'none', error: denied });
        return;
      }
      processInput(ks, aof, ctx, opts.rewriteDurationMs ?? 0, input, reply);
    };
    return {
      ks,
      aof,
      onInput(raw) {
        handle(raw as AofServerInput);
      },
      onTimer(name, data) {
        if (name === 'sync-done') {
          for (const p of sync.deferred) if (ctx.disk.exists(p)) ctx.disk.fsync(p);
          sync.deferred.clear();
          blocked = false;
          const d = data as { id: number; flush: AofAck['flush'] };
          opts.onAck?.({ id: d.id, atMs: ctx.now(), flush: d.flush });
          // handle() may block the loop again (another always-fsync): stop draining then.
          const isBlocked = (): boolean => blocked;
          for (let next = queued.shift(); next !== undefined; next = isBlocked() ? undefined : queued.shift()) handle(next);
        } else if (name === 'cron') {
          // serverCron retries a failed AOF write (and beforeSleep finishes postponed ones).
          if (!blocked) releaseHeld(beforeSleep().write);
          ctx.setTimer(1000 / hz, 'cron');
        } else if (name === 'bio-fsync-done') {
          bio.fsyncDone(data as string);
        } else if (name === 'rewrite-child') {
          rewriteChildDone(aof, data, ctx.now());
        }
      },
    };
  };
}
