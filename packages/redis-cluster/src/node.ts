/**
 * A Redis Cluster master as a sans-I/O core: a slot table with MIGRATING/IMPORTING markers, a
 * small string keyspace in db 0, per-connection flags (ASKING, READONLY, MULTI), and the commands
 * that resharding needs. `execute(conn, argv)` returns the reply, or — for MIGRATE — the batch the
 * caller must ship to the target; the caller reports back with `finishMigrate`.
 *
 * What runs for every command is processCommand's order (redis/src/server.c): unknown command →
 * arity → cluster routing (`getNodeByQuery`, skipped for the node's own master) → MULTI queueing
 * → the command. The data commands are a subset (see DATA_COMMANDS) on string values only;
 * anything else in the key-spec table is routed faithfully and then answered with an error that
 * says the model does not implement it.
 *
 * The commands live next to this file, along cluster.c / t_string.c units: cluster-command.ts
 * (CLUSTER subcommands, SETSLOT), migrate.ts (MIGRATE), data-commands.ts (string and keyspace
 * commands, RESTORE); reply.ts holds the shared reply helpers.
 */
import type { RespValue } from '@protolab/resp';
import { clusterCommand } from './cluster-command.js';
import { type Arg, argToString, lookupCommand, unknownCommandText } from './commands.js';
import { dataCommand } from './data-commands.js';
import { ClusterError, defined } from './errors.js';
import { finishMigrate, migrateCommand } from './migrate.js';
import { argAt, bytes, idBytes, keyId, R } from './reply.js';
import { keyHashSlot } from './slot.js';
import { clusterRedirectClient, getNodeByQuery, type NodeView } from './route.js';
import type { ClusterNodeInfo, SlotMap } from './topology.js';

export { DATA_COMMANDS } from './data-commands.js';
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
  /** Entries as the target must restore them: argv of RESTORE-ASKING key 0 payload [REPLACE]. */
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
}

export class ClusterNode {
  readonly id: string;
  readonly nodes: Map<string, ClusterNodeInfo>;
  slots: SlotMap;
  readonly migrating = new Map<number, string>();
  readonly importing = new Map<number, string>();
  /** db 0: key id → string value. */
  readonly store = new Map<string, Uint8Array>();
  /** Slot → key ids in insertion order (GETKEYSINSLOT walks newest first, like 7.0's list). */
  private readonly slotKeys = new Map<number, Set<string>>();
  private readonly view: NodeView;

  constructor(opts: ClusterNodeOptions) {
    this.id = opts.id;
    this.nodes = new Map(opts.nodes.map((n) => [n.id, n]));
    if (!this.nodes.has(opts.id)) throw new ClusterError('SLOT_RANGE', `ClusterNode: expected own id ${opts.id} in the node list, found ${[...this.nodes.keys()].join(', ')}`);
    this.slots = opts.slots.clone();
    const self = defined(this.nodes.get(opts.id), 'ClusterNode: own id is in the node list (checked above)');
    this.view = {
      myself: this.id,
      owner: (s) => this.slots.owner(s),
      migratingTo: (s) => this.migrating.get(s),
      importingFrom: (s) => this.importing.get(s),
      keyExists: (k) => this.store.has(keyId(k)),
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

  // -- keyspace helpers ------------------------------------------------------------------------

  /** Write a key of db 0, indexing it under its slot (used by the command files). */
  setKey(id: string, v: Uint8Array): void {
    if (!this.store.has(id)) {
      const slot = keyHashSlot(idBytes(id));
      let set = this.slotKeys.get(slot);
      if (set === undefined) this.slotKeys.set(slot, (set = new Set()));
      set.add(id);
    }
    this.store.set(id, v);
  }

  /** Delete a key of db 0 and its slot-index entry; false if it was not there. */
  delKey(id: string): boolean {
    if (!this.store.delete(id)) return false;
    const slot = keyHashSlot(idBytes(id));
    const set = this.slotKeys.get(slot);
    set?.delete(id);
    if (set?.size === 0) this.slotKeys.delete(slot);
    return true;
  }

  countKeysInSlot(slot: number): number {
    return this.slotKeys.get(slot)?.size ?? 0;
  }

  /** CLUSTER GETKEYSINSLOT order: newest key first (7.0 inserts at the head of the slot's list). */
  getKeysInSlot(slot: number, count: number): Uint8Array[] {
    const ids = [...(this.slotKeys.get(slot) ?? [])].reverse().slice(0, count);
    return ids.map(idBytes);
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
    let spec;
    try {
      spec = lookupCommand(argv);
    } catch (e) {
      if (e instanceof ClusterError) {
        if (conn.multi !== undefined) conn.multiDirty = true;
        return { reply: R.err(e.code === 'UNKNOWN_COMMAND' && argv.length === 0 ? unknownCommandText(['']) : e.message) };
      }
      throw e;
    }
    const inMulti = conn.multi !== undefined;
    const queues = inMulti && !['exec', 'discard', 'multi', 'watch'].includes(spec.name);

    if (!conn.fromMaster && (spec.keys(argv).length > 0 || spec.name === 'exec')) {
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
    return this.call(conn, spec.name, argv);
  }

  private call(conn: Connection, name: string, argv: readonly Arg[]): ExecOutcome {
    switch (name) {
      case 'ping':
        return { reply: argv.length > 1 ? R.bulk(bytes(argAt(argv, 1))) : R.simple('PONG') };
      case 'echo':
        return { reply: R.bulk(bytes(argAt(argv, 1))) };
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
      case 'dbsize':
        return { reply: R.int(this.store.size) };
      case 'flushall':
        for (const id of [...this.store.keys()]) this.delKey(id);
        return { reply: R.ok };
      default:
        return { reply: dataCommand(this, name, argv) };
    }
  }

  private exec(conn: Connection): RespValue {
    if (conn.multi === undefined) return R.err('ERR EXEC without MULTI');
    const queued = conn.multi;
    const dirty = conn.multiDirty;
    conn.multi = undefined;
    conn.multiDirty = false;
    if (dirty) return R.err('EXECABORT Transaction discarded because of previous errors.');
    const replies: RespValue[] = [];
    for (const argv of queued) {
      const out = this.call(conn, argToString(argAt(argv, 0)).toLowerCase(), argv);
      replies.push('reply' in out ? out.reply : R.err('ERR MIGRATE inside MULTI is not supported by this model'));
    }
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
