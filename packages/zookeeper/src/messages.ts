/**
 * What travels between servers. Election notifications (QuorumCnxManager, election port) are
 * single datagram-like messages: a lost one is simply lost, as when a connection drops and
 * its send queue goes with it. Zab packets (quorum port) travel on a connection: every
 * message carries the connection id and a sequence number, and a gap (a lost or overtaking
 * message) breaks the connection, because TCP either delivers the stream in order or fails.
 */
import type { ServerState } from './vote.js';
import type { Zxid } from './zxid.js';

/** A transaction: its zxid and an opaque payload (a client write in the simulation). */
export interface Txn {
  zxid: Zxid;
  data: string;
}

/** FastLeaderElection.Notification / ToSend, with every wire field. */
export interface Notification {
  type: 'NOTIFICATION';
  state: ServerState;
  leader: number;
  zxid: Zxid;
  electionEpoch: number;
  peerEpoch: number;
  /** 2 in 3.8 (the config string that follows it is not modelled: static membership). */
  version: number;
  /**
   * Transport, not a wire field: the sender's process incarnation. A new one means a new
   * QuorumCnxManager connection, on which the receiver's SendWorker first sends the last
   * notification it had queued or sent for that peer (SendWorker.run, lastMessageSent).
   */
  boot?: number;
}

/** Leader.java packet types (the numbers are the wire codes). */
export const PACKET_CODE = {
  PROPOSAL: 2,
  ACK: 3,
  COMMIT: 4,
  PING: 5,
  REVALIDATE: 6,
  SYNC: 7,
  INFORM: 8,
  NEWLEADER: 10,
  FOLLOWERINFO: 11,
  UPTODATE: 12,
  DIFF: 13,
  TRUNC: 14,
  SNAP: 15,
  OBSERVERINFO: 16,
  LEADERINFO: 17,
  ACKEPOCH: 18,
} as const;

export type ZabPacket =
  | { type: 'FOLLOWERINFO'; zxid: Zxid /* (acceptedEpoch, 0) */ }
  | { type: 'OBSERVERINFO'; zxid: Zxid /* (acceptedEpoch, 0) */ }
  | { type: 'LEADERINFO'; zxid: Zxid /* (newEpoch, 0) */ }
  | { type: 'ACKEPOCH'; zxid: Zxid /* lastLoggedZxid */; currentEpoch: number /* -1: already accepted */ }
  | { type: 'DIFF'; zxid: Zxid }
  | { type: 'TRUNC'; zxid: Zxid }
  | { type: 'SNAP'; zxid: Zxid; snapshot: readonly Txn[] }
  | { type: 'PROPOSAL'; zxid: Zxid; txn: Txn }
  | { type: 'INFORM'; zxid: Zxid; txn: Txn }
  | { type: 'COMMIT'; zxid: Zxid }
  | { type: 'NEWLEADER'; zxid: Zxid }
  | { type: 'UPTODATE'; zxid: Zxid }
  | { type: 'ACK'; zxid: Zxid }
  | { type: 'PING'; zxid: Zxid };

export interface ZabMessage {
  type: 'ZAB';
  /** Connection id chosen by the learner when it connects. */
  conn: string;
  /** Per-direction sequence number on that connection, from 1. */
  seq: number;
  packets: ZabPacket[];
}

export type Message = Notification | ZabMessage;

/** A short label for traces and Mermaid diagrams. */
export function describeMessage(m: Message): string {
  if (m.type === 'NOTIFICATION') {
    return `${m.state} vote(${m.leader}, 0x${BigInt.asUintN(64, m.zxid).toString(16)}, e${m.peerEpoch}) round ${m.electionEpoch}`;
  }
  const parts: string[] = [];
  // Runs of one packet type print once with a count: `DIFF 0x5 + PROPOSAL×2 + COMMIT 0x7`.
  let run: { first: ZabPacket; n: number } | undefined;
  const flush = (): void => {
    if (run !== undefined) parts.push(run.n > 1 ? `${run.first.type}×${String(run.n)}` : `${run.first.type} 0x${BigInt.asUintN(64, run.first.zxid).toString(16)}`);
  };
  for (const p of m.packets) {
    if (run?.first.type === p.type) run.n++;
    else {
      flush();
      run = { first: p, n: 1 };
    }
  }
  flush();
  return parts.join(' + ');
}
