/**
 * The master's side of replication as bytes (replication.c 7.0): syncCommand /
 * masterTryPartialResynchronization, the RDB transfer framed `$<len>` (disk) or `$EOF:<mark>`
 * (diskless, for replicas that said `capa eof`), replicationFeedSlaves with SELECT, REPLCONF ACK,
 * and WAIT (waitCommand / processClientsWaitingReplicas). State lives in `ReplState` (one
 * object shared with the replica side, like server.h's replication fields).
 */
import { encodeCommand, type RespValue } from '@protolab/resp';
import { ReplBacklogBlocks } from './backlog-bytes.js';
import { concatBytes } from './replica-link.js';
import type { ReplIo, ReplState, SlaveLink } from './state.js';
import { ReplicationError } from '../errors.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The error CLIENT UNBLOCK <id> ERROR gives a blocked client (networking.c clientCommand, 7.0). */
export const UNBLOCKED_ERROR = 'UNBLOCKED client unblocked via CLIENT UNBLOCK';

/** createReplicationBacklog when the first replica asks for a sync. */
function ensureBacklog(st: ReplState): ReplBacklogBlocks {
  st.repl_backlog ??= new ReplBacklogBlocks(st.config.replBacklogSize, st.master_repl_offset);
  return st.repl_backlog;
}

/** SYNC / PSYNC replid offset from connection `connId`: +CONTINUE or +FULLRESYNC and an RDB. */
export function syncCommand(st: ReplState, connId: number, ip: string, psync: { replid: string; offset: number } | undefined, out: ReplIo[]): void {
  const nowMs = st.host.now();
  const prev = st.slaves.get(connId) ?? st.handshakes.get(connId);
  st.handshakes.delete(connId);
  const slave: SlaveLink = {
    connId,
    ip,
    listeningPort: prev?.listeningPort ?? 0,
    capaEof: prev?.capaEof ?? false,
    capaPsync2: prev?.capaPsync2 ?? false,
    state: 'wait_bgsave',
    ackOffset: 0,
    ackTimeMs: nowMs,
    pending: [],
  };
  st.slaves.set(connId, slave);
  if (psync !== undefined && tryPartial(st, slave, psync.replid, psync.offset, out)) return;
  st.stats.sync_full++;
  if (psync !== undefined && psync.replid !== '?') st.stats.sync_partial_err++;
  ensureBacklog(st);
  // replicationSetupSlaveForFullResync: force a SELECT in the stream that follows the RDB.
  st.slaveseldb = -1;
  const rdb = st.host.rdb({ replid: st.replid, offset: st.master_repl_offset, streamDb: 0, nowMs });
  const head: Uint8Array[] = [];
  if (psync !== undefined) head.push(ascii(`+FULLRESYNC ${st.replid} ${st.master_repl_offset}\r\n`));
  if (slave.capaEof && st.config.replDisklessSync) {
    const mark = st.host.newReplid();
    out.push({ type: 'write', connId, bytes: concatBytes([...head, ascii(`$EOF:${mark}\r\n`), rdb, ascii(mark)]) });
    slave.state = 'wait_ack'; // repl_put_online_on_ack: the stream waits for the replica's first ACK
  } else {
    out.push({ type: 'write', connId, bytes: concatBytes([...head, ascii(`$${rdb.length}\r\n`), rdb]) });
    slave.state = 'online';
  }
}

function tryPartial(st: ReplState, slave: SlaveLink, replid: string, psyncOffset: number, out: ReplIo[]): boolean {
  const known = replid === st.replid || (replid === st.replid2 && psyncOffset <= st.second_replid_offset);
  const b = st.repl_backlog;
  const from = st.config.plantedBug === 'continue-past-backlog' && b !== undefined ? Math.max(psyncOffset, b.offset) : psyncOffset;
  const bytes = known && b !== undefined ? b.from(from) : undefined;
  if (bytes === undefined) return false;
  st.stats.sync_partial_ok++;
  slave.state = 'online';
  // A psync2 replica learns a changed replid from +CONTINUE <replid>.
  const line = slave.capaPsync2 ? `+CONTINUE ${st.replid}\r\n` : '+CONTINUE\r\n';
  out.push({ type: 'write', connId: slave.connId, bytes: concatBytes([ascii(line), bytes]) });
  return true;
}

/** REPLCONF <option> <value> … from a replica (replconfCommand). `undefined`: no reply (ACK). */
export function replconfCommand(st: ReplState, connId: number, args: readonly string[], out: ReplIo[]): string | undefined {
  if (args.length % 2 !== 0) return 'ERR syntax error';
  for (let i = 0; i < args.length; i += 2) {
    const opt = (args[i] ?? '').toLowerCase();
    const val = args[i + 1] ?? '';
    if (opt === 'ack') {
      onAck(st, connId, Number(val), out);
      return undefined;
    }
    if (opt === 'getack') return undefined; // only a master's GETACK means anything (replica side)
    const s = st.slaves.get(connId) ?? st.handshakes.get(connId) ?? newHandshakeSlave(st, connId);
    if (opt === 'listening-port') {
      const port = Number(val);
      if (!Number.isInteger(port) || port < 0 || port > 65535) return 'ERR value is out of range';
      s.listeningPort = port;
    } else if (opt === 'capa') {
      if (val.toLowerCase() === 'eof') s.capaEof = true;
      else if (val.toLowerCase() === 'psync2') s.capaPsync2 = true;
    } else if (opt !== 'ip-address' && opt !== 'rdb-only' && opt !== 'rdb-filter-only') {
      return `ERR Unrecognized REPLCONF option: ${args[i] ?? ''}`;
    }
  }
  return 'OK';
}

function newHandshakeSlave(st: ReplState, connId: number): SlaveLink {
  const s: SlaveLink = { connId, ip: '', listeningPort: 0, capaEof: false, capaPsync2: false, state: 'handshake', ackOffset: 0, ackTimeMs: st.host.now(), pending: [] };
  st.handshakes.set(connId, s);
  return s;
}

/** REPLCONF ACK <offset>: repl_ack_off / repl_ack_time, put online on the first ACK, wake WAITs. */
function onAck(st: ReplState, connId: number, offset: number, out: ReplIo[]): void {
  const s = st.slaves.get(connId);
  if (s === undefined || !Number.isSafeInteger(offset)) return;
  if (offset > s.ackOffset) s.ackOffset = offset;
  s.ackTimeMs = st.host.now();
  if (s.state === 'wait_ack') {
    s.state = 'online';
    if (s.pending.length > 0) out.push({ type: 'write', connId, bytes: concatBytes(s.pending) });
    s.pending = [];
  }
  processClientsWaitingReplicas(st, out);
}

/** replicationFeedSlaves: SELECT when the db changes, the command as RESP, into backlog and replicas. */
export function feedSlaves(st: ReplState, db: number, argv: readonly Uint8Array[], out: ReplIo[]): void {
  if (st.repl_backlog === undefined && st.slaves.size === 0) {
    // No backlog and no replicas: Redis does not count the offset either (master_repl_offset stays).
    return;
  }
  const parts: Uint8Array[] = [];
  if (st.slaveseldb !== db) {
    parts.push(encodeCommand(['SELECT', String(db)]));
    st.slaveseldb = db;
  }
  parts.push(encodeCommand(argv));
  feedStream(st, parts.length === 1 && parts[0] !== undefined ? parts[0] : concatBytes(parts), out);
}

/** The bytes of the stream: offset, backlog, then every replica (buffered while it waits for its first ACK). */
export function feedStream(st: ReplState, bytes: Uint8Array, out: ReplIo[]): void {
  st.master_repl_offset += bytes.length;
  ensureBacklog(st).feed(bytes);
  for (const s of st.slaves.values()) {
    if (s.state === 'online') out.push({ type: 'write', connId: s.connId, bytes });
    else if (s.state === 'wait_ack') s.pending.push(bytes);
  }
}

/** replicationCountAcksByOffset */
export function countAcks(st: ReplState, offset: number): number {
  let n = 0;
  for (const s of st.slaves.values()) if (s.state === 'online' && s.ackOffset >= offset) n++;
  return n;
}

/** refreshGoodSlavesCount: online replicas whose last ACK is at most min-replicas-max-lag seconds old. */
export function goodSlaves(st: ReplState): number {
  const nowMs = st.host.now();
  let n = 0;
  for (const s of st.slaves.values()) if (s.state === 'online' && Math.floor((nowMs - s.ackTimeMs) / 1000) <= st.config.minReplicasMaxLagSec) n++;
  return n;
}

/**
 * waitCommand: answer now, or block the client and ask the replicas for an ACK. Inside MULTI/EXEC
 * (`inMulti`, CLIENT_MULTI) it never blocks: the count now.
 */
export function waitCommand(st: ReplState, connId: number, numreplicas: number, timeoutMs: number, woff: number, out: ReplIo[], inMulti = false): number | undefined {
  // blocked.c blockClient: a blocked client runs nothing, so it cannot WAIT twice (the host holds its commands).
  if (st.waitingIds.has(connId)) throw new ReplicationError('BAD_STATE', `connection ${connId} is already blocked in WAIT`);
  const acked = countAcks(st, woff);
  if (acked >= numreplicas || inMulti) return acked;
  st.waiting.push({ connId, numreplicas, woff, deadlineMs: timeoutMs > 0 ? st.host.now() + timeoutMs : undefined });
  st.waitingIds.add(connId);
  // replicationRequestAckFromSlaves → beforeSleep sends REPLCONF GETACK * through the stream.
  if (st.slaves.size > 0) feedSlaves(st, st.slaveseldb < 0 ? 0 : st.slaveseldb, [ascii('REPLCONF'), ascii('GETACK'), ascii('*')], out);
  return undefined;
}

/**
 * CLIENT UNBLOCK of a client blocked in WAIT (redis/redis src/networking.c clientCommand's
 * "unblock" branch, 7.0: every CLIENT_BLOCKED client but a module's that may not time out,
 * BLOCKED_WAIT included). The reply it gets: with ERROR `-UNBLOCKED client unblocked via CLIENT
 * UNBLOCK`, otherwise what its timeout gives (src/blocked.c replyToBlockedClientTimedOut,
 * BLOCKED_WAIT: replicationCountAcksByOffset of its offset, now). It leaves the list of waiting
 * clients (unblockClient → unblockClientWaitingReplicas), so neither a later ACK nor its deadline
 * answers it again. `undefined` (Redis's :0) when `connId` is not waiting.
 */
export function unblockClientWaitingReplicas(st: ReplState, connId: number, unblockError: boolean): RespValue | undefined {
  if (!st.waitingIds.has(connId)) return undefined;
  const i = st.waiting.findIndex((w) => w.connId === connId);
  const w = st.waiting[i];
  if (w === undefined) return undefined;
  st.waiting.splice(i, 1);
  st.waitingIds.delete(connId);
  if (unblockError) return { type: 'error', value: UNBLOCKED_ERROR };
  return { type: 'integer', value: BigInt(countAcks(st, w.woff)) };
}

/** processClientsWaitingReplicas plus the WAIT timeouts (blockedBeforeSleep / replyToBlockedClientTimedOut). */
export function processClientsWaitingReplicas(st: ReplState, out: ReplIo[]): void {
  const nowMs = st.host.now();
  st.waiting = st.waiting.filter((w) => {
    const n = countAcks(st, w.woff);
    if (n < w.numreplicas && (w.deadlineMs === undefined || w.deadlineMs > nowMs)) return true;
    out.push({ type: 'reply', connId: w.connId, value: { type: 'integer', value: BigInt(n) } });
    st.waitingIds.delete(w.connId);
    return false;
  });
}

/** The invariant of `st.waitingIds`: exactly the connection ids in `st.waiting`, none twice (tests, debugging). */
export function checkWaitingIndex(st: ReplState): void {
  const ids = st.waiting.map((w) => w.connId);
  const distinct = new Set(ids);
  const same = distinct.size === ids.length && distinct.size === st.waitingIds.size && ids.every((id) => st.waitingIds.has(id));
  if (!same) throw new ReplicationError('BAD_STATE', `waiting ids [${[...st.waitingIds].join(',')}] differ from the WAIT list [${ids.join(',')}]`);
}
