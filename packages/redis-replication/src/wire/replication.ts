/**
 * `WireReplication`: one Redis server's replication (replication.c 7.0) over real bytes, as a
 * sans-I/O core. The host (e.g. @protolab/redis-server) routes the replication commands here
 * (REPLICAOF, PSYNC/SYNC, REPLCONF, WAIT, ROLE, INFO replication), hands in every write it
 * propagates, the bytes of its connection to its master, and a tick; it does what the returned
 * `ReplIo` say (write to a connection, dial the master…).
 */
import type { RespValue } from '@protolab/resp';
import { ReplicationError } from '../errors.js';
import { NULL_REPLID } from '../node.js';
import { checkWaitingIndex, countAcks, feedSlaves, feedStream, goodSlaves, processClientsWaitingReplicas, replconfCommand, syncCommand, unblockClientWaitingReplicas, waitCommand } from './master.js';
import { connectWithMaster, masterClosed, masterConnected, masterData, replicationSetMaster, replicationUnsetMaster } from './replica.js';
import { DEFAULT_WIRE_REPLICATION_CONFIG, type ReplIo, type ReplState, type WireReplicationConfig, type WireReplicationHost } from './state.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const bulk = (s: string): RespValue => ({ type: 'bulk', value: ascii(s) });
const int = (n: number): RespValue => ({ type: 'integer', value: BigInt(n) });

export class WireReplication {
  readonly st: ReplState;
  private nextCronMs = 0;
  private lastPingMs = 0;
  /** server.repl_no_slaves_since (ms): since when this server has had no replicas (repl-backlog-ttl). */
  private noSlavesSinceMs: number;

  constructor(host: WireReplicationHost, config: Partial<WireReplicationConfig> = {}) {
    this.st = {
      config: { ...DEFAULT_WIRE_REPLICATION_CONFIG, ...config },
      host,
      replid: host.newReplid(),
      replid2: NULL_REPLID,
      second_replid_offset: -1,
      master_repl_offset: 0,
      repl_backlog: undefined,
      slaveseldb: -1,
      slaves: new Map(),
      handshakes: new Map(),
      waiting: [],
      waitingIds: new Set(),
      stats: { sync_full: 0, sync_partial_ok: 0, sync_partial_err: 0 },
      masterhost: undefined,
      masterport: 0,
      link: undefined,
      linkId: 0,
      repl_state: 'REPL_STATE_NONE',
      masterDb: -1,
      master_link_down_since_ms: 0,
      master_last_io_ms: 0,
      cached: undefined,
      replicaStats: { fullLoads: 0, continues: 0, linkErrors: [] },
    };
    this.noSlavesSinceMs = host.now();
  }

  /**
   * CONFIG SET of replication parameters (config.c's apply functions): the new values take
   * effect at once where Redis reads them on every use (min-replicas-*, replica-read-only,
   * replica-serve-stale-data, INFO's slave_priority) and at the next cron for the timers
   * (repl-timeout, repl-ping-replica-period, repl-backlog-ttl). A new repl-backlog-size resizes
   * the backlog now (updateReplBacklogSize → resizeReplicationBacklog), trimming its oldest blocks.
   */
  configure(patch: Partial<WireReplicationConfig>): void {
    const next = { ...this.st.config, ...patch };
    if (!Number.isSafeInteger(next.replBacklogSize) || next.replBacklogSize < 1) throw new ReplicationError('BAD_CONFIG', `expected repl-backlog-size ≥ 1, found ${String(next.replBacklogSize)}`);
    this.st.config = next;
    if (patch.replBacklogSize !== undefined) this.st.repl_backlog?.resize(patch.replBacklogSize);
  }

  get isReplica(): boolean {
    return this.st.masterhost !== undefined;
  }

  /** A write the host propagated (server.c propagate → replicationFeedSlaves). Replicas proxy their master's stream instead. */
  propagate(db: number, argv: readonly Uint8Array[]): ReplIo[] {
    const out: ReplIo[] = [];
    if (!this.isReplica) feedSlaves(this.st, db, argv, out);
    return out;
  }

  /** REPLICAOF host port | NO ONE (replicaofCommand). */
  replicaof(host: string | undefined, port: number): { reply: string; out: ReplIo[] } {
    const out: ReplIo[] = [];
    if (host === undefined) {
      // replicationUnsetMaster: the promoted backlog is not freed at the next cron for want of replicas.
      if (this.st.masterhost !== undefined) this.noSlavesSinceMs = this.st.host.now();
      replicationUnsetMaster(this.st, out);
      return { reply: 'OK', out };
    }
    if (this.st.masterhost === host && this.st.masterport === port) return { reply: 'OK Already connected to specified master', out };
    replicationSetMaster(this.st, host, port, out);
    return { reply: 'OK', out };
  }

  masterConnected(link: number): ReplIo[] {
    const out: ReplIo[] = [];
    masterConnected(this.st, link, out);
    return out;
  }

  masterData(link: number, bytes: Uint8Array): ReplIo[] {
    const out: ReplIo[] = [];
    masterData(this.st, link, bytes, out);
    return out;
  }

  masterClosed(link: number): ReplIo[] {
    const out: ReplIo[] = [];
    masterClosed(this.st, link, out);
    return out;
  }

  /**
   * CLIENT KILL of the master client (networking.c clientKillCommand → freeClient(server.master)):
   * the link is closed and handled as broken — cached for a PSYNC, dialled again at once. Nothing
   * when there is no master client (the link is not up).
   */
  freeMasterClient(): ReplIo[] {
    const st = this.st;
    if (st.link?.state !== 'REPL_STATE_CONNECTED') return [];
    return [{ type: 'closeMaster', link: st.linkId }, ...this.masterClosed(st.linkId)];
  }

  /** REPLCONF from a client: the reply text ('OK' / an error), or undefined for none (ACK). */
  replconf(connId: number, args: readonly string[]): { reply: string | undefined; out: ReplIo[] } {
    const out: ReplIo[] = [];
    return { reply: replconfCommand(this.st, connId, args, out), out };
  }

  /** PSYNC replid offset / SYNC from a client (`psync` undefined for SYNC). An error text, or the writes. */
  sync(connId: number, ip: string, psync: { replid: string; offset: number } | undefined): { error: string | undefined; out: ReplIo[] } {
    const out: ReplIo[] = [];
    // "Can't SYNC while not connected with my master" (a replica serves sub-replicas only when its link is up).
    if (this.isReplica && this.st.link?.state !== 'REPL_STATE_CONNECTED') return { error: 'NOMASTERLINK Can\'t SYNC while not connected with my master', out };
    syncCommand(this.st, connId, ip, psync, out);
    return { error: undefined, out };
  }

  /**
   * WAIT numreplicas timeout: the count now, or undefined (the answer comes later as a `reply`).
   * `inMulti`: run by EXEC (CLIENT_MULTI), where WAIT never blocks.
   */
  wait(connId: number, numreplicas: number, timeoutMs: number, woff: number, inMulti = false): { count: number | undefined; out: ReplIo[] } {
    const out: ReplIo[] = [];
    return { count: waitCommand(this.st, connId, numreplicas, timeoutMs, woff, out, inMulti), out };
  }

  /**
   * CLIENT UNBLOCK <id> [TIMEOUT|ERROR] of a client blocked in WAIT (networking.c clientCommand,
   * blocked.c replyToBlockedClientTimedOut / unblockClient, 7.0): the reply the waiter gets now
   * (the count of replicas that acked its offset, or -UNBLOCKED with `unblockError`), which the
   * host writes to it; it is no longer waiting. `undefined` when `connId` is not in WAIT.
   */
  unblockWaiting(connId: number, unblockError: boolean): RespValue | undefined {
    return unblockClientWaitingReplicas(this.st, connId, unblockError);
  }

  /**
   * Whether `connId` is blocked in WAIT right now (CLIENT_BLOCKED with btype BLOCKED_WAIT: set by
   * blocked.c blockClient from replication.c waitCommand, cleared by unblockClient when the acks
   * arrive, the timeout fires, CLIENT UNBLOCK or the connection closes). For the host's INFO
   * blocked_clients and CLIENT LIST flag `b`.
   */
  isWaiting(connId: number): boolean {
    return this.st.waitingIds.has(connId);
  }

  /**
   * server.blocked_clients_by_type[BLOCKED_WAIT] (`blocked`), and how many of those waiters are in
   * server.clients_timeout_table (`withTimeout`: blocked.c addClientToTimeoutTable skips a client
   * whose timeout is 0, so `WAIT n 0` is not there).
   */
  waitingCounts(): { blocked: number; withTimeout: number } {
    let withTimeout = 0;
    for (const w of this.st.waiting) if (w.deadlineMs !== undefined) withTimeout++;
    return { blocked: this.st.waiting.length, withTimeout };
  }

  /** A client connection closed: forget it as a replica or a waiting client. */
  clientClosed(connId: number): void {
    this.st.slaves.delete(connId);
    this.st.handshakes.delete(connId);
    if (!this.st.waitingIds.delete(connId)) return;
    this.st.waiting = this.st.waiting.filter((w) => w.connId !== connId);
  }

  /**
   * For tests and debugging: throws a ReplicationError ('BAD_STATE') unless the index of waiting
   * connection ids (isWaiting's) holds exactly the ids in the WAIT list, each once.
   */
  checkWaitingIndex(): void {
    checkWaitingIndex(this.st);
  }

  /**
   * min-replicas-to-write (checkGoodReplicasStatus): false refuses writes with -NOREPLICAS. Off on
   * a replica, and when either min-replicas-to-write or min-replicas-max-lag is 0.
   */
  enoughGoodReplicas(): boolean {
    const c = this.st.config;
    return c.minReplicasToWrite === 0 || c.minReplicasMaxLagSec === 0 || this.isReplica || goodSlaves(this.st) >= c.minReplicasToWrite;
  }

  /**
   * processCommand's stale check: a replica whose link to its master is not up, with
   * replica-serve-stale-data no, refuses commands without the `stale` flag (-MASTERDOWN).
   */
  refusesStaleCommands(): boolean {
    return this.isReplica && !this.st.config.replicaServeStaleData && this.st.link?.state !== 'REPL_STATE_CONNECTED';
  }

  /** processCommand's read-only check: a replica with replica-read-only yes refuses its clients' writes (-READONLY). */
  refusesWrites(): boolean {
    return this.isReplica && this.st.config.replicaReadOnly;
  }

  /**
   * processClientsWaitingReplicas alone (server.c beforeSleep runs it, and blocked.c
   * handleBlockedClientsTimeout answers the WAITs past their deadline there): every WAIT that
   * has its acks or whose deadline has passed gets its answer. `tick` runs it too.
   */
  processClientsWaitingReplicas(): ReplIo[] {
    const out: ReplIo[] = [];
    if (this.st.waiting.length > 0) processClientsWaitingReplicas(this.st, out);
    return out;
  }

  /**
   * replicationCron (once a second, gated by the clock) and the WAIT deadlines (every call): the
   * server runs it in serverCron, at hz.
   */
  tick(): ReplIo[] {
    const out: ReplIo[] = [];
    const st = this.st;
    const nowMs = st.host.now();
    processClientsWaitingReplicas(st, out);
    if (st.slaves.size > 0) this.noSlavesSinceMs = nowMs;
    if (nowMs < this.nextCronMs) return out;
    this.nextCronMs = nowMs + 1000;
    if (st.masterhost !== undefined) this.replicaCron(nowMs, out);
    else this.backlogTtlCron(nowMs);
    for (const [id, s] of st.slaves) {
      if (s.state === 'online' && nowMs - s.ackTimeMs > st.config.replTimeoutSec * 1000) {
        out.push({ type: 'close', connId: id }); // "Disconnecting timedout replica"
        st.slaves.delete(id);
      }
    }
    if (st.masterhost === undefined && st.slaves.size > 0 && nowMs - this.lastPingMs >= st.config.replPingReplicaPeriodSec * 1000) {
      this.lastPingMs = nowMs;
      feedSlaves(st, st.slaveseldb < 0 ? 0 : st.slaveseldb, [ascii('PING')], out);
    }
    // Replicas waiting for a BGSAVE with nothing to read get a newline (keepalive) in Redis; ours never wait.
    return out;
  }

  /**
   * replicationCron: a master without replicas for more than repl-backlog-ttl seconds frees its
   * backlog, with a new replid and replid2 cleared (changeReplicationId, clearReplicationId2,
   * freeReplicationBacklog): no PSYNC can continue from the old history after that.
   */
  private backlogTtlCron(nowMs: number): void {
    const st = this.st;
    const ttl = st.config.replBacklogTtlSec;
    if (st.slaves.size > 0 || ttl === 0 || st.repl_backlog === undefined) return;
    if (Math.floor(nowMs / 1000) - Math.floor(this.noSlavesSinceMs / 1000) <= ttl) return;
    st.replid = st.host.newReplid();
    st.replid2 = NULL_REPLID;
    st.second_replid_offset = -1;
    st.repl_backlog = undefined;
  }

  private replicaCron(nowMs: number, out: ReplIo[]): void {
    const st = this.st;
    const l = st.link;
    if (st.repl_state === 'REPL_STATE_CONNECT') connectWithMaster(st, out);
    else if (nowMs - st.master_last_io_ms > st.config.replTimeoutSec * 1000) {
      out.push({ type: 'closeMaster', link: st.linkId }); // "MASTER timeout: no data nor PING received..."
      out.push(...this.masterClosed(st.linkId));
    } else if (l !== undefined && l.state === 'REPL_STATE_CONNECTED') {
      out.push({ type: 'writeMaster', link: st.linkId, bytes: l.ack() }); // replicationSendAck
    }
  }

  /** The link state as INFO and ROLE name it. */
  private linkState(): { role: string; info: string } {
    const st = this.st;
    const l = st.link;
    if (st.repl_state === 'REPL_STATE_CONNECT') return { role: 'connect', info: 'connect' };
    if (st.repl_state === 'REPL_STATE_CONNECTING') return { role: 'connecting', info: 'connecting' };
    if (l === undefined) return { role: 'connect', info: 'connect' };
    if (l.state === 'REPL_STATE_CONNECTED') return { role: 'connected', info: 'connected' };
    if (l.state === 'REPL_STATE_TRANSFER') return { role: 'sync', info: 'sync' };
    return { role: 'handshake', info: 'handshake' };
  }

  /** ROLE (roleCommand). */
  role(): RespValue {
    const st = this.st;
    if (st.masterhost !== undefined) {
      const off = st.link?.state === 'REPL_STATE_CONNECTED' ? st.master_repl_offset : -1;
      return { type: 'array', value: [bulk('slave'), bulk(st.masterhost), int(st.masterport), bulk(this.linkState().role), int(off)] };
    }
    const slaves: RespValue[] = [];
    for (const s of st.slaves.values()) {
      if (s.state !== 'online') continue;
      slaves.push({ type: 'array', value: [bulk(s.ip), bulk(String(s.listeningPort)), bulk(String(s.ackOffset))] });
    }
    return { type: 'array', value: [bulk('master'), int(st.master_repl_offset), { type: 'array', value: slaves }] };
  }

  /** The `# Replication` section of INFO (genRedisInfoString), lines without the header. */
  info(): string[] {
    const st = this.st;
    const nowMs = st.host.now();
    const lines: string[] = [`role:${st.masterhost === undefined ? 'master' : 'slave'}`];
    if (st.masterhost !== undefined) {
      const up = st.link?.state === 'REPL_STATE_CONNECTED';
      lines.push(`master_host:${st.masterhost}`, `master_port:${st.masterport}`, `master_link_status:${up ? 'up' : 'down'}`);
      lines.push(`master_last_io_seconds_ago:${up ? Math.floor((nowMs - st.master_last_io_ms) / 1000) : -1}`);
      lines.push(`master_sync_in_progress:${st.link?.state === 'REPL_STATE_TRANSFER' ? 1 : 0}`);
      lines.push(`slave_read_repl_offset:${st.master_repl_offset}`, `slave_repl_offset:${st.master_repl_offset}`);
      if (!up) lines.push(`master_link_down_since_seconds:${st.master_link_down_since_ms === 0 ? -1 : Math.floor((nowMs - st.master_link_down_since_ms) / 1000)}`);
      const c = st.config;
      lines.push(`slave_priority:${c.replicaPriority}`, `slave_read_only:${c.replicaReadOnly ? 1 : 0}`, `replica_announced:${c.replicaAnnounced ? 1 : 0}`);
    }
    const online = [...st.slaves.values()];
    lines.push(`connected_slaves:${online.length}`);
    online.forEach((s, i) => {
      const state = s.state === 'online' ? 'online' : s.state === 'wait_ack' ? 'wait_bgsave' : 'send_bulk';
      lines.push(`slave${i}:ip=${s.ip},port=${s.listeningPort},state=${state},offset=${s.ackOffset},lag=${Math.floor((nowMs - s.ackTimeMs) / 1000)}`);
    });
    if (st.config.minReplicasToWrite > 0 && st.config.minReplicasMaxLagSec > 0) lines.push(`min_slaves_good_slaves:${goodSlaves(st)}`);
    const b = st.repl_backlog;
    lines.push('master_failover_state:no-failover', `master_replid:${st.replid}`, `master_replid2:${st.replid2}`);
    lines.push(`master_repl_offset:${st.master_repl_offset}`, `second_repl_offset:${st.second_replid_offset}`);
    lines.push(`repl_backlog_active:${b === undefined ? 0 : 1}`, `repl_backlog_size:${st.config.replBacklogSize}`);
    lines.push(`repl_backlog_first_byte_offset:${b === undefined ? 0 : b.offset}`, `repl_backlog_histlen:${b === undefined ? 0 : b.histlen}`);
    return lines;
  }

  /** replicationCountAcksByOffset (for tests and INFO). */
  countAcks(offset: number): number {
    return countAcks(this.st, offset);
  }

  /** Raw bytes into the stream (tests: a master's PING or GETACK by hand). */
  feedRaw(bytes: Uint8Array): ReplIo[] {
    const out: ReplIo[] = [];
    feedStream(this.st, bytes, out);
    return out;
  }
}
