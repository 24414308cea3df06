/**
 * Scenario: AOF and RDB side by side. Four Redis servers on one simulated machine get the same
 * stream of writes (one `SET w:<id> <id>` every `everyMs`): three with an append-only file
 * (@protolab/redis-aof's `aofServer`, appendfsync always / everysec / no) and one with RDB save
 * points only (@protolab/redis-rdb's `redisRdbNode`). The crash button is a power cut for all four
 * at the same instant (only fsynced bytes, and what the OS had written back, survive); each
 * server then restarts and loads what it has, and the page shows what each recovered of the
 * writes it had acknowledged.
 */
import { Sim, type NodeContext, type NodeHandlers } from '@protolab/sim';
import { Keyspace } from '@protolab/redis-keyspace';
import { aofServer, type AofServerNode } from '@protolab/redis-aof';
import { redisRdbNode, type RedisRdbNode } from '@protolab/redis-rdb';
import type { ScenarioRun } from '../timeline.js';

export interface PersistenceParams {
  readonly everyMs: number;
  readonly saveSeconds: number;
  readonly saveChanges: number;
  readonly osFlushDelayMs: number;
}

export type PersistenceAction = { readonly type: 'crash' } | { readonly type: 'bgsave' };

export const POLICIES = ['always', 'everysec', 'no'] as const;
export const SERVERS = ['aof-always', 'aof-everysec', 'aof-no', 'rdb'] as const;
type ServerName = (typeof SERVERS)[number];

export interface ServerRow {
  readonly name: ServerName;
  readonly acked: number;
  readonly keys: number;
  readonly lastCrash: { readonly acked: number; readonly recovered: number; readonly lostOldestMs: number | undefined } | undefined;
  readonly detail: string;
}

const T0 = Date.UTC(2026, 0, 1);

export class PersistenceRun implements ScenarioRun<PersistenceAction> {
  readonly sim: Sim;
  /** Per server: acknowledged write ids → ack time (derived from events; cleared on rewind). */
  private acked = new Map<ServerName, Map<number, number>>();
  private crashes = new Map<ServerName, ServerRow['lastCrash']>();
  private nextId = 0;

  constructor(readonly params: PersistenceParams, readonly seed: number) {
    const sim = new Sim<never>({ seed, startMs: T0, tornWrites: true, osFlushDelayMs: params.osFlushDelayMs, trace: true });
    this.sim = sim as unknown as Sim;
    for (const policy of POLICIES) {
      const name = `aof-${policy}` as ServerName;
      const base = aofServer({
        appendfsync: policy,
        fsyncDurationMs: 2,
        keyspace: (now, onPropagate) => new Keyspace({ now, onPropagate }),
        onAck: (a) => { this.ackedOf(name).set(a.id, a.atMs); },
      });
      sim.addNode(name, this.withWriter(name, (ctx) => base(ctx), (node, id) => {
        (node).onInput?.({ type: 'command', id, argv: ['SET', `w:${String(id)}`, String(id)] }, id);
      }, (node) => (node).ks));
    }
    const rdb = redisRdbNode({
      createStore: (now) => new Keyspace({ now }),
      saveParams: [{ seconds: params.saveSeconds, changes: params.saveChanges }],
    });
    sim.addNode('rdb', this.withWriter('rdb', (ctx) => rdb(ctx), (node, id, now) => {
      (node).onInput?.({ type: 'cmd', argv: ['SET', `w:${String(id)}`, String(id)] }, id);
      this.ackedOf('rdb').set(id, now);
    }, (node) => (node).store as unknown as Keyspace));
  }

  private ackedOf(name: ServerName): Map<number, number> {
    let m = this.acked.get(name);
    if (m === undefined) { m = new Map(); this.acked.set(name, m); }
    return m;
  }

  /**
   * Wraps a server's factory with the client that writes to it: a timer every `everyMs` sends the
   * next write (ids are shared by the four servers, so they all get the same stream). On every
   * start after the first, it checks which acknowledged writes the server recovered.
   */
  private withWriter<N extends NodeHandlers<never>>(name: ServerName, make: (ctx: NodeContext<never>) => N, write: (node: N, id: number, now: number) => void, keyspaceOf: (node: N) => { execute(argv: readonly string[]): { type: string } }): (ctx: NodeContext<never>) => NodeHandlers<never> {
    return (ctx) => {
      const node = make(ctx);
      const acked = this.ackedOf(name);
      if (acked.size > 0) {
        const ks = keyspaceOf(node);
        let recovered = 0;
        let oldestLost: number | undefined;
        for (const [id, at] of acked) {
          if (ks.execute(['GET', `w:${String(id)}`]).type === 'bulk') recovered++;
          else if (oldestLost === undefined || at < oldestLost) oldestLost = at;
        }
        this.crashes.set(name, { acked: acked.size, recovered, lostOldestMs: oldestLost === undefined ? undefined : ctx.now() - oldestLost });
        acked.clear();
      }
      ctx.armTimer('client-write', this.params.everyMs);
      const onTimer = node.onTimer?.bind(node);
      return {
        ...node,
        onTimer: (timer: string, data: unknown): void => {
          if (timer !== 'client-write') { onTimer?.(timer, data); return; }
          if (name === 'aof-always') this.nextId++;
          write(node, this.nextId, ctx.now());
          ctx.armTimer('client-write', this.params.everyMs);
        },
        onInput: node.onInput?.bind(node),
      } as NodeHandlers<never>;
    };
  }

  apply(a: PersistenceAction): void {
    if (a.type === 'bgsave') {
      this.sim.inject('rdb', { type: 'BGSAVE' });
      return;
    }
    for (const s of SERVERS) this.sim.crash(s);
    for (const s of SERVERS) this.sim.restart(s);
  }


  rows(): ServerRow[] {
    return SERVERS.map((name) => {
      const up = this.sim.isUp(name);
      let keys = 0;
      let detail = '';
      if (up && name === 'rdb') {
        const n = this.sim.node<RedisRdbNode>('rdb');
        keys = (n.store as unknown as Keyspace).dbsize();
        const p = n.persistence();
        detail = `dirty ${String(p.dirty)} · lastsave ${String(Math.floor(this.sim.now() / 1000) - p.lastsaveSec)} s ago${p.child !== undefined ? ' · BGSAVE running' : ''}${p.lastBgsaveOk ? '' : ' · last BGSAVE failed'}`;
      } else if (up) {
        const n = this.sim.node<AofServerNode>(name);
        keys = (n.ks as unknown as Keyspace).dbsize();
        const f = n.aof.fsyncState;
        detail = `delayed fsyncs ${String(f.delayedFsync)}`;
      }
      return { name, acked: this.ackedOf(name).size, keys, lastCrash: this.crashes.get(name), detail };
    });
  }
}

export function encodePersistenceAction(a: PersistenceAction): string {
  return a.type;
}

export function decodePersistenceAction(s: string): PersistenceAction {
  if (s === 'crash' || s === 'bgsave') return { type: s };
  throw new RangeError(`unknown persistence action '${s}'`);
}

export const PERSISTENCE_REAL = [
  ['appendfsync always', 'aof.c flushAppendOnlyFile runs in beforeSleep, before the replies are written: write(2) then fsync, so every acknowledged write is on disk.'],
  ['appendfsync everysec', 'flushAppendOnlyFile writes every loop but a background (bio) thread fsyncs once a second: a power cut loses up to about a second (two, on a slow disk).'],
  ['appendfsync no', 'write(2) only: the kernel writes dirty pages back when it likes (Linux: dirty_expire_centisecs, 30 s by default).'],
  ['RDB save points', 'server.c serverCron checks `save <seconds> <changes>`; rdb.c rdbSaveBackground forks, the child writes temp-<pid>.rdb, fsyncs and renames it over dump.rdb. A crash loses everything since the last completed snapshot.'],
] as const;
