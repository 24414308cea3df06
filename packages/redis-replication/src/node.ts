import { ReplBacklog, commandLength, type StreamEntry } from './backlog.js';
import { ReplicationError } from './errors.js';
import {
  DEFAULT_REPLICATION_CONFIG,
  type ClientReply,
  type ReplMsg,
  type ReplOutput,
  type ReplState,
  type ReplicationConfig,
} from './types.js';
import { masterOnMessage } from './node-master.js';

/** replication.c cron period (replicationCron runs once a second). */
export const REPLICATION_CRON_MS = 1000;
/** repl-ping-replica-period default: the master PINGs its replicas through the stream every 10 s. */
export const REPL_PING_REPLICA_PERIOD_MS = 10_000;
export const READONLY_ERROR = "READONLY You can't write against a read only replica.";
export const NOREPLICAS_ERROR = 'NOREPLICAS Not enough good replicas to write.';
/** The replid a replica clears replid2 to (clearReplicationId2). */
export const NULL_REPLID = '0'.repeat(40);

interface KeyEntry {
  value: string;
  expireAtMs: number | undefined;
}

/** What the master knows of one replica (a slave client with SLAVE_STATE_ONLINE). */
export interface SlaveInfo {
  /** repl_ack_off: the last offset the replica acknowledged. */
  ackOffset: number;
  /** repl_ack_time. */
  ackTimeMs: number;
}

interface BlockedWait {
  readonly id: number;
  readonly numreplicas: number;
  readonly targetOffset: number;
  readonly deadlineMs: number | undefined;
}

/**
 * One Redis server's replication state (server.h `struct redisServer` replication fields), as a
 * sans-I/O core: the caller delivers messages and ticks with the virtual time, and sends what the
 * returned outputs say. `newReplid` draws a 40-hex-character id (the caller's seeded PRNG).
 */
export class ReplicationNode {
  role: 'master' | 'slave' = 'master';
  masterhost: string | undefined;
  repl_state: ReplState = 'REPL_STATE_NONE';
  /** repl_down_since: when the link to the master broke; undefined (Redis: 0) = not since a link was up. */
  repl_down_since: number | undefined;
  replid: string;
  replid2 = NULL_REPLID;
  second_replid_offset = -1;
  master_repl_offset = 0;
  repl_backlog: ReplBacklog;
  readonly slaves = new Map<string, SlaveInfo>();
  readonly data = new Map<string, KeyEntry>();
  /** Counters a test can use to show that each path is reached. */
  readonly stats = { fullResyncs: 0, partialResyncs: 0, backlogMisses: 0, linkResets: 0 };
  private pending: { replid: string; offset: number } | undefined;
  private lastInteractionMs = 0;
  private nextCronMs = 0;
  private lastPingMs = 0;
  private waits: BlockedWait[] = [];
  private nextWaitId = 1;

  constructor(
    readonly name: string,
    /** @internal */ readonly newReplid: () => string,
    readonly config: ReplicationConfig = DEFAULT_REPLICATION_CONFIG,
  ) {
    if (config.minReplicasToWrite < 0 || config.minReplicasMaxLagMs < 0 || config.replTimeoutMs <= 0) {
      throw new ReplicationError('BAD_CONFIG', `expected non-negative min-replicas settings and a positive repl-timeout, found ${JSON.stringify(config)}`);
    }
    this.replid = newReplid();
    this.repl_backlog = new ReplBacklog(config.replBacklogSize, 0);
  }

  /** REPLICAOF host / REPLICAOF NO ONE (replicaofCommand → replicationSetMaster / replicationUnsetMaster). */
  replicaof(host: string | null, nowMs: number): void {
    if (host === null) {
      if (this.role === 'master') return;
      this.shiftReplicationId();
      this.repl_down_since = undefined; // replicationUnsetMaster: INFO says -1 again
      this.role = 'master';
      this.masterhost = undefined;
      this.repl_state = 'REPL_STATE_NONE';
      this.pending = undefined;
      return;
    }
    // replicationSetMaster frees a connected master client: replicationHandleMasterDisconnection.
    if (this.role === 'slave' && this.repl_state === 'REPL_STATE_CONNECTED') this.repl_down_since = nowMs;
    this.role = 'slave';
    this.masterhost = host;
    // replicationSetMaster disconnects our own replicas and caches ourselves as the master, so the
    // PSYNC carries our replid and offset (replicationCacheMasterUsingMyself).
    this.slaves.clear();
    this.failWaits();
    this.repl_state = 'REPL_STATE_CONNECT';
    this.lastInteractionMs = nowMs;
  }

  /** shiftReplicationId: keep the old history reachable by PSYNC with the old replid. */
  private shiftReplicationId(): void {
    this.replid2 = this.replid;
    this.second_replid_offset = this.master_repl_offset + 1;
    this.replid = this.newReplid();
  }

  nextWakeup(): number {
    let t = this.nextCronMs;
    for (const w of this.waits) if (w.deadlineMs !== undefined && w.deadlineMs < t) t = w.deadlineMs;
    return t;
  }

  /** Called at (or after) `nextWakeup()`: replicationCron plus WAIT timeouts. */
  tick(nowMs: number): ReplOutput[] {
    const out: ReplOutput[] = [];
    this.expireWaits(nowMs, out);
    if (nowMs < this.nextCronMs) return out;
    this.nextCronMs = nowMs + REPLICATION_CRON_MS;
    if (this.role === 'slave') this.replicaCron(nowMs, out);
    else this.masterCron(nowMs, out);
    return out;
  }

  private replicaCron(nowMs: number, out: ReplOutput[]): void {
    const host = this.masterhost;
    if (host === undefined) return;
    if (this.repl_state === 'REPL_STATE_CONNECT') {
      this.repl_state = 'REPL_STATE_RECEIVE_PING_REPLY';
      this.lastInteractionMs = nowMs;
      out.push({ kind: 'send', to: host, msg: { type: 'PING' } });
      return;
    }
    if (nowMs - this.lastInteractionMs > this.config.replTimeoutMs) {
      this.resetLink(nowMs); // "Timeout connecting to the MASTER" / "MASTER timeout: no data nor PING received"
      return;
    }
    if (this.repl_state === 'REPL_STATE_CONNECTED') {
      out.push(this.ack(host)); // replicationSendAck, once a second
    }
  }

  private masterCron(nowMs: number, out: ReplOutput[]): void {
    for (const [name, s] of this.slaves) {
      if (nowMs - s.ackTimeMs > this.config.replTimeoutMs) this.slaves.delete(name); // "Disconnecting timedout replica"
    }
    if (this.slaves.size > 0 && nowMs - this.lastPingMs >= REPL_PING_REPLICA_PERIOD_MS) {
      this.lastPingMs = nowMs;
      this.propagate(['PING'], out);
    }
    this.activeExpireCycle(nowMs, out);
  }

  private ack(host: string): ReplOutput {
    return { kind: 'send', to: host, msg: { type: 'REPLCONF', args: ['ACK', String(this.master_repl_offset)] } };
  }

  /** The link to the master broke: back to CONNECT (replicationHandleMasterDisconnection). */
  private resetLink(nowMs: number): void {
    if (this.repl_state === 'REPL_STATE_CONNECTED') this.repl_down_since = nowMs;
    this.repl_state = 'REPL_STATE_CONNECT';
    this.pending = undefined;
    this.stats.linkResets++;
  }

  onMessage(from: string, msg: ReplMsg, nowMs: number): ReplOutput[] {
    const out: ReplOutput[] = [];
    if (this.role === 'master') masterOnMessage(this, from, msg, nowMs, out);
    else if (from === this.masterhost) this.replicaOnMessage(from, msg, nowMs, out);
    return out;
  }

  private replicaOnMessage(from: string, msg: ReplMsg, nowMs: number, out: ReplOutput[]): void {
    const send = (m: ReplMsg): void => void out.push({ kind: 'send', to: from, msg: m });
    const st = this.repl_state;
    if (st === 'REPL_STATE_RECEIVE_PING_REPLY' && msg.type === 'PONG') {
      this.advance('REPL_STATE_RECEIVE_PORT_REPLY', nowMs);
      send({ type: 'REPLCONF', args: ['listening-port', String(this.config.listeningPort)] });
    } else if (st === 'REPL_STATE_RECEIVE_PORT_REPLY' && msg.type === 'OK') {
      this.advance('REPL_STATE_RECEIVE_CAPA_REPLY', nowMs);
      send({ type: 'REPLCONF', args: ['capa', 'eof', 'capa', 'psync2'] });
    } else if (st === 'REPL_STATE_RECEIVE_CAPA_REPLY' && msg.type === 'OK') {
      this.advance('REPL_STATE_RECEIVE_PSYNC_REPLY', nowMs);
      send({ type: 'PSYNC', replid: this.replid, offset: this.master_repl_offset + 1 });
    } else if (st === 'REPL_STATE_RECEIVE_PSYNC_REPLY' && msg.type === 'FULLRESYNC') {
      this.pending = { replid: msg.replid, offset: msg.offset };
      this.advance('REPL_STATE_TRANSFER', nowMs);
    } else if (st === 'REPL_STATE_RECEIVE_PSYNC_REPLY' && msg.type === 'CONTINUE') {
      this.onContinue(msg.replid, nowMs, out);
    } else if (st === 'REPL_STATE_TRANSFER' && msg.type === 'RDB') {
      this.readSyncBulkPayload(msg, nowMs, out);
    } else if (st === 'REPL_STATE_CONNECTED' && msg.type === 'STREAM') {
      this.lastInteractionMs = nowMs;
      this.applyStream(msg.start, msg.cmds, nowMs, out);
    } else if (msg.type === 'STREAM' || msg.type === 'RDB') {
      // Data the link could not carry in this state (a reordered or stale message): over TCP this
      // means the connection broke, so resync.
      if (st !== 'REPL_STATE_CONNECT' && st !== 'REPL_STATE_NONE') this.resetLink(nowMs);
    }
  }

  private advance(state: ReplState, nowMs: number): void {
    if (state === 'REPL_STATE_CONNECTED') this.repl_down_since = undefined; // server.repl_down_since = 0
    this.repl_state = state;
    this.lastInteractionMs = nowMs;
  }

  /** +CONTINUE <new replid>: psync2 keeps the old id as replid2 (slaveTryPartialResynchronization). */
  private onContinue(newReplid: string, nowMs: number, out: ReplOutput[]): void {
    if (newReplid !== this.replid) {
      this.replid2 = this.replid;
      this.second_replid_offset = this.master_repl_offset + 1;
      this.replid = newReplid;
    }
    this.advance('REPL_STATE_CONNECTED', nowMs);
    if (this.masterhost !== undefined) out.push(this.ack(this.masterhost));
  }

  /** readSyncBulkPayload: check the framing, replace the dataset, start a fresh backlog. */
  private readSyncBulkPayload(msg: Extract<ReplMsg, { type: 'RDB' }>, nowMs: number, out: ReplOutput[]): void {
    const p = this.pending;
    const framed = msg.form === 'diskless' ? msg.header === `$EOF:${msg.trailer}` && msg.trailer.length === 40 : msg.header === `$${JSON.stringify(msg.entries).length}`;
    if (p === undefined || !framed) {
      this.resetLink(nowMs);
      return;
    }
    this.data.clear();
    for (const e of msg.entries) this.data.set(e.key, { value: e.value, expireAtMs: e.expireAtMs });
    this.replid = p.replid;
    this.master_repl_offset = p.offset;
    this.replid2 = NULL_REPLID; // clearReplicationId2
    this.second_replid_offset = -1;
    this.repl_backlog = new ReplBacklog(this.config.replBacklogSize, p.offset);
    this.pending = undefined;
    this.advance('REPL_STATE_CONNECTED', nowMs);
    if (this.masterhost !== undefined) out.push(this.ack(this.masterhost));
  }

  /** The master's stream: skip what we have, resync on a gap, apply and feed our own backlog. */
  private applyStream(start: number, cmds: readonly (readonly string[])[], nowMs: number, out: ReplOutput[]): void {
    let at = start;
    for (const argv of cmds) {
      const len = commandLength(argv);
      if (at <= this.master_repl_offset) {
        at += len;
        continue;
      }
      if (at !== this.master_repl_offset + 1) {
        this.resetLink(nowMs);
        return;
      }
      this.appendToStream(argv, len);
      at += len;
      this.applyReplicated(argv, nowMs, out);
    }
  }

  private appendToStream(argv: readonly string[], len: number): StreamEntry {
    const entry: StreamEntry = { start: this.master_repl_offset + 1, len, argv };
    this.master_repl_offset += len;
    this.repl_backlog.feed(entry);
    return entry;
  }

  private applyReplicated(argv: readonly string[], _nowMs: number, out: ReplOutput[]): void {
    const [cmd, a1, a2, a3, a4] = argv;
    if (cmd === 'SET' && a1 !== undefined && a2 !== undefined) {
      this.data.set(a1, { value: a2, expireAtMs: a3 === 'PXAT' && a4 !== undefined ? Number(a4) : undefined });
    } else if (cmd === 'DEL' && a1 !== undefined) {
      this.data.delete(a1);
    } else if (cmd === 'REPLCONF' && a1 === 'GETACK' && this.masterhost !== undefined) {
      out.push(this.ack(this.masterhost));
    }
  }

  /** replicationFeedSlaves: append to our stream and backlog, send to every online replica. */
  private propagate(argv: readonly string[], out: ReplOutput[]): void {
    const entry = this.appendToStream(argv, commandLength(argv));
    for (const name of this.slaves.keys()) out.push({ kind: 'send', to: name, msg: { type: 'STREAM', start: entry.start, cmds: [entry.argv] } });
  }

  /** refreshGoodSlavesCount: replicas whose last ACK is at most min-replicas-max-lag old. */
  goodReplicas(nowMs: number): number {
    let n = 0;
    for (const s of this.slaves.values()) if (nowMs - s.ackTimeMs <= this.config.minReplicasMaxLagMs) n++;
    return n;
  }

  /**
   * A client write: SET key value [PX ms] or DEL key. Returns the reply and, when accepted, the
   * offset the write ends at (the client's `woff`, for WAIT).
   */
  write(argv: readonly string[], nowMs: number): { reply: ClientReply; outputs: ReplOutput[]; woff: number } {
    const outputs: ReplOutput[] = [];
    const [cmd, key, value, px, ms] = argv;
    if (key === undefined || (cmd !== 'SET' && cmd !== 'DEL') || (cmd === 'SET' && value === undefined)) {
      throw new ReplicationError('BAD_COMMAND', `expected SET key value [PX ms] or DEL key, found ${JSON.stringify(argv)}`);
    }
    const err = (message: string) => ({ reply: { type: 'error', message } as const, outputs, woff: this.master_repl_offset });
    if (this.role === 'slave') return err(READONLY_ERROR);
    if (this.config.minReplicasToWrite > 0 && this.goodReplicas(nowMs) < this.config.minReplicasToWrite) return err(NOREPLICAS_ERROR);
    if (cmd === 'DEL') {
      const had = this.data.delete(key);
      if (had) this.propagate(['DEL', key], outputs);
      return { reply: { type: 'int', value: had ? 1 : 0 }, outputs, woff: this.master_repl_offset };
    }
    const expireAtMs = px === 'PX' && ms !== undefined ? nowMs + Number(ms) : undefined;
    this.data.set(key, { value: value ?? '', expireAtMs });
    // Relative expires propagate as absolute PXAT so replicas agree on the deadline (Redis 7.0).
    this.propagate(expireAtMs === undefined ? ['SET', key, value ?? ''] : ['SET', key, value ?? '', 'PXAT', String(expireAtMs)], outputs);
    return { reply: { type: 'ok' }, outputs, woff: this.master_repl_offset };
  }

  /**
   * GET (expireIfNeeded): a master deletes a logically expired key and propagates DEL; a replica
   * hides it but keeps it until the master's DEL arrives.
   */
  read(key: string, nowMs: number): { reply: ClientReply; outputs: ReplOutput[] } {
    const outputs: ReplOutput[] = [];
    const e = this.data.get(key);
    if (e === undefined) return { reply: { type: 'bulk', value: null }, outputs };
    if (e.expireAtMs !== undefined && e.expireAtMs <= nowMs) {
      if (this.role === 'master') {
        this.data.delete(key);
        this.propagate(['DEL', key], outputs);
      }
      return { reply: { type: 'bulk', value: null }, outputs };
    }
    return { reply: { type: 'bulk', value: e.value }, outputs };
  }

  /** activeExpireCycle, masters only (replicas never expire keys on their own). */
  activeExpireCycle(nowMs: number, out: ReplOutput[] = []): ReplOutput[] {
    if (this.role !== 'master') return out;
    for (const [key, e] of this.data) {
      if (e.expireAtMs !== undefined && e.expireAtMs <= nowMs) {
        this.data.delete(key);
        this.propagate(['DEL', key], out);
      }
    }
    return out;
  }

  /** replicationCountAcksByOffset. */
  countAcks(offset: number): number {
    let n = 0;
    for (const s of this.slaves.values()) if (s.ackOffset >= offset) n++;
    return n;
  }

  /**
   * WAIT numreplicas timeout (waitCommand): answers now, or blocks and asks the replicas for an
   * ACK (REPLCONF GETACK * through the stream). `timeoutMs` 0 blocks until enough replicas ack.
   */
  wait(numreplicas: number, timeoutMs: number, woff: number, nowMs: number): { reply: ClientReply | undefined; waitId: number; outputs: ReplOutput[] } {
    const outputs: ReplOutput[] = [];
    const waitId = this.nextWaitId++;
    if (this.role === 'slave') return { reply: { type: 'error', message: 'ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.' }, waitId, outputs };
    const acked = this.countAcks(woff);
    if (acked >= numreplicas) return { reply: { type: 'int', value: acked }, waitId, outputs };
    this.waits.push({ id: waitId, numreplicas, targetOffset: woff, deadlineMs: timeoutMs > 0 ? nowMs + timeoutMs : undefined });
    this.propagate(['REPLCONF', 'GETACK', '*'], outputs);
    return { reply: undefined, waitId, outputs };
  }

  private expireWaits(nowMs: number, out: ReplOutput[]): void {
    this.resolveWaits(out, (w) => w.deadlineMs !== undefined && w.deadlineMs <= nowMs);
  }

  private failWaits(): void {
    this.waits = [];
  }

  /** @internal */
  resolveWaits(out: ReplOutput[], done: (w: BlockedWait) => boolean): void {
    const keep: BlockedWait[] = [];
    for (const w of this.waits) {
      if (done(w)) out.push({ kind: 'waitReply', waitId: w.id, replicas: this.countAcks(w.targetOffset) });
      else keep.push(w);
    }
    this.waits = keep;
  }
}
