/**
 * A Redis server's RDB persistence on @protolab/sim: serverCron every 1000/hz ms evaluates the save
 * points, BGSAVE "forks" (takes the keyspace's point-in-time `fork()` view), the child writes
 * `temp-<pid>.rdb` on the node's SimDisk, fsyncs it and renames it over `dump.rdb` when it exits
 * (rdb.c `rdbSave`: "fflush / fsync / rename"). A crash (sim.crash) kills the child too; the
 * restarted node loads `dump.rdb` — so what survives is exactly the last *completed* snapshot.
 *
 * Inputs (sim.inject): `{ type: 'cmd', argv }` for a keyspace command, `{ type: 'SAVE' }`,
 * `{ type: 'BGSAVE' }`, `{ type: 'CONFIG SET save', value }`.
 */
import type { NodeContext, NodeHandlers } from '@protolab/sim';
import { decodeRdb, allEntries } from '../decode-rdb.js';
import { encodeRdb } from '../encoder.js';
import { RdbFormatError } from '../errors.js';
import type { EntrySource, KeyEntry } from '../model.js';
import {
  DEFAULT_SAVE_PARAMS, initialPersistence, parseSaveConfig, persistenceStep, writesRefused,
  type PersistenceInput, type PersistenceState, type SaveParam,
} from '../savepoints.js';

/** What the node needs from a keyspace (`@protolab/redis-keyspace`'s Keyspace has all of it). */
export interface PersistentStore extends EntrySource {
  /** server.dirty */
  readonly dirty: number;
  execute(argv: readonly (string | Uint8Array)[]): unknown;
  /** point-in-time view (what a forked child sees) */
  fork(): EntrySource;
  /** insert a key as loaded from the RDB (no dirty++) */
  restore(entry: KeyEntry): void;
}

export type PersistenceInputMsg =
  | { type: 'cmd'; argv: (string | Uint8Array)[] }
  | { type: 'SAVE' }
  | { type: 'BGSAVE' }
  | { type: 'CONFIG SET save'; value: string };

export interface RedisRdbNodeOptions {
  /** builds the node's keyspace; called on every (re)start, with the node's clock */
  createStore: (now: () => number) => PersistentStore;
  saveParams?: readonly SaveParam[];
  dbfilename?: string;
  /** serverCron frequency (Redis default hz 10) */
  hz?: number;
  /** how long the child takes: base + per KiB of RDB (virtual ms) */
  childBaseMs?: number;
  childMsPerKiB?: number;
  compression?: boolean;
  /**
   * Planted bugs, for the specs that show the crash-model property catches them:
   * - 'snapshot-at-exit': the child encodes the keyspace when it finishes, not at fork (no COW)
   * - 'write-in-place': the child truncates and rewrites dump.rdb directly (no temp file + rename)
   */
  plantedBug?: 'snapshot-at-exit' | 'write-in-place';
}

export interface RedisRdbNode extends NodeHandlers<never> {
  readonly store: PersistentStore;
  readonly persistence: () => PersistenceState;
  /** set when dump.rdb existed at start but did not load */
  readonly loadError: RdbFormatError | undefined;
  /** number of keys loaded at start */
  readonly loadedKeys: number;
  /** replies to commands, in order (for examples/tests) */
  readonly replies: unknown[];
}

/**
 * rdb.c rdbLoad at startup (server.c loadDataFromDisk): a master drops keys that are already
 * expired. A damaged file is reported (loadError) and the node starts empty.
 */
function loadDataFromDisk(ctx: NodeContext<never>, store: PersistentStore, dbfile: string): { loadError: RdbFormatError | undefined; loadedKeys: number } {
  let loadedKeys = 0;
  if (!ctx.disk.exists(dbfile)) return { loadError: undefined, loadedKeys };
  try {
    const rdb = decodeRdb(ctx.disk.read(dbfile));
    for (const e of allEntries(rdb)) {
      if (e.expireAtMs !== undefined && e.expireAtMs <= ctx.now()) continue;
      store.restore(e);
      loadedKeys++;
    }
    ctx.note(`DB loaded from disk: ${loadedKeys} keys`);
  } catch (err) {
    if (!(err instanceof RdbFormatError)) throw err;
    ctx.note(`Bad RDB file: ${err.code} ${err.message}`);
    return { loadError: err, loadedKeys };
  }
  return { loadError: undefined, loadedKeys };
}

/** rdb.c rdbSave: temp-<pid>.rdb, fsync, rename — all at once because SAVE blocks the server. */
function rdbSave(ctx: NodeContext<never>, bytes: Uint8Array, dbfile: string): void {
  const temp = `temp-sync-${ctx.now()}.rdb`;
  ctx.disk.write(temp, bytes);
  ctx.disk.fsync(temp);
  ctx.disk.rename(temp, dbfile);
}

/**
 * rdb.c rdbSaveBackground: fork (the child sees the fork-time view), the child writes
 * temp-<pid>.rdb and exits after a time that grows with the file's size (the planted bugs change
 * where and when it writes).
 */
function rdbSaveBackground(
  ctx: NodeContext<never>,
  opts: RedisRdbNodeOptions,
  store: PersistentStore,
  dbfile: string,
  id: number,
  encode: (src: EntrySource) => Uint8Array,
): { id: number; view: EntrySource; temp: string } {
  const view = store.fork();
  const temp = opts.plantedBug === 'write-in-place' ? dbfile : `temp-${id}.rdb`;
  const bytes = opts.plantedBug === 'snapshot-at-exit' ? undefined : encode(view);
  if (opts.plantedBug === 'write-in-place' && ctx.disk.exists(dbfile)) ctx.disk.truncate(dbfile, 0);
  if (bytes !== undefined) ctx.disk.write(temp, bytes);
  const kib = (bytes?.length ?? 0) / 1024;
  ctx.setTimer(Math.max(1, Math.round((opts.childBaseMs ?? 20) + kib * (opts.childMsPerKiB ?? 1))), 'child-exit', id);
  return { id, view, temp };
}

/** The child exited: its temp file is fsynced and renamed over dbfile (`lateBytes`: written only now). */
function rdbChildExit(ctx: NodeContext<never>, temp: string, dbfile: string, lateBytes: Uint8Array | undefined): void {
  if (lateBytes !== undefined) ctx.disk.write(temp, lateBytes);
  ctx.disk.fsync(temp);
  if (temp !== dbfile) ctx.disk.rename(temp, dbfile);
}

/** server.c call: run one command, keep its reply, and return how many changes it made (server.dirty). */
function call(store: PersistentStore, argv: Parameters<PersistentStore['execute']>[0], replies: unknown[]): number {
  const before = store.dirty;
  replies.push(store.execute(argv));
  return store.dirty - before;
}

export function redisRdbNode(opts: RedisRdbNodeOptions): (ctx: NodeContext<never>) => RedisRdbNode {
  const dbfile = opts.dbfilename ?? 'dump.rdb';
  const hz = opts.hz ?? 10;
  return (ctx) => {
    const store = opts.createStore(() => ctx.now());
    const { loadError, loadedKeys } = loadDataFromDisk(ctx, store, dbfile);
    let state = initialPersistence(ctx.now(), opts.saveParams ?? DEFAULT_SAVE_PARAMS);
    const replies: unknown[] = [];
    // the running child: its fork-time view and the temp file it writes
    let child: { id: number; view: EntrySource; temp: string } | undefined;

    const encode = (src: EntrySource): Uint8Array =>
      encodeRdb(src, { compression: opts.compression ?? true, ctimeSec: Math.floor(ctx.now() / 1000) });

    const run = (input: PersistenceInput): void => {
      const r = persistenceStep(state, input);
      state = r.state;
      for (const out of r.outputs) {
        switch (out.type) {
          case 'log':
            ctx.note(out.text);
            break;
          case 'reply':
            replies.push(out.text);
            break;
          case 'save-sync': {
            rdbSave(ctx, encode(store), dbfile);
            break;
          }
          case 'fork': {
            child = rdbSaveBackground(ctx, opts, store, dbfile, out.id, encode);
            break;
          }
        }
      }
    };

    const cron = (): void => {
      run({ type: 'cron', nowMs: ctx.now() });
      ctx.setTimer(Math.round(1000 / hz), 'serverCron');
    };
    ctx.setTimer(Math.round(1000 / hz), 'serverCron');

    return {
      store,
      persistence: () => state,
      loadError,
      loadedKeys,
      replies,
      onTimer(name, data) {
        if (name === 'serverCron') cron();
        else if (name === 'child-exit' && child !== undefined && child.id === data) {
          const id = child.id;
          rdbChildExit(ctx, child.temp, dbfile, opts.plantedBug === 'snapshot-at-exit' ? encode(store) : undefined);
          child = undefined;
          run({ type: 'child-done', nowMs: ctx.now(), ok: true, id });
        }
      },
      onInput(raw) {
        const input = raw as PersistenceInputMsg;
        switch (input.type) {
          case 'cmd': {
            if (writesRefused(state)) {
              replies.push('-MISCONF Redis is configured to save RDB snapshots, but it\'s currently unable to persist to disk.');
              return;
            }
            const changes = call(store, input.argv, replies);
            if (changes > 0) run({ type: 'write', changes });
            return;
          }
          case 'SAVE':
            run({ type: 'save', nowMs: ctx.now() });
            return;
          case 'BGSAVE':
            run({ type: 'bgsave', nowMs: ctx.now() });
            return;
          case 'CONFIG SET save':
            state = { ...state, saveParams: parseSaveConfig(input.value) };
            replies.push('+OK');
            return;
        }
      },
    };
  };
}
