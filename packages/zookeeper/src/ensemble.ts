/**
 * An ensemble of QuorumPeers on @protolab/sim: every server is a sim node named `s<sid>`;
 * its durable state (epoch files, snapshot + txn log) lives in the node's DurableStore, which
 * is all a restart gets back. Network faults, crashes and time come from the sim.
 */
import { Sim, type LinkOptions, type NodeContext } from '@protolab/sim';
import { applyWrite, loadDurable, loadEpochs, NOTE_EVENTS, noteText } from './ensemble-store.js';
import { ZkError, checkSid } from './errors.js';
import { describeMessage, type Message, type Txn } from './messages.js';
import { timerKey, type PeerEvent, type PeerOutput, type PeerTimer, type PeerTimings, type PlantedBugs } from './peer-types.js';
import { QuorumPeer } from './quorum-peer.js';
import { BuggyHalfQuorum, QuorumMaj, type QuorumVerifier } from './quorum.js';
import type { SyncMode } from './sync.js';
import type { ServerState, Vote } from './vote.js';
import type { Zxid } from './zxid.js';

export interface EnsembleOptions {
  /** Number of voting servers, sids 1..n (ignored if `voters` is given). */
  n?: number;
  voters?: readonly number[];
  observers?: readonly number[];
  /** A custom verifier (e.g. QuorumHierarchical) over the voters. */
  verifier?: QuorumVerifier;
  seed: number | string;
  link?: Partial<LinkOptions>;
  timings?: Partial<PeerTimings>;
  commitLogCount?: number;
  snapCount?: number;
  snapshotSizeFactor?: number;
  planted?: PlantedBugs & { quorumOfHalf?: boolean };
  /** Keep the sim trace (default true; benches turn it off). */
  trace?: boolean;
  /**
   * How many of the newest peer events `Ensemble.events` keeps (older ones are dropped).
   * Default: 100 000 with the trace on, 0 with it off, so a long untraced run never grows.
   * `eventCounts` counts every event whatever this is.
   */
  eventLimit?: number;
}

export interface EnsembleEvent {
  t: number;
  sid: number;
  event: PeerEvent;
  /** The server that emitted it, as it is right now (for monitors). */
  peer: QuorumPeer;
}

interface NodeHandle {
  peer: QuorumPeer;
  onMessage(from: string, msg: Message): void;
  onTimer(key: string, data: unknown): void;
  onInput(input: unknown): void;
}

export const nodeName = (sid: number): string => `s${String(sid)}`;
export const sidOf = (name: string): number => Number(name.slice(1));

/** The data of a sim timer this ensemble armed is the PeerTimer itself. */
function isPeerTimer(data: unknown): data is PeerTimer {
  return typeof data === 'object' && data !== null && typeof (data as { name?: unknown }).name === 'string';
}

export class Ensemble {
  readonly sim: Sim<Message>;
  readonly voters: readonly number[];
  readonly observers: readonly number[];
  readonly servers: readonly number[];
  readonly verifier: QuorumVerifier;
  /** How many events of each type the servers emitted (every one, whatever `eventLimit` is). */
  readonly eventCounts = new Map<PeerEvent['type'], number>();
  /** Listeners called synchronously for every peer event (the safety monitor uses this). */
  readonly listeners: ((e: EnsembleEvent) => void)[] = [];
  private readonly opts: EnsembleOptions;
  private readonly added = new Set<number>();
  private readonly traceOn: boolean;
  private readonly eventLimit: number;
  private readonly eventBuffer: EnsembleEvent[] = [];
  /** Node names by sid and back, built once (they are looked up on every message). */
  private readonly nameBySid = new Map<number, string>();
  private readonly sidByName = new Map<string, number>();

  constructor(opts: EnsembleOptions) {
    this.opts = opts;
    if (opts.voters === undefined && opts.n !== undefined && (!Number.isSafeInteger(opts.n) || opts.n < 1)) {
      throw new ZkError('BAD_CONFIG', `expected n to be a positive integer, found ${String(opts.n)}`);
    }
    this.voters = (opts.voters ?? Array.from({ length: opts.n ?? 3 }, (_, i) => i + 1)).map((s) => checkSid(s, 'a voter sid'));
    this.observers = (opts.observers ?? []).map((s) => checkSid(s, 'an observer sid'));
    this.servers = [...this.voters, ...this.observers];
    if (new Set(this.servers).size !== this.servers.length) throw new ZkError('BAD_CONFIG', `expected distinct sids, found [${this.servers.join(',')}]`);
    this.verifier = opts.verifier ?? (opts.planted?.quorumOfHalf === true ? new BuggyHalfQuorum(this.voters) : new QuorumMaj(this.voters));
    this.traceOn = opts.trace ?? true;
    const limit = opts.eventLimit ?? (this.traceOn ? 100_000 : 0);
    if (!Number.isSafeInteger(limit) || limit < 0) throw new ZkError('BAD_CONFIG', `expected eventLimit to be a non-negative integer, found ${String(limit)}`);
    this.eventLimit = limit;
    for (const sid of this.servers) {
      this.nameBySid.set(sid, nodeName(sid));
      this.sidByName.set(nodeName(sid), sid);
    }
    // Labels are only needed for traces; the sim asks for one on every send and delivery.
    this.sim = new Sim<Message>({ seed: opts.seed, link: opts.link ?? {}, describe: this.traceOn ? describeMessage : () => '', trace: this.traceOn });
  }

  /**
   * The newest peer events, oldest first: at most `eventLimit` of them (none with the trace off,
   * unless `eventLimit` says otherwise), so memory stays bounded in long runs.
   */
  get events(): readonly EnsembleEvent[] {
    const b = this.eventBuffer;
    if (b.length > this.eventLimit) b.splice(0, b.length - this.eventLimit);
    return b;
  }

  private record(ev: EnsembleEvent): void {
    this.eventCounts.set(ev.event.type, (this.eventCounts.get(ev.event.type) ?? 0) + 1);
    if (this.eventLimit === 0) return;
    const b = this.eventBuffer;
    // Trimmed in halves, so each event is moved O(1) times; `events` trims the rest on read.
    if (b.length >= 2 * this.eventLimit) b.splice(0, b.length - this.eventLimit);
    b.push(ev);
  }

  private check(sid: number): void {
    checkSid(sid);
    if (!this.servers.includes(sid)) throw new ZkError('UNKNOWN_SERVER', `expected one of [${this.servers.join(',')}], found ${String(sid)}`);
  }

  private factory(sid: number) {
    return (ctx: NodeContext<Message>): NodeHandle => {
      const boot = (ctx.storage.get<number>('boots') ?? 0) + 1;
      ctx.storage.set('boots', boot);
      const cfg = {
        myid: sid,
        verifier: this.verifier,
        servers: this.servers,
        ...(this.opts.timings !== undefined ? { timings: this.opts.timings } : {}),
        ...(this.opts.commitLogCount !== undefined ? { commitLogCount: this.opts.commitLogCount } : {}),
        ...(this.opts.snapCount !== undefined ? { snapCount: this.opts.snapCount } : {}),
        ...(this.opts.snapshotSizeFactor !== undefined ? { snapshotSizeFactor: this.opts.snapshotSizeFactor } : {}),
        ...(this.opts.planted !== undefined ? { planted: this.opts.planted } : {}),
      };
      const durable = loadDurable(ctx.storage);
      const peer = new QuorumPeer(cfg, durable, boot);
      let logLen = durable.log.length;
      const names = this.nameBySid;
      const apply = (outs: PeerOutput[]): void => {
        for (const o of outs) {
          switch (o.kind) {
            case 'send':
              ctx.send(names.get(o.to) ?? nodeName(o.to), o.msg);
              break;
            case 'timer': {
              // A named sim timer per key: re-arming forgets the previous deadline (O(log n)).
              const key = timerKey(o.timer);
              if (ctx.timerDeadline(key) !== ctx.now() + o.delayMs) ctx.armTimer(key, o.delayMs, o.timer);
              break;
            }
            case 'cancel':
              ctx.disarmTimer(timerKey(o.timer));
              break;
            case 'persist':
              logLen = applyWrite(ctx.storage, o, logLen);
              break;
            case 'event': {
              const ev: EnsembleEvent = { t: ctx.now(), sid, event: o.event, peer };
              this.record(ev);
              if (this.traceOn && NOTE_EVENTS.has(o.event.type)) ctx.note(noteText(o.event));
              for (const l of this.listeners) l(ev);
              break;
            }
          }
        }
      };
      const handle: NodeHandle = {
        peer,
        onMessage: (from, msg) => { apply(peer.receive(this.sidByName.get(from) ?? sidOf(from), msg)); },
        onTimer: (_key, data) => { if (isPeerTimer(data)) apply(peer.onTimer(data)); },
        onInput: (input) => {
          const w = input as { type: 'write'; data: string };
          const r = peer.clientWrite(w.data);
          apply(r.outputs);
        },
      };
      apply(peer.start());
      return handle;
    };
  }

  // ---------------------------------------------------------------- control
  /** Starts a server for the first time, or restarts a stopped (or halted) one. */
  start(sid: number): void {
    this.check(sid);
    const name = nodeName(sid);
    if (!this.added.has(sid)) {
      this.added.add(sid);
      this.sim.addNode(name, this.factory(sid));
      return;
    }
    if (this.sim.isUp(name) && this.handle(sid).peer.halted !== undefined) this.sim.crash(name); // the exited process is gone
    if (!this.sim.isUp(name)) this.sim.restart(name);
  }

  startAll(): void {
    for (const sid of this.servers) this.start(sid);
  }

  /** Stops (kills) a server: memory and timers are gone, its fsynced state stays. */
  stop(sid: number): void {
    this.check(sid);
    if (this.added.has(sid) && this.sim.isUp(nodeName(sid))) this.sim.crash(nodeName(sid));
  }

  crash(sid: number): void {
    this.stop(sid);
  }

  restart(sid: number): void {
    this.start(sid);
  }

  /** The server runs: started, not stopped, and not halted by a fatal error. */
  isUp(sid: number): boolean {
    // Asked for every server after every simulated event (runUntil + stable): no allocation here.
    const name = this.nameBySid.get(sid);
    return name !== undefined && this.added.has(sid) && this.sim.isUp(name) && this.handle(sid).peer.halted === undefined;
  }

  /** Why a server halted (ZooKeeper would have exited), if it did. */
  halted(sid: number): string | undefined {
    return this.added.has(sid) && this.sim.isUp(nodeName(sid)) ? this.handle(sid).peer.halted : undefined;
  }

  partition(a: readonly number[], b: readonly number[]): void {
    for (const s of [...a, ...b]) this.check(s);
    this.sim.partition(a.map(nodeName), b.map(nodeName));
  }

  isolate(sid: number): void {
    this.check(sid);
    this.sim.isolate(nodeName(sid));
  }

  heal(): void {
    this.sim.heal();
  }

  /** A client write sent to `sid` (default: the current leader). Only a serving leader accepts it. */
  write(data: string, sid?: number): boolean {
    if (sid !== undefined) this.check(sid);
    const target = sid ?? this.leader();
    if (target === undefined || !this.isUp(target)) return false;
    this.sim.inject(nodeName(target), { type: 'write', data });
    return true;
  }

  runFor(ms: number): void {
    this.sim.runFor(ms);
  }

  runUntil(pred: (e: Ensemble) => boolean, opts: { maxMs?: number; maxSteps?: number } = {}): boolean {
    const deadline = this.sim.now() + (opts.maxMs ?? 600_000);
    return this.sim.runUntil(() => pred(this) || this.sim.now() >= deadline, opts.maxSteps !== undefined ? { maxSteps: opts.maxSteps } : {}) && pred(this);
  }

  // ---------------------------------------------------------------- introspection
  private handle(sid: number): NodeHandle {
    return this.sim.node<NodeHandle>(this.nameBySid.get(sid) ?? nodeName(sid));
  }

  /** The running server (undefined while it is down or halted). */
  peer(sid: number): QuorumPeer | undefined {
    return this.isUp(sid) ? this.handle(sid).peer : undefined;
  }

  /** The established (serving) leader with the highest epoch, if any. */
  leader(): number | undefined {
    let best: { sid: number; epoch: number } | undefined;
    for (const sid of this.servers) {
      const p = this.peer(sid);
      if (p?.isEstablishedLeader() === true) {
        const epoch = p.leaderEpoch() ?? -1;
        if (best === undefined || epoch > best.epoch) best = { sid, epoch };
      }
    }
    return best?.sid;
  }

  role(sid: number): ServerState | 'DOWN' {
    return this.peer(sid)?.state ?? 'DOWN';
  }

  roles(): Record<number, ServerState | 'DOWN'> {
    const r: Record<number, ServerState | 'DOWN'> = {};
    for (const sid of this.servers) r[sid] = this.role(sid);
    return r;
  }

  vote(sid: number): Vote | undefined {
    return this.peer(sid)?.currentVote;
  }

  epochs(sid: number): { acceptedEpoch: number; currentEpoch: number } {
    this.check(sid);
    return this.added.has(sid) ? loadEpochs(this.sim.storageOf(nodeName(sid))) : { acceptedEpoch: 0, currentEpoch: 0 };
  }

  /** lastProcessedZxid of a running server (what `srvr` prints as Zxid). */
  zxid(sid: number): Zxid | undefined {
    return this.peer(sid)?.db.lastProcessedZxid;
  }

  /** The durable txn log of a server (readable while it is down). */
  durableLog(sid: number): Txn[] {
    this.check(sid);
    return this.added.has(sid) ? loadDurable(this.sim.storageOf(nodeName(sid))).log : [];
  }

  /** Sync mode of the last completed sync of each learner (QuorumPeer.getSyncMode). */
  syncModes(): Record<number, SyncMode | undefined> {
    const r: Record<number, SyncMode | undefined> = {};
    for (const sid of this.servers) r[sid] = this.peer(sid)?.lastSyncMode;
    return r;
  }

  /**
   * Every server that is up agrees on the leader and the leader serves. (`runUntil` asks this
   * after every simulated event, so it looks at each server once and stops at the first no.)
   */
  stable(): boolean {
    let leader: number | undefined;
    for (const sid of this.servers) {
      const p = this.peer(sid);
      if (p === undefined) continue;
      if (p.state === 'LEADING') {
        if (leader !== undefined || !p.isEstablishedLeader()) return false;
        leader = sid;
      } else if (p.learner?.stage.name !== 'broadcast') return false;
      else if (leader !== undefined && p.learner.leader !== leader) return false;
    }
    if (leader === undefined) return false;
    for (const sid of this.servers) {
      const p: QuorumPeer | undefined = sid === leader ? undefined : this.peer(sid);
      if (p !== undefined && p.learner?.leader !== leader) return false;
    }
    return true;
  }
}
