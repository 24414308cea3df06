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
 */
import { NOT_INTEGER_ERR, SYNTAX_ERR, string2ll } from '@protolab/redis-common';
import { reply, type RespValue } from '@protolab/resp';
import { type Arg, argToString, lookupCommand, unknownCommandText } from './commands.js';
import { ClusterError } from './errors.js';
import { CLUSTER_SLOTS, keyHashSlot } from './slot.js';
import { clusterRedirectClient, getNodeByQuery, type NodeView } from './route.js';
import { type ClusterNodeInfo, clusterShardsReply, clusterSlotsReply, SlotMap } from './topology.js';

// Short names for @protolab/resp's reply constructors (the one set of them).
const R = {
  ok: reply.ok,
  simple: reply.simple,
  err: reply.error,
  int: reply.integer,
  bulk: reply.bulk,
  nil: reply.null,
  arr: reply.array,
};

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

/** The binary identity of a key: its bytes as a latin1 string (one char per byte). */
export function keyId(k: Arg): string {
  return typeof k === 'string' ? Buffer.from(k, 'utf8').toString('latin1') : Buffer.from(k.buffer, k.byteOffset, k.byteLength).toString('latin1');
}
function idBytes(id: string): Uint8Array {
  return Buffer.from(id, 'latin1');
}
function bytes(a: Arg): Uint8Array {
  return typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
}

/** The data commands this model executes (routing covers every command in the key-spec table). */
export const DATA_COMMANDS: readonly string[] = ['get', 'set', 'setnx', 'getdel', 'getset', 'del', 'unlink', 'exists', 'mget', 'mset', 'incr', 'incrby', 'decr', 'decrby', 'append', 'strlen', 'type', 'restore', 'restore-asking', 'migrate'];

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

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
    const self = this.nodes.get(opts.id)!;
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

  private setKey(id: string, v: Uint8Array): void {
    if (!this.store.has(id)) {
      const slot = keyHashSlot(idBytes(id));
      let set = this.slotKeys.get(slot);
      if (set === undefined) this.slotKeys.set(slot, (set = new Set()));
      set.add(id);
    }
    this.store.set(id, v);
  }

  private delKey(id: string): boolean {
    if (!this.store.delete(id)) return false;
    const slot = keyHashSlot(idBytes(id));
    const set = this.slotKeys.get(slot)!;
    set.delete(id);
    if (set.size === 0) this.slotKeys.delete(slot);
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
    const name = argv.length > 0 ? argToString(argv[0]!).toLowerCase() : '';
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

    if (queues) {
      conn.multi!.push([...argv]);
      return { reply: R.simple('QUEUED') };
    }
    return this.call(conn, spec.name, argv);
  }

  private call(conn: Connection, name: string, argv: readonly Arg[]): ExecOutcome {
    const a = (i: number): Arg => argv[i]!;
    const s = (i: number): string => argToString(argv[i]!);
    switch (name) {
      case 'ping':
        return { reply: argv.length > 1 ? R.bulk(bytes(a(1))) : R.simple('PONG') };
      case 'echo':
        return { reply: R.bulk(bytes(a(1))) };
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
        return { reply: this.clusterCommand(argv) };
      case 'migrate':
        return this.migrate(argv);
      case 'dbsize':
        return { reply: R.int(this.store.size) };
      case 'flushall':
        for (const id of [...this.store.keys()]) this.delKey(id);
        return { reply: R.ok };
      default:
        return { reply: this.dataCommand(name, argv, a, s) };
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
      const out = this.call(conn, argToString(argv[0]!).toLowerCase(), argv);
      replies.push('reply' in out ? out.reply : R.err('ERR MIGRATE inside MULTI is not supported by this model'));
    }
    return R.arr(replies);
  }

  private dataCommand(name: string, argv: readonly Arg[], a: (i: number) => Arg, s: (i: number) => string): RespValue {
    switch (name) {
      case 'get': {
        const v = this.store.get(keyId(a(1)));
        return v === undefined ? R.nil : R.bulk(v);
      }
      case 'set':
        return this.set(argv);
      case 'setnx': {
        const id = keyId(a(1));
        if (this.store.has(id)) return R.int(0);
        this.setKey(id, bytes(a(2)));
        return R.int(1);
      }
      case 'getset': {
        const id = keyId(a(1));
        const old = this.store.get(id);
        this.setKey(id, bytes(a(2)));
        return old === undefined ? R.nil : R.bulk(old);
      }
      case 'getdel': {
        const id = keyId(a(1));
        const old = this.store.get(id);
        if (old === undefined) return R.nil;
        this.delKey(id);
        return R.bulk(old);
      }
      case 'del':
      case 'unlink': {
        let n = 0;
        for (let i = 1; i < argv.length; i++) if (this.delKey(keyId(a(i)))) n++;
        return R.int(n);
      }
      case 'exists': {
        let n = 0;
        for (let i = 1; i < argv.length; i++) if (this.store.has(keyId(a(i)))) n++;
        return R.int(n);
      }
      case 'type':
        return R.simple(this.store.has(keyId(a(1))) ? 'string' : 'none');
      case 'mget':
        return R.arr(argv.slice(1).map((k) => {
          const v = this.store.get(keyId(k));
          return v === undefined ? R.nil : R.bulk(v);
        }));
      case 'mset':
        if ((argv.length - 1) % 2 !== 0) return R.err("ERR wrong number of arguments for 'mset' command");
        for (let i = 1; i < argv.length; i += 2) this.setKey(keyId(a(i)), bytes(a(i + 1)));
        return R.ok;
      case 'incr':
      case 'decr':
      case 'incrby':
      case 'decrby': {
        let by = 1n;
        if (name === 'incrby' || name === 'decrby') {
          const p = string2ll(s(2));
          if (p === undefined) return R.err(NOT_INTEGER_ERR);
          by = p;
        }
        if (name.startsWith('decr')) by = -by;
        const id = keyId(a(1));
        const cur = this.store.get(id);
        const base = cur === undefined ? 0n : string2ll(Buffer.from(cur).toString('latin1'));
        if (base === undefined) return R.err(NOT_INTEGER_ERR);
        const next = base + by;
        if (next < INT64_MIN || next > INT64_MAX) return R.err('ERR increment or decrement would overflow');
        this.setKey(id, Buffer.from(next.toString(), 'latin1'));
        return R.int(next);
      }
      case 'append': {
        const id = keyId(a(1));
        const v = Buffer.concat([this.store.get(id) ?? new Uint8Array(0), bytes(a(2))]);
        this.setKey(id, v);
        return R.int(v.length);
      }
      case 'strlen':
        return R.int(this.store.get(keyId(a(1)))?.length ?? 0);
      case 'restore':
      case 'restore-asking':
        return this.restore(argv);
      default:
        return R.err(`ERR protolab redis-cluster model does not implement '${name}' (it is routed, not executed)`);
    }
  }

  private set(argv: readonly Arg[]): RespValue {
    let nx = false;
    let xx = false;
    let get = false;
    for (let i = 3; i < argv.length; i++) {
      const opt = argToString(argv[i]!).toLowerCase();
      if (opt === 'nx' && !xx) nx = true;
      else if (opt === 'xx' && !nx) xx = true;
      else if (opt === 'get') get = true;
      else return R.err(SYNTAX_ERR);
    }
    const id = keyId(argv[1]!);
    const old = this.store.get(id);
    const exists = old !== undefined;
    if ((nx && exists) || (xx && !exists)) return get ? (old === undefined ? R.nil : R.bulk(old)) : R.nil;
    this.setKey(id, bytes(argv[2]!));
    if (get) return old === undefined ? R.nil : R.bulk(old);
    return R.ok;
  }

  /**
   * RESTORE / RESTORE-ASKING key ttl payload [REPLACE]. The payload here is the raw string value
   * (Redis sends DUMP format: RDB-encoded value + RDB version + CRC64); ttl must be 0.
   */
  private restore(argv: readonly Arg[]): RespValue {
    let replace = false;
    for (let i = 4; i < argv.length; i++) {
      if (argToString(argv[i]!).toLowerCase() === 'replace') replace = true;
      else return R.err(SYNTAX_ERR);
    }
    const id = keyId(argv[1]!);
    if (!replace && this.store.has(id)) return R.err('BUSYKEY Target key name already exists.');
    this.setKey(id, bytes(argv[3]!));
    return R.ok;
  }

  /** MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [KEYS k…] (cluster.c migrateCommand). */
  private migrate(argv: readonly Arg[]): ExecOutcome {
    let copy = false;
    let replace = false;
    let firstKeysArg = -1;
    for (let i = 6; i < argv.length; i++) {
      const opt = argToString(argv[i]!).toLowerCase();
      if (opt === 'copy') copy = true;
      else if (opt === 'replace') replace = true;
      else if (opt === 'keys') {
        if (argToString(argv[3]!) !== '') return { reply: R.err('ERR When using MIGRATE KEYS option, the key argument must be set to the empty string') };
        firstKeysArg = i + 1;
        break;
      } else return { reply: R.err(SYNTAX_ERR) };
    }
    const timeoutMs = Number(argToString(argv[5]!));
    const port = Number(argToString(argv[2]!));
    if (!Number.isInteger(timeoutMs) || !Number.isInteger(port)) return { reply: R.err(NOT_INTEGER_ERR) };
    const host = argToString(argv[1]!);
    const target = [...this.nodes.values()].find((n) => n.ip === host && n.port === port);
    if (target === undefined) return { reply: R.err(`IOERR error or timeout connecting to the client`) };
    const keyArgs = firstKeysArg === -1 ? [argv[3]!] : argv.slice(firstKeysArg);
    const restores: Arg[][] = [];
    const keys: string[] = [];
    for (const k of keyArgs) {
      const id = keyId(k);
      const v = this.store.get(id);
      if (v === undefined) continue; // missing keys are skipped
      keys.push(id);
      restores.push(replace ? ['RESTORE-ASKING', idBytes(id), '0', v, 'REPLACE'] : ['RESTORE-ASKING', idBytes(id), '0', v]);
    }
    if (keys.length === 0) return { reply: R.simple('NOKEY') };
    return { migrate: { target: target.id, host, port, timeoutMs: timeoutMs <= 0 ? 1000 : timeoutMs, copy, replace, restores, keys } };
  }

  /**
   * The target answered (one reply per RESTORE-ASKING) or the link failed (`replies` undefined).
   * Keys the target accepted are deleted here (unless COPY); the reply is MIGRATE's.
   */
  finishMigrate(job: MigrateJob, replies: readonly RespValue[] | undefined): RespValue {
    if (replies === undefined) return R.err('IOERR error or timeout reading to target instance');
    let firstError: string | undefined;
    job.keys.forEach((id, i) => {
      const r = replies[i];
      if (r === undefined || r.type === 'error') {
        firstError ??= r === undefined ? 'no reply' : r.value;
      } else if (!job.copy) {
        this.delKey(id);
      }
    });
    return firstError === undefined ? R.ok : R.err(`ERR Target instance replied with error: ${firstError}`);
  }

  // -- CLUSTER ---------------------------------------------------------------------------------

  private clusterCommand(argv: readonly Arg[]): RespValue {
    const sub = argToString(argv[1]!).toLowerCase();
    const n = argv.length;
    switch (sub) {
      case 'keyslot':
        if (n !== 3) return R.err("ERR wrong number of arguments for 'cluster|keyslot' command");
        return R.int(keyHashSlot(bytes(argv[2]!)));
      case 'countkeysinslot': {
        if (n !== 3) return R.err("ERR wrong number of arguments for 'cluster|countkeysinslot' command");
        const slot = string2ll(argToString(argv[2]!));
        if (slot === undefined) return R.err(NOT_INTEGER_ERR);
        if (slot < 0n || slot >= BigInt(CLUSTER_SLOTS)) return R.err('ERR Invalid slot');
        return R.int(this.countKeysInSlot(Number(slot)));
      }
      case 'getkeysinslot': {
        if (n !== 4) return R.err("ERR wrong number of arguments for 'cluster|getkeysinslot' command");
        const slot = string2ll(argToString(argv[2]!));
        const max = string2ll(argToString(argv[3]!));
        if (slot === undefined || max === undefined) return R.err(NOT_INTEGER_ERR);
        if (slot < 0n || slot >= BigInt(CLUSTER_SLOTS) || max < 0n) return R.err('ERR Invalid slot or number of keys');
        return R.arr(this.getKeysInSlot(Number(slot), Number(max)).map((k) => R.bulk(k)));
      }
      case 'myid':
        return R.bulk(this.id);
      case 'setslot':
        return this.setslot(argv);
      case 'slots':
        return toResp(clusterSlotsReply({ nodes: [...this.nodes.values()], slots: this.slots }));
      case 'shards':
        return toResp(clusterShardsReply({ nodes: [...this.nodes.values()], slots: this.slots }));
      case 'info': {
        const assigned = this.slots.ranges().reduce((acc, r) => acc + r.end - r.start + 1, 0);
        const masters = new Set(this.slots.ranges().map((r) => r.node)).size;
        const lines = [
          `cluster_state:${assigned === CLUSTER_SLOTS ? 'ok' : 'fail'}`,
          `cluster_slots_assigned:${assigned}`,
          `cluster_slots_ok:${assigned}`,
          'cluster_slots_pfail:0',
          'cluster_slots_fail:0',
          `cluster_known_nodes:${this.nodes.size}`,
          `cluster_size:${masters}`,
        ];
        return R.bulk(lines.join('\r\n') + '\r\n');
      }
      default:
        return R.err(`ERR unknown subcommand '${argToString(argv[1]!).slice(0, 128)}'. Try CLUSTER HELP.`);
    }
  }

  /** CLUSTER SETSLOT <slot> IMPORTING|MIGRATING <node> | STABLE | NODE <node> (cluster.c, 7.0). */
  private setslot(argv: readonly Arg[]): RespValue {
    if (argv.length < 4) return R.err("ERR wrong number of arguments for 'cluster|setslot' command");
    const slotN = string2ll(argToString(argv[2]!));
    if (slotN === undefined || slotN < 0n || slotN >= BigInt(CLUSTER_SLOTS)) return R.err('ERR Invalid or out of range slot');
    const slot = Number(slotN);
    const action = argToString(argv[3]!).toLowerCase();
    const nodeArg = argv.length > 4 ? argToString(argv[4]!) : undefined;
    const lookup = (): ClusterNodeInfo | RespValue => {
      const n = nodeArg === undefined ? undefined : this.nodes.get(nodeArg);
      return n ?? R.err(`ERR I don't know about node ${nodeArg ?? ''}`);
    };
    switch (action) {
      case 'migrating': {
        if (argv.length !== 5) return R.err(SYNTAX_ERR);
        if (this.slots.owner(slot) !== this.id) return R.err(`ERR I'm not the owner of hash slot ${slot}`);
        const n = lookup();
        if ('type' in n) return n;
        if (n.role !== 'master') return R.err('ERR Target node is not a master');
        this.migrating.set(slot, n.id);
        return R.ok;
      }
      case 'importing': {
        if (argv.length !== 5) return R.err(SYNTAX_ERR);
        if (this.slots.owner(slot) === this.id) return R.err(`ERR I'm already the owner of hash slot ${slot}`);
        const n = lookup();
        if ('type' in n) return n;
        if (n.role !== 'master') return R.err('ERR Target node is not a master');
        this.importing.set(slot, n.id);
        return R.ok;
      }
      case 'stable':
        if (argv.length !== 4) return R.err(SYNTAX_ERR);
        this.migrating.delete(slot);
        this.importing.delete(slot);
        return R.ok;
      case 'node': {
        if (argv.length !== 5) return R.err(SYNTAX_ERR);
        const n = lookup();
        if ('type' in n) return n;
        if (n.role !== 'master') return R.err('ERR Target node is not a master');
        if (this.slots.owner(slot) === this.id && n.id !== this.id && this.countKeysInSlot(slot) !== 0) {
          return R.err(`ERR Can't assign hashslot ${slot} to a different node while I still hold keys for this hash slot.`);
        }
        // A migrating slot with no keys left stops migrating once it is assigned away.
        if (this.countKeysInSlot(slot) === 0 && this.migrating.has(slot)) this.migrating.delete(slot);
        // Taking ownership of a slot we were importing closes the import (7.0 also bumps the
        // config epoch here; this model has no epochs, see README).
        if (n.id === this.id) this.importing.delete(slot);
        this.slots.assign(slot, n.id);
        return R.ok;
      }
      default:
        return R.err('ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP');
    }
  }
}

/** Plain data (numbers, strings, arrays, records) → RESP2-shaped RespValue (maps as flat arrays). */
export function toResp(v: unknown): RespValue {
  if (v === null || v === undefined) return R.nil;
  if (typeof v === 'number') return R.int(v);
  if (typeof v === 'string') return R.bulk(v);
  if (v instanceof Uint8Array) return R.bulk(v);
  if (Array.isArray(v)) return R.arr(v.map(toResp));
  if (typeof v === 'object') return R.arr(Object.entries(v).flatMap(([k, x]) => [R.bulk(k), toResp(x)]));
  return R.bulk(typeof v === 'boolean' || typeof v === 'bigint' ? v.toString() : typeof v);
}
