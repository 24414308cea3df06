/**
 * How an Ensemble keeps a server's disk in its sim node's DurableStore (one key per logged txn,
 * plus the epoch files, the log file list and the snapshot zxid), and the short trace notes
 * written for protocol events.
 */
import type { DurableStore } from '@protolab/sim';
import { ZkError } from './errors.js';
import type { Txn } from './messages.js';
import type { DurableState, PeerEvent, PeerOutput } from './peer-types.js';
import type { Zxid } from './zxid.js';

/**
 * A logged txn as the store keeps it: `<zxid in decimal> <data>`. The store deep-copies every
 * value in and out (structuredClone); a string costs a few hundred ns there, a `{ zxid: bigint,
 * data }` object ~3 µs, and every txn is written once per server (~100 writes per bench run).
 */
export function encodeTxn(t: Txn): string {
  return `${t.zxid.toString()} ${t.data}`;
}

/** The inverse of encodeTxn; a stored `Txn` object (as tests plant it) is taken as it is. */
export function decodeTxn(v: unknown): Txn | undefined {
  if (typeof v !== 'string') return v as Txn | undefined;
  const sp = v.indexOf(' ');
  if (sp < 1) throw new ZkError('INVARIANT', `a stored txn is "<zxid> <data>", found ${JSON.stringify(v.slice(0, 40))}`);
  return { zxid: BigInt(v.slice(0, sp)), data: v.slice(sp + 1) };
}

export function loadDurable(st: DurableStore): DurableState {
  // The log is the keys log.0, log.1, ... up to the first one missing (writes keep them contiguous).
  const log: Txn[] = [];
  for (let t = decodeTxn(st.get('log.0')); t !== undefined; t = decodeTxn(st.get(`log.${String(log.length)}`))) log.push(t);
  const epochs = loadEpochs(st);
  return {
    acceptedEpoch: epochs.acceptedEpoch,
    currentEpoch: epochs.currentEpoch,
    log,
    logFiles: st.get<Zxid[]>('logFiles') ?? [],
    snapZxid: st.get<Zxid>('snapZxid') ?? 0n,
  };
}

/** The two epoch files (keys `acceptedEpoch` and `currentEpoch`). */
export function loadEpochs(st: DurableStore): { acceptedEpoch: number; currentEpoch: number } {
  return { acceptedEpoch: st.get<number>('acceptedEpoch') ?? 0, currentEpoch: st.get<number>('currentEpoch') ?? 0 };
}

/**
 * Applies one durable write; `len` is the number of logged txns before it (the caller keeps it,
 * since every read of the store is a copy), and the number after it is returned.
 */
export function applyWrite(st: DurableStore, o: Extract<PeerOutput, { kind: 'persist' }>, len: number): number {
  const w = o.write;
  switch (w.op) {
    case 'epochs':
      st.set('acceptedEpoch', w.acceptedEpoch);
      st.set('currentEpoch', w.currentEpoch);
      return len;
    case 'append':
      w.txns.forEach((t, i) => { st.set(`log.${String(len + i)}`, encodeTxn(t)); });
      if (w.newFile) st.set('logFiles', w.logFiles);
      return len + w.txns.length;
    case 'truncate':
      for (let i = w.length; i < len; i++) st.delete(`log.${String(i)}`);
      st.set('logFiles', w.logFiles);
      st.set('snapZxid', w.snapZxid);
      return w.length;
    case 'replace':
      for (let i = 0; i < len; i++) st.delete(`log.${String(i)}`);
      w.txns.forEach((t, i) => { st.set(`log.${String(i)}`, encodeTxn(t)); });
      st.set('logFiles', w.logFiles);
      st.set('snapZxid', w.snapZxid);
      return w.txns.length;
  }
}

/** The events that become notes in the sim trace (one note each, in order). */
export const NOTE_EVENTS: ReadonlySet<PeerEvent['type']> = new Set<PeerEvent['type']>(['decided', 'epochChosen', 'synchronizing', 'established', 'syncSent', 'synced', 'lookingAgain', 'truncated', 'followerAhead', 'protocolError', 'fatal']);

export function noteText(e: PeerEvent): string {
  const hex = (z: bigint): string => '0x' + BigInt.asUintN(64, z).toString(16);
  switch (e.type) {
    case 'decided':
      return `${e.state} leader=${e.vote.leader} (round ${e.round}, via ${e.via})`;
    case 'established':
      return `established epoch ${e.epoch} (NEWLEADER acked by ${e.ackers.join(',')})`;
    case 'syncSent':
      return `sync s${e.learner}: ${e.mode} (peerLastZxid ${hex(e.peerLastZxid)}, ${e.reason})`;
    case 'synced':
      return `synced with s${e.leader} by ${e.mode}, epoch ${e.epoch}`;
    case 'lookingAgain':
      return `LOOKING: ${e.reason}`;
    case 'truncated':
      return `TRUNC ${hex(e.from)} -> ${hex(e.to)}`;
    case 'followerAhead':
      return `Follower is ahead of the leader: s${e.learner}`;
    case 'fatal':
      return `FATAL ${e.reason}`;
    case 'epochChosen':
      return `proposes epoch ${String(e.epoch)}`;
    case 'synchronizing':
      return `epoch ${String(e.epoch)} acked by ${e.ackers.join(',')}`;
    case 'protocolError':
      return `protocol error: ${e.error.message}`;
    default:
      return e.type;
  }
}

