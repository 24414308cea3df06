/**
 * The replica's side (replication.c 7.0): replicationSetMaster / replicationUnsetMaster,
 * connectWithMaster, the link events (ReplicaLink), replicationCreateMasterClient after a full
 * load or +CONTINUE, the master's stream applied and proxied into our own backlog
 * (replicationFeedStreamFromMasterStream), replicationCacheMaster when the link breaks.
 */
import { NULL_REPLID } from '../node.js';
import { ReplBacklogBlocks } from './backlog-bytes.js';
import { feedStream } from './master.js';
import { ReplicaLink, type ReplicaLinkEvent } from './replica-link.js';
import type { ReplIo, ReplState } from './state.js';

const text = (b: Uint8Array | undefined): string => (b === undefined ? '' : new TextDecoder().decode(b));

/** Disconnect every replica of ours (disconnectSlaves): they reconnect and PSYNC. */
export function disconnectSlaves(st: ReplState, out: ReplIo[]): void {
  for (const id of [...st.slaves.keys(), ...st.handshakes.keys()]) out.push({ type: 'close', connId: id });
  st.slaves.clear();
  st.handshakes.clear();
}

/** shiftReplicationId: the old history stays reachable as replid2 up to second_replid_offset. */
export function shiftReplicationId(st: ReplState): void {
  st.replid2 = st.replid;
  st.second_replid_offset = st.master_repl_offset + 1;
  st.replid = st.host.newReplid();
}

/** replicationSetMaster: cache ourselves as the master to PSYNC with, then dial. */
export function replicationSetMaster(st: ReplState, host: string, port: number, out: ReplIo[]): void {
  const wasMaster = st.masterhost === undefined;
  dropLink(st, out);
  st.masterhost = host;
  st.masterport = port;
  disconnectSlaves(st, out);
  failWaits(st, out);
  if (wasMaster) st.cached = { replid: st.replid, offset: st.master_repl_offset }; // replicationCacheMasterUsingMyself
  st.master_link_down_since_ms = st.host.now();
  connectWithMaster(st, out);
}

/** replicationUnsetMaster (REPLICAOF NO ONE): a new replid, our replicas reconnect and +CONTINUE. */
export function replicationUnsetMaster(st: ReplState, out: ReplIo[]): void {
  if (st.masterhost === undefined) return;
  dropLink(st, out);
  st.masterhost = undefined;
  st.cached = undefined;
  shiftReplicationId(st);
  disconnectSlaves(st, out);
  st.slaveseldb = -1;
  st.repl_state = 'REPL_STATE_NONE';
}

function failWaits(st: ReplState, out: ReplIo[]): void {
  for (const w of st.waiting) out.push({ type: 'reply', connId: w.connId, value: { type: 'error', value: 'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)' } });
  st.waiting = [];
  st.waitingIds.clear();
}

function dropLink(st: ReplState, out: ReplIo[]): void {
  if (st.repl_state === 'LINK' || st.repl_state === 'REPL_STATE_CONNECTING') out.push({ type: 'closeMaster', link: st.linkId });
  if (st.link?.state === 'REPL_STATE_CONNECTED') st.host.masterClient?.({ type: 'free', cached: false });
  st.link = undefined;
  st.linkId++;
  st.repl_state = 'REPL_STATE_CONNECT';
}

/** connectWithMaster (also from replicationCron while REPL_STATE_CONNECT). */
export function connectWithMaster(st: ReplState, out: ReplIo[]): void {
  if (st.masterhost === undefined || st.repl_state !== 'REPL_STATE_CONNECT') return;
  st.linkId++;
  st.repl_state = 'REPL_STATE_CONNECTING';
  st.master_last_io_ms = st.host.now();
  out.push({ type: 'connectMaster', host: st.masterhost, port: st.masterport, link: st.linkId });
}

export function masterConnected(st: ReplState, link: number, out: ReplIo[]): void {
  if (link !== st.linkId || st.repl_state !== 'REPL_STATE_CONNECTING') return;
  st.repl_state = 'LINK';
  // A cached master (ours or the broken link's) makes the PSYNC partial: PSYNC replid offset+1.
  const pass = st.config.masterauth;
  st.link = new ReplicaLink({ listeningPort: st.host.listeningPort, cached: st.cached, ...(pass !== undefined ? { auth: { user: st.config.masteruser, pass } } : {}) });
  st.master_last_io_ms = st.host.now();
  onLinkEvents(st, st.link.connected(), out);
}

/**
 * The link broke. A link that was up (the master client freed: replicationCacheMaster) keeps what
 * we have as the cached master and dials again at once (replicationHandleMasterDisconnection,
 * 7.0: "Try to re-connect immediately rather than wait for replicationCron"); a handshake that
 * failed waits for replicationCron (cancelReplicationHandshake leaves REPL_STATE_CONNECT).
 */
export function masterClosed(st: ReplState, link: number, out: ReplIo[]): void {
  if (link !== st.linkId || st.masterhost === undefined) return;
  const l = st.link;
  const wasUp = l !== undefined && l.state === 'REPL_STATE_CONNECTED';
  if (wasUp) {
    st.cached = { replid: st.replid, offset: st.master_repl_offset }; // replicationCacheMaster
    st.master_link_down_since_ms = st.host.now();
    st.host.masterClient?.({ type: 'free', cached: true });
  }
  st.link = undefined;
  st.repl_state = 'REPL_STATE_CONNECT';
  if (wasUp && st.config.plantedBug !== 'reconnect-at-cron') connectWithMaster(st, out);
}

export function masterData(st: ReplState, link: number, bytes: Uint8Array, out: ReplIo[]): void {
  const l = st.link;
  if (link !== st.linkId || l === undefined) return;
  st.master_last_io_ms = st.host.now();
  onLinkEvents(st, l.input(bytes), out);
}

function onLinkEvents(st: ReplState, events: readonly ReplicaLinkEvent[], out: ReplIo[]): void {
  for (const e of events) {
    switch (e.type) {
      case 'send':
        out.push({ type: 'writeMaster', link: st.linkId, bytes: e.bytes });
        break;
      case 'fullresync':
        st.replicaStats.fullLoads++;
        st.cached = undefined;
        st.replid = e.replid;
        st.master_repl_offset = e.offset;
        break;
      case 'continue':
        onContinue(st, e.replid, out);
        break;
      case 'rdb':
        onRdb(st, e.payload, out);
        break;
      case 'command':
        onStreamCommand(st, e.argv, e.raw, out);
        break;
      case 'error':
        st.replicaStats.linkErrors.push(e.text);
        // A protocol error frees the master client without caching it (freeClient, CLIENT_PROTOCOL_ERROR).
        if (st.link?.state === 'REPL_STATE_CONNECTED') st.host.masterClient?.({ type: 'free', cached: false });
        out.push({ type: 'closeMaster', link: st.linkId });
        st.link = undefined;
        st.repl_state = 'REPL_STATE_CONNECT';
        break;
    }
  }
}

/** +CONTINUE [newid]: psync2 keeps the old id as replid2; our own replicas must learn it too. */
function onContinue(st: ReplState, newReplid: string | undefined, out: ReplIo[]): void {
  st.replicaStats.continues++;
  st.cached = undefined;
  // The master client keeps its db across the resumed link (the cached master's c->db): the master
  // does not repeat SELECT after +CONTINUE, because its slaveseldb did not change.
  if (st.config.plantedBug === 'select-reset-on-continue') st.masterDb = -1;
  if (newReplid !== undefined && newReplid !== st.replid) {
    shiftReplicationId(st);
    st.replid = newReplid;
    disconnectSlaves(st, out);
  }
  st.master_link_down_since_ms = 0;
  st.host.masterClient?.({ type: 'resurrect' }); // replicationResurrectCachedMaster
}

/** readSyncBulkPayload after the payload: load it, a fresh backlog, replid2 cleared. */
function onRdb(st: ReplState, payload: Uint8Array, out: ReplIo[]): void {
  try {
    st.host.loadRdb(payload);
  } catch (e) {
    st.replicaStats.linkErrors.push(`Failed trying to load the MASTER synchronization DB from socket: ${String(e)}`);
    out.push({ type: 'closeMaster', link: st.linkId });
    st.link = undefined;
    st.repl_state = 'REPL_STATE_CONNECT';
    return;
  }
  st.replid2 = NULL_REPLID; // clearReplicationId2
  st.second_replid_offset = -1;
  st.repl_backlog = new ReplBacklogBlocks(st.config.replBacklogSize, st.master_repl_offset);
  st.masterDb = -1;
  st.master_link_down_since_ms = 0;
  st.host.masterClient?.({ type: 'create' }); // replicationCreateMasterClient
  disconnectSlaves(st, out); // our sub-replicas must full-sync with the new dataset
}

/** One command of the master's stream: apply it (SELECT moves the master client's db), then proxy its bytes. */
function onStreamCommand(st: ReplState, argv: Uint8Array[], raw: Uint8Array, out: ReplIo[]): void {
  const name = text(argv[0]).toLowerCase();
  st.host.masterClient?.({ type: 'command', argv });
  if (name === 'select') st.masterDb = Number(text(argv[1]));
  else if (name !== 'ping' && name !== 'replconf' && name !== 'multi' && name !== 'exec') st.host.apply(st.masterDb < 0 ? 0 : st.masterDb, argv);
  feedStream(st, raw, out);
  // master_repl_offset follows what we processed; the link counts the same bytes.
  const l = st.link;
  if (l !== undefined && l.offset !== st.master_repl_offset) st.master_repl_offset = l.offset;
}
