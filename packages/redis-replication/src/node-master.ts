/**
 * The master's side of replication.c for ReplicationNode (node.ts), split from node.ts: a replica's
 * PING / REPLCONF / PSYNC (syncCommand → masterTryPartialResynchronization, else a full resync
 * whose snapshot rdbSaveRio / rdbSaveToSlavesSockets frame) and its REPLCONF ACK
 * (replconfCommand, which may release WAITing clients).
 */
import type { DatasetEntry, ReplMsg, ReplOutput } from './types.js';
import type { ReplicationNode } from './node.js';

export function masterOnMessage(node: ReplicationNode, from: string, msg: ReplMsg, nowMs: number, out: ReplOutput[]): void {
  const reply = (m: ReplMsg): void => void out.push({ kind: 'send', to: from, msg: m });
  if (msg.type === 'PING') reply({ type: 'PONG' });
  else if (msg.type === 'REPLCONF' && msg.args[0] === 'ACK') onAck(node, from, Number(msg.args[1]), nowMs, out);
  else if (msg.type === 'REPLCONF') reply({ type: 'OK' });
  else if (msg.type === 'PSYNC') syncCommand(node, from, msg.replid, msg.offset, nowMs, out);
}

/** syncCommand → masterTryPartialResynchronization, else a full resync with an RDB. */
function syncCommand(node: ReplicationNode, from: string, replid: string, psyncOffset: number, nowMs: number, out: ReplOutput[]): void {
  const reply = (m: ReplMsg): void => void out.push({ kind: 'send', to: from, msg: m });
  node.slaves.set(from, { ackOffset: 0, ackTimeMs: nowMs });
  const historyKnown = replid === node.replid || (replid === node.replid2 && psyncOffset <= node.second_replid_offset);
  const backlogged = historyKnown ? node.repl_backlog.from(psyncOffset) : undefined;
  if (historyKnown && backlogged === undefined) node.stats.backlogMisses++;
  if (backlogged !== undefined) {
    node.stats.partialResyncs++;
    reply({ type: 'CONTINUE', replid: node.replid });
    if (backlogged.length > 0) reply({ type: 'STREAM', start: psyncOffset, cmds: backlogged.map((e) => e.argv) });
    return;
  }
  node.stats.fullResyncs++;
  reply({ type: 'FULLRESYNC', replid: node.replid, offset: node.master_repl_offset });
  reply(rdbPayload(node, nowMs));
}

/** rdbSaveRio / rdbSaveToSlavesSockets: the snapshot, framed as disk `$<len>` or diskless `$EOF:<mark>`. */
function rdbPayload(node: ReplicationNode, nowMs: number): ReplMsg {
  const entries: DatasetEntry[] = [];
  for (const [key, e] of node.data) {
    if (e.expireAtMs === undefined || e.expireAtMs > nowMs) entries.push({ key, value: e.value, expireAtMs: e.expireAtMs });
  }
  if (node.config.replDisklessSync) {
    const mark = node.newReplid(); // CONFIG_RUN_ID_SIZE random bytes, like the EOF mark
    return { type: 'RDB', form: 'diskless', header: `$EOF:${mark}`, entries, trailer: mark };
  }
  return { type: 'RDB', form: 'disk', header: `$${JSON.stringify(entries).length}`, entries, trailer: '' };
}

function onAck(node: ReplicationNode, from: string, offset: number, nowMs: number, out: ReplOutput[]): void {
  const s = node.slaves.get(from);
  if (s === undefined || !Number.isSafeInteger(offset)) return;
  if (offset > s.ackOffset) s.ackOffset = offset;
  s.ackTimeMs = nowMs;
  node.resolveWaits(out, (w) => node.countAcks(w.targetOffset) >= w.numreplicas);
}
