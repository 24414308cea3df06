/**
 * One cluster master as a sans-I/O core: its slot table and migration markers, db 0 — a
 * `@protolab/redis-keyspace` Keyspace, the same table and core every protolab Redis runs — the
 * per-connection flags (ASKING, READONLY, MULTI), and the commands that resharding needs.
 * `execute(conn, argv)` returns the reply, or — for MIGRATE — the batch the caller must ship to the
 * target; the caller reports back with `finishMigrate`.
 *
 * What runs for every command is processCommand's order (redis/src/server.c): unknown command →
 * arity → cluster routing (`getNodeByQuery`, skipped for the node's own master) → MULTI queueing
 * → the command. Every command of the keyspace's table runs on the keyspace (`execute`); the node
 * itself answers cluster.c's commands (cluster-command.ts, migrate.ts), the transaction commands
 * (per connection), and the db commands that cluster mode refuses (SELECT n, SWAPDB, MOVE, COPY … DB
 * n: db.c's texts). Scripting, sharded pub/sub and HyperLogLog are routed and then answered
 * with an error that says this package does not execute them.
 */
import { rdbPayloadCodec } from '@protolab/redis-rdb';
import { Keyspace, type PropagateFn } from '@protolab/redis-keyspace';
import type { RespValue } from '@protolab/resp';
import { clusterCommand } from './cluster-command.js';
import { type Arg, argToString, type CommandSpec, lookupCommand, unknownCommandText } from './commands.js';
import { clusterModeRefusal } from './db-cluster-mode.js';
import { ClusterError, defined } from './errors.js';
import { finishMigrate, migrateCommand } from './migrate.js';
import { argAt, idBytes, keyId, R } from './reply.js';
import { clusterRedirectClient, getNodeByQuery, type NodeView } from './route.js';
import { SlotsToKeys } from './slots-to-keys.js';
import type { ClusterNodeInfo, SlotMap } from './topology.js';

export { keyId, toResp } from './reply.js';

/** The state of one client connection. */
export interface Connection {
  asking: boolean;
  readonly: boolean;
  /** Queued commands while in MULTI. */
  multi: Arg[][] | undefined;
  /** A queued command was rejected: EXEC will answer EXECABORT. */
  multiDirty: boolean;
  /** This connection is from the node's own master (routing is skipped). */
  fromMaster: boolean;
}

export function newConnection(): Connection {
  return { asking: false, readonly: false, multi: undefined, multiDirty: false, fromMaster: false };
}

/** MIGRATE's work order: send these entries to the target with RESTORE-ASKING, then report back. */
export interface MigrateJob {
  target: string;
  host: string;
  port: number;
  timeoutMs: number;
  copy: boolean;
  replace: boolean;
  /** Entries as the target must restore them: argv of RESTORE-ASKING key ttl dump-payload [REPLACE]. */
  restores: Arg[][];
  /** The key ids (binary strings) to delete here once the target acknowledged. */
  keys: string[];
}

export type ExecOutcome = { reply: RespValue } | { migrate: MigrateJob };

export interface ClusterNodeOptions {
  /** This node's id (40 hex in Redis; any unique string here). */
  id: string;
  /** Every node of the cluster (including this one) with its address. */
  nodes: readonly ClusterNodeInfo[];
  slots: SlotMap;
  /** Unix time in ms for the keyspace (TTLs, lazy expiry); default: always 0. */
  now?: () => number;
  /** Called with every write db 0 propagates (the AOF/replication stream), after the node's own index. */
  onPropagate?: PropagateFn;
}

/** Commands the node answers itself (cluster.c, multi.c's per-connection state). */
const NODE_COMMANDS = new Set(['asking', 'readonly', 'readwrite', 'multi', 'discard', 'exec', 'cluster', 'migrate', 'restore-asking']);

/**
 * A read-only view of db 0 for tests, examples and the playground: key ids (binary strings) in
 * slot order, `size` = DBSIZE, and `get` = the value of a string key as GET reads it (so an
 * expired key is reclaimed, as by any read), undefined for a missing key or another type.
 */
export interface StoreView {
  readonly size: number;
  keys(): IterableIterator<string>;
  has(id: string): boolean;
  get(id: string): Uint8Array | undefined;
}

export class ClusterNode {
  readonly id: string;
  readonly nodes: Map<string, ClusterNodeInfo>;
  slots: SlotMap;
  readonly migrating = new Map<number, string>();
  readonly importing = new Map<number, string>();
  /** db 0 (cluster mode has no other database), with DUMP/RESTORE in the RDB payload format. */
  readonly keyspace: Keyspace;
  /** slots_to_keys, kept from the keyspace's propagation stream. */
  private readonly slotsToKeys: SlotsToKeys;
  readonly store: StoreView;
  private readonly view: NodeView;

  constructor(opts: ClusterNodeOptions) {
    this.id = opts.id;
    this.nodes = new Map(opts.nodes.map((n) => [n.id, n]));
    if (!this.nodes.has(opts.id)) throw new ClusterError('SLOT_RANGE', `ClusterNode: expected own id ${opts.id} in the node list, found ${[...this.nodes.keys()].join(', ')}`);
    this.slots = opts.slots.clone();
    const now = opts.now ?? ((): number => 0);
    this.keyspace = new Keyspace({ now, payloadCodec: rdbPayloadCodec });
    const index = new SlotsToKeys(this.keyspace, now);
    this.slotsToKeys = index;
    const downstream = opts.onPropagate;
    this.keyspace.onPropagate = (db, argv): void => {
      index.propagated(argv);
      downstream?.(db, argv);
    };
    const ks = this.keyspace;
    this.store = {
      get size() {
        return index.size;
      },
      keys: () => index.ids(),
      has: (id) => index.has(id),
      get: (id) => {
        const r = ks.execute(['GET', idBytes(id)]);
        index.sync();
        return r.type === 'bulk' ? r.value : undefined;
      },
    };
    const self = defined(this.nodes.get(opts.id), 'ClusterNode: own id is in the node list (checked above)');
    this.view = {
      myself: this.id,
      owner: (s) => this.slots.owner(s),
      migratingTo: (s) => this.migrating.get(s),
      importingFrom: (s) => this.importing.get(s),
      keyExists: (k) => index.liveKeyExists(keyId(k)),
      get clusterOk() {
        return true;
      },
      myMaster: self.role === 'replica' ? self.masterId : undefined,
    };
  }

  endpoint = (node: string): { host: string; port: number } | undefined => {
    const n = this.nodes.get(node);
    return n === undefined ? undefined : { host: n.ip, port: n.port };
  };

  // -- db 0 ------------------------------------------------------------------------------------

  /**
   * Run argv on the keyspace and bring slots_to_keys up to date (used by the command files).
   * The keyspace is never left inside MULTI: transactions are kept per connection here.
   */
  keyspaceCommand(argv: readonly Arg[]): RespValue {
    const reply = this.keyspace.execute(argv);
    this.slotsToKeys.sync();
    return reply;
  }

  countKeysInSlot(slot: number): number {
    return this.slotsToKeys.count(slot);
  }

  /** CLUSTER GETKEYSINSLOT order: newest key first (7.0 inserts at the head of the slot's list). */
  getKeysInSlot(slot: number, count: number): Uint8Array[] {
    return this.slotsToKeys.keysInSlot(slot, count).map(idBytes);
  }

  // -- processCommand --------------------------------------------------------------------------

  /** Run one command from `conn`, as processCommand + call would. */
  execute(conn: Connection, argv: readonly Arg[]): ExecOutcome {
    const outcome = this.process(conn, argv);
    // resetClient: ASKING lasts one command, unless inside MULTI or the command was ASKING.
    const name = argv.length > 0 ? argToString(argAt(argv, 0)).toLowerCase() : '';
    if (conn.multi === undefined && name !== 'asking') conn.asking = false;
    return outcome;
  }

  private process(conn: Connection, argv: readonly Arg[]): ExecOutcome {
    let spec: CommandSpec;
    try {
      spec = lookupCommand(argv);
    } catch (e) {
      if (e instanceof ClusterError && (e.code === 'UNKNOWN_COMMAND' || e.code === 'ARITY')) {
        if (conn.multi !== undefined) conn.multiDirty = true;
        return { reply: R.err(argv.length === 0 ? unknownCommandText(['']) : e.message) };
      }
      throw e;
    }
    const inMulti = conn.multi !== undefined;
    const queues = inMulti && !['exec', 'discard', 'multi', 'watch'].includes(spec.name);

    if (!conn.fromMaster && (spec.name === 'exec' || spec.keys(argv).length > 0)) {
      const route = getNodeByQuery(this.view, { asking: conn.asking, readonly: conn.readonly, multi: conn.multi }, argv);
      const text = clusterRedirectClient(route, this.endpoint);
      if (text !== undefined) {
        if (spec.name === 'exec') {
          // execCommandAbort: the whole transaction is discarded.
          conn.multi = undefined;
          conn.multiDirty = false;
        } else if (queues) {
          conn.multiDirty = true;
        }
        return { reply: R.err(text) };
      }
    }

    if (queues && conn.multi !== undefined) {
      conn.multi.push([...argv]);
      return { reply: R.simple('QUEUED') };
    }
    return this.call(conn, spec, argv);
  }

  private call(conn: Connection, spec: CommandSpec, argv: readonly Arg[]): ExecOutcome {
    const name = spec.name;
    if (NODE_COMMANDS.has(name)) return this.nodeCommand(conn, name, argv);
    if (spec.table === 'cluster') return { reply: R.err(`ERR protolab redis-cluster does not execute '${name}' (it is routed, not run)`) };
    const refused = clusterModeRefusal(name, argv);
    if (refused !== undefined) return { reply: R.err(refused) };
    return { reply: this.keyspaceCommand(argv) };
  }

  private nodeCommand(conn: Connection, name: string, argv: readonly Arg[]): ExecOutcome {
    switch (name) {
      case 'asking':
        conn.asking = true;
        return { reply: R.ok };
      case 'readonly':
        conn.readonly = true;
        return { reply: R.ok };
      case 'readwrite':
        conn.readonly = false;
        return { reply: R.ok };
      case 'multi':
        if (conn.multi !== undefined) return { reply: R.err('ERR MULTI calls can not be nested') };
        conn.multi = [];
        conn.multiDirty = false;
        return { reply: R.ok };
      case 'discard':
        if (conn.multi === undefined) return { reply: R.err('ERR DISCARD without MULTI') };
        conn.multi = undefined;
        conn.multiDirty = false;
        return { reply: R.ok };
      case 'exec':
        return { reply: this.exec(conn) };
      case 'cluster':
        return { reply: clusterCommand(this, argv) };
      case 'migrate':
        return migrateCommand(this, argv);
      case 'restore-asking':
        // cluster.c: RESTORE-ASKING is RESTORE with the CMD_ASKING flag (routing, above).
        return { reply: this.keyspaceCommand(['RESTORE', ...argv.slice(1)]) };
      default:
        throw new ClusterError('INVARIANT', `nodeCommand: '${name}' is in NODE_COMMANDS but has no case`);
    }
  }

  /**
   * multi.c execCommand. A transaction of keyspace commands runs as one keyspace MULTI … EXEC
   * (one frozen "now", one propagated MULTI/EXEC block); one that also holds node commands
   * (CLUSTER, ASKING, …) runs command by command.
   */
  private exec(conn: Connection): RespValue {
    if (conn.multi === undefined) return R.err('ERR EXEC without MULTI');
    const queued = conn.multi;
    const dirty = conn.multiDirty;
    conn.multi = undefined;
    conn.multiDirty = false;
    if (dirty) return R.err('EXECABORT Transaction discarded because of previous errors.');
    const specs = queued.map((argv) => lookupCommand(argv));
    const allKeyspace = specs.every((s, i) => s.table === 'keyspace' && clusterModeRefusal(s.name, argAtIndex(queued, i)) === undefined);
    if (allKeyspace) {
      this.keyspace.execute(['MULTI']);
      for (const argv of queued) this.keyspace.execute(argv);
      return this.keyspaceCommand(['EXEC']);
    }
    const replies = queued.map((argv, i) => {
      const out = this.call(conn, defined(specs[i], 'one spec per queued command'), argv);
      return 'reply' in out ? out.reply : R.err('ERR MIGRATE inside MULTI is not supported by this model');
    });
    return R.arr(replies);
  }

  /**
   * The target answered (one reply per RESTORE-ASKING) or the link failed (`replies` undefined).
   * Keys the target accepted are deleted here (unless COPY); the reply is MIGRATE's.
   */
  finishMigrate(job: MigrateJob, replies: readonly RespValue[] | undefined): RespValue {
    return finishMigrate(this, job, replies);
  }
}

function argAtIndex(queued: readonly Arg[][], i: number): Arg[] {
  return defined(queued[i], 'i < queued.length');
}

/** Every command of the keyspace's table: all run on the node's db 0 (see `call`). */
export { KEYSPACE_COMMAND_NAMES as DATA_COMMANDS } from './commands.js';
