/**
 * Live resharding as a sans-I/O core, following redis-cli.c `clusterManagerMoveSlot` and
 * `clusterManagerMigrateKeysInSlot` (Redis 7.0): for each slot to move,
 *   1. `CLUSTER SETSLOT s IMPORTING <source>` on the target,
 *   2. `CLUSTER SETSLOT s MIGRATING <target>` on the source,
 *   3. `CLUSTER GETKEYSINSLOT s <pipeline>` then `MIGRATE host port "" 0 timeout KEYS …` on the
 *      source, until GETKEYSINSLOT answers an empty list,
 *   4. `CLUSTER SETSLOT s NODE <target>` on the target, then the source, then every other master.
 * A MIGRATE that failed (IOERR, or BUSYKEY after a lost reply) is retried with REPLACE, as
 * `redis-cli --cluster fix` does: safe, because the source still holds every key it lists.
 *
 * The core only decides. `enqueue(move)` and `onReply(reply)` return what to do next as data (a
 * command to send to a node, a note for the trace); the caller owns the network, the request ids
 * and the timers, and resends the last command when no reply comes (see adapters/sim-reshard.ts).
 * Exactly one command is outstanding at a time.
 */
import type { RespValue } from '@protolab/resp';
import type { Arg } from './commands.js';
import { ClusterError } from './errors.js';
import { showReply } from './messages.js';

/** A slot to move, and where to. */
export interface ReshardMove {
  readonly slot: number;
  readonly to: string;
}

/** A finished move. */
export interface ReshardDone {
  readonly slot: number;
  readonly from: string;
  readonly to: string;
  readonly keysMoved: number;
}

/** What the core asks its caller to do. */
export type ReshardOutput =
  | { readonly kind: 'send'; readonly node: string; readonly argv: readonly Arg[] }
  | { readonly kind: 'note'; readonly text: string };

/** The step of clusterManagerMoveSlot the current move is at. */
export type ReshardPhase = 'importing' | 'migrating' | 'getkeys' | 'migrate' | 'node';

export interface ReshardConfig {
  /** Every master (node names), in CLUSTER NODES order. */
  readonly masters: readonly string[];
  /** Node id of a node name (what SETSLOT takes). */
  readonly idOf: (name: string) => string;
  /** Address of a node name (what MIGRATE takes). */
  readonly addrOf: (name: string) => { readonly host: string; readonly port: number };
  /** Owner (node name) of every slot at the start. */
  readonly ownerAt: (slot: number) => string;
  /** Keys per GETKEYSINSLOT / MIGRATE (redis-cli --cluster-pipeline, default 10). */
  readonly pipeline?: number;
  /** MIGRATE timeout in ms (redis-cli --cluster-timeout: 60 000 there; default 50 here). */
  readonly migrateTimeoutMs?: number;
}

interface CurrentMove {
  readonly slot: number;
  readonly from: string;
  readonly to: string;
  phase: ReshardPhase;
  keys: Uint8Array[];
  replace: boolean;
  /** SETSLOT NODE order: target, source, every other master. */
  readonly nodeOrder: readonly string[];
  nodeIdx: number;
  moved: number;
}

export class Resharder {
  /** Moves finished, in order. */
  readonly done: ReshardDone[] = [];
  private readonly queue: ReshardMove[] = [];
  private readonly owner = new Map<number, string>();
  private cur: CurrentMove | undefined;
  private readonly pipeline: number;
  private readonly migrateTimeoutMs: number;

  constructor(private readonly cfg: ReshardConfig) {
    this.pipeline = cfg.pipeline ?? 10;
    this.migrateTimeoutMs = cfg.migrateTimeoutMs ?? 50;
  }

  /** True while a move runs or waits. */
  busy(): boolean {
    return this.cur !== undefined || this.queue.length > 0;
  }

  /** The move in progress and its step, for traces and transcripts. */
  current(): { readonly slot: number; readonly from: string; readonly to: string; readonly phase: ReshardPhase } | undefined {
    const c = this.cur;
    return c === undefined ? undefined : { slot: c.slot, from: c.from, to: c.to, phase: c.phase };
  }

  /** Queues a move; if nothing runs, starts it (the first command to send). */
  enqueue(move: ReshardMove): ReshardOutput[] {
    this.queue.push(move);
    return this.startNext([]);
  }

  /**
   * The reply to the outstanding command; returns the next command (and notes). An unexpected
   * reply (a refused SETSLOT, say) throws ClusterError REPLY_SHAPE naming the phase and slot.
   */
  onReply(r: RespValue): ReshardOutput[] {
    const c = this.cur;
    if (c === undefined) throw new ClusterError('REPLY_SHAPE', `resharder: a reply (${showReply(r)}) with no move in progress`);
    const fail = (): never => {
      throw new ClusterError('REPLY_SHAPE', `resharder: unexpected reply ${showReply(r)} in phase ${c.phase} for slot ${c.slot}`);
    };
    switch (c.phase) {
      case 'importing':
      case 'migrating':
        if (r.type !== 'simple') fail();
        c.phase = c.phase === 'importing' ? 'migrating' : 'getkeys';
        break;
      case 'getkeys':
        if (r.type !== 'array') return fail();
        c.keys = r.value.map((k) => (k.type === 'bulk' ? k.value : fail()));
        c.phase = c.keys.length === 0 ? 'node' : 'migrate';
        break;
      case 'migrate':
        if (r.type === 'simple') c.moved += r.value === 'OK' ? c.keys.length : 0;
        else if (r.type === 'error' && (r.value.startsWith('IOERR') || r.value.includes('BUSYKEY'))) c.replace = true;
        else fail();
        c.phase = 'getkeys';
        break;
      case 'node':
        if (r.type !== 'simple') fail();
        c.nodeIdx++;
        if (c.nodeIdx === c.nodeOrder.length) return this.finish(c);
        break;
    }
    return [this.command(c)];
  }

  private finish(c: CurrentMove): ReshardOutput[] {
    this.owner.set(c.slot, c.to);
    this.done.push({ slot: c.slot, from: c.from, to: c.to, keysMoved: c.moved });
    this.cur = undefined;
    return this.startNext([{ kind: 'note', text: `slot ${c.slot} now on ${c.to} (${c.moved} keys moved)` }]);
  }

  private startNext(out: ReshardOutput[]): ReshardOutput[] {
    while (this.cur === undefined) {
      const next = this.queue.shift();
      if (next === undefined) break;
      const from = this.owner.get(next.slot) ?? this.cfg.ownerAt(next.slot);
      if (from === next.to) continue; // already there: nothing to do
      const nodeOrder = [next.to, from, ...this.cfg.masters.filter((m) => m !== next.to && m !== from)];
      const c: CurrentMove = { slot: next.slot, from, to: next.to, phase: 'importing', keys: [], replace: false, nodeOrder, nodeIdx: 0, moved: 0 };
      this.cur = c;
      out.push({ kind: 'note', text: `reshard slot ${next.slot}: ${from} -> ${next.to}` }, this.command(c));
    }
    return out;
  }

  /** The command of the current phase. */
  private command(c: CurrentMove): ReshardOutput {
    const s = String(c.slot);
    const send = (node: string, argv: Arg[]): ReshardOutput => ({ kind: 'send', node, argv });
    switch (c.phase) {
      case 'importing':
        return send(c.to, ['CLUSTER', 'SETSLOT', s, 'IMPORTING', this.cfg.idOf(c.from)]);
      case 'migrating':
        return send(c.from, ['CLUSTER', 'SETSLOT', s, 'MIGRATING', this.cfg.idOf(c.to)]);
      case 'getkeys':
        return send(c.from, ['CLUSTER', 'GETKEYSINSLOT', s, String(this.pipeline)]);
      case 'migrate': {
        const t = this.cfg.addrOf(c.to);
        const argv: Arg[] = ['MIGRATE', t.host, String(t.port), '', '0', String(this.migrateTimeoutMs)];
        if (c.replace) argv.push('REPLACE');
        return send(c.from, [...argv, 'KEYS', ...c.keys]);
      }
      case 'node': {
        const node = c.nodeOrder[c.nodeIdx];
        if (node === undefined) throw new ClusterError('REPLY_SHAPE', `resharder: SETSLOT NODE past the last master for slot ${c.slot}`);
        return send(node, ['CLUSTER', 'SETSLOT', s, 'NODE', this.cfg.idOf(c.to)]);
      }
    }
  }
}
