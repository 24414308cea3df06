/**
 * Real files around the sans-I/O persistence unit: `@protolab/redis-aof`'s FsDisk rooted at `dir`
 * (O_APPEND writes, fdatasync, rename + directory fsync) for the AOF directory and `dbfilename`,
 * fs.fdatasync on libuv's pool as the everysec background fsync (bio.c), Date.now as the clock,
 * and `rdbPayloadCodec` for DUMP/RESTORE.
 *
 * Under `appendfsync always` the AOF write and fdatasync run synchronously in beforeSleep, before
 * the server hands back the replies of the turn: an acknowledged write is on disk.
 */
import { existsSync, statSync } from 'node:fs';
import { FsDisk, fsBio } from '@protolab/redis-aof';
import { rdbPayloadCodec } from '@protolab/redis-rdb';
import { startRedisServer } from './net.js';
import type { RunningRedisServer, StartRedisServerOptions } from './net.js';
import { Persistence } from '../persistence/persistence.js';
import { DEFAULT_PERSISTENCE_CONFIG, type PersistenceConfig } from '../persistence/config.js';
import { PersistenceError } from '../persistence/errors.js';
import { enableReplication, type ReplicationOptions } from './replication.js';
import type { WireReplication } from '@protolab/redis-replication';

export interface StartPersistentRedisServerOptions extends Omit<StartRedisServerOptions, 'onPropagate' | 'payloadCodec'> {
  /** appendonly, appendfsync, save, dir, dbfilename, appenddirname, appendfilename. */
  readonly persistence?: Partial<PersistenceConfig>;
  /** Redis's log lines (default: none). */
  readonly log?: (line: string) => void;
  /**
   * SHUTDOWN succeeded (0) or an `always` AOF write failed (1). Default: close the server (the
   * CLI exits the process instead).
   */
  readonly exit?: (code: number, running: RunningPersistentRedisServer) => void;
  /**
   * Replication too (REPLICAOF, PSYNC, …; `replicaof` to start as a replica): a full resync then
   * replaces `dbfilename` and restarts the AOF from the new dataset, as redis-server does.
   */
  readonly replication?: ReplicationOptions;
}

export interface RunningPersistentRedisServer extends RunningRedisServer {
  readonly persistence: Persistence;
  /** When started with `replication`. */
  readonly replication?: WireReplication;
  /** SIGTERM as Redis handles it: prepareForShutdown (AOF fsync, RDB if save points), then close. False: refused. */
  shutdown(flags?: { nosave?: boolean; save?: boolean }): Promise<boolean>;
}

/** `startRedisServer` with the persistence of Redis 7.0 on real files. Throws `LOAD_FAILED` as redis-server exits 1. */
export async function startPersistentRedisServer(options: StartPersistentRedisServerOptions = {}): Promise<RunningPersistentRedisServer> {
  const config = { ...DEFAULT_PERSISTENCE_CONFIG, ...options.persistence };
  if (!existsSync(config.dir) || !statSync(config.dir).isDirectory()) {
    throw new PersistenceError('BAD_CONFIG', `Can't chdir to '${config.dir}': No such file or directory`, 'dir');
  }
  const disk = new FsDisk(config.dir, { create: false });
  const ref: { running?: RunningPersistentRedisServer } = {};
  const persistence = new Persistence({
    disk,
    now: () => Date.now(),
    config,
    ...(config.appendfsync === 'everysec' ? { bio: fsBio(disk) } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
    exit: (code) => {
      const running = ref.running;
      if (running === undefined) return;
      if (options.exit !== undefined) options.exit(code, running);
      else void running.close();
    },
  });
  const base = await startRedisServer({ ...options, onPropagate: persistence.onPropagate, payloadCodec: rdbPayloadCodec });
  try {
    // Synchronously after listen: no socket event is handled before the dataset is loaded.
    persistence.attach(base.server);
  } catch (e) {
    await base.close();
    disk.close();
    throw e;
  }
  const repl = options.replication !== undefined
    ? enableReplication(base, { ...options.replication, onFullSync: () => { persistence.afterFullSync(); } })
    : undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    repl?.stop();
    await base.close();
    disk.close();
  };
  const running: RunningPersistentRedisServer = {
    port: base.port,
    server: base.server,
    edge: base.edge,
    persistence,
    ...(repl !== undefined ? { replication: repl.replication } : {}),
    close,
    shutdown: async (flags = {}) => {
      if (!persistence.prepareForShutdown(flags)) return false;
      await close();
      return true;
    },
  };
  ref.running = running;
  return running;
}
