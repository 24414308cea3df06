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
import { decodeRdb, allEntries } from './decode-rdb.js';
import { encodeRdb } from './encoder.js';
import { RdbFormatError } from './errors.js';
import type { EntrySource, KeyEntry } from './model.js';
import {
  DEFAULT_SAVE_PARAMS, initialPersistence, parseSaveConfig, persistenceStep, writesRefused,
  type PersistenceInput, type PersistenceState, type SaveParam,
} from './savepoints.js';

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

export function redisRdbNode(opts: RedisRdbNodeOptions): (ctx: NodeContext<never>) => RedisRdbNode {
  const dbfile = opts.dbfilename ?? 'dump.rdb';
  const hz = opts.hz ?? 10;
  return (ctx) => {
    const store = opts.createStore(() => ctx.now());
    let loadError: RdbFormatError | undefined;
    let loadedKeys = 0;
    // rdbLoad at startup (loadDataFromDisk): a master drops keys that are already expired
    if (ctx.disk.exists(dbfile)) {
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
        loadError = err;
        ctx.note(`Bad RDB file: ${err.code} ${err.message}`);
      }
    }
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
            // rdbSave: temp-<pid>.rdb, fsync, rename — all at once because SAVE blocks the server
            const temp = `temp-sync-${ctx.now()}.rdb`;
            ctx.disk.write(temp, encode(store));
            ctx.disk.fsync(temp);
            ctx.disk.rename(temp, dbfile);
            break;
          }
          case 'fork': {
            const view = store.fork();
            const temp = opts.plantedBug === 'write-in-place' ? dbfile : `temp-${out.id}.rdb`;
            const bytes = opts.plantedBug === 'snapshot-at-exit' ? undefined : encode(view);
            if (opts.plantedBug === 'write-in-place' && ctx.disk.exists(dbfile)) ctx.disk.truncate(dbfile, 0);
            if (bytes !== undefined) ctx.disk.write(temp, bytes);
            child = { id: out.id, view, temp };
            const kib = (bytes?.length ?? 0) / 1024;
            ctx.setTimer(Math.max(1, Math.round((opts.childBaseMs ?? 20) + kib * (opts.childMsPerKiB ?? 1))), 'child-exit', out.id);
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
          if (opts.plantedBug === 'snapshot-at-exit') ctx.disk.write(child.temp, encode(store));
          ctx.disk.fsync(child.temp);
          if (child.temp !== dbfile) ctx.disk.rename(child.temp, dbfile);
          const id = child.id;
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
            const before = store.dirty;
            replies.push(store.execute(input.argv));
            const changes = store.dirty - before;
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
