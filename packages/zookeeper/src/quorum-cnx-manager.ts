/**
 * The part of ZooKeeper 3.8's `quorum/QuorumCnxManager` the simulation keeps: election
 * notifications travel on one connection per pair of servers, and when a peer connects anew
 * (a new process: a new `boot`), our SendWorker first re-sends the last notification it had
 * queued or sent to that peer (SendWorker.run, `lastMessageSent`).
 */
import type { Notification } from './messages.js';

export class QuorumCnxManager {
  /** The newest notification queued or sent to each peer. */
  private readonly lastMessageSent = new Map<number, Notification>();
  /** The incarnation each peer's current connection belongs to. */
  private readonly peerBoots = new Map<number, number>();

  constructor(private readonly boot: number) {}

  /** Tags an outgoing notification with our incarnation and remembers it as the last sent. */
  toSend(to: number, n: Notification): Notification {
    // FLE hands over a fresh object per send, so the transport field is set in place (a copy
    // per notification was a measurable share of the election benchmark).
    n.boot = this.boot;
    this.lastMessageSent.set(to, n);
    return n;
  }

  /** A notification arrived; on a new connection, returns the last message to re-send first. */
  received(from: number, n: Notification): Notification | undefined {
    if (n.boot === undefined || this.peerBoots.get(from) === n.boot) return undefined;
    this.peerBoots.set(from, n.boot);
    return this.lastMessageSent.get(from);
  }
}
