/**
 * A server's disk (ZooKeeper 3.8 `persistence/FileTxnSnapLog`, `FileTxnLog`, and the epoch files
 * of QuorumPeer) and how the in-memory database is loaded from it (`ZKDatabase.loadDataBase`).
 * Every change is also returned as a DurableWrite: in ZooKeeper each one is an fsync.
 */
import { invariant } from './errors.js';
import type { Txn } from './messages.js';
import type { Db, DurableState, DurableWrite } from './peer-types.js';
import { zxidToHex, type Zxid } from './zxid.js';

/** ZKDatabase.loadDataBase: snapshot + txn log replayed; every logged txn is applied. */
export function loadDatabase(durable: DurableState, commitLogCount: number): Db {
  const log = durable.log;
  const last = log[log.length - 1]?.zxid ?? 0n;
  return {
    history: log.slice(),
    lastProcessedZxid: last > durable.snapZxid ? last : durable.snapZxid,
    committedLog: log.slice(Math.max(0, log.length - (commitLogCount + 1))),
  };
}

/** ZKDatabase.addCommittedProposal: the committedLog keeps commitLogCount + 1 txns. */
export function addCommittedProposal(db: Db, txn: Txn, commitLogCount: number): void {
  const c = db.committedLog;
  if (c.length > commitLogCount) c.shift();
  c.push(txn);
}

export class FileTxnSnapLog {
  /** A new txn log file starts at the next append (after a restart, a snapshot or a truncation). */
  private newFileOnNextAppend = true;
  private sinceSnapshot = 0;

  constructor(
    readonly durable: DurableState,
    private readonly snapCount: number,
    private readonly persist: (w: DurableWrite) => void,
    private readonly myid: number,
  ) {}

  /** The next append opens a new log file (a role ended: ZooKeeper reopens the log). */
  rollLog(): void {
    this.newFileOnNextAppend = true;
  }

  /** The acceptedEpoch and currentEpoch files. */
  persistEpochs(): void {
    this.persist({ op: 'epochs', acceptedEpoch: this.durable.acceptedEpoch, currentEpoch: this.durable.currentEpoch });
  }

  /** FileTxnLog.append + commit (fsync): a new file after a restart or a snapshot. */
  append(txns: readonly Txn[]): void {
    if (txns.length === 0) return;
    const d = this.durable;
    const files = d.logFiles.length;
    for (const txn of txns) {
      const last = d.log[d.log.length - 1];
      invariant(last === undefined || txn.zxid > last.zxid, 'the txn log ascends in zxid order (FileTxnLog.append)', () => `s${String(this.myid)} appends ${zxidToHex(txn.zxid)} after ${last === undefined ? 'nothing' : zxidToHex(last.zxid)}`);
      if (this.newFileOnNextAppend) {
        d.logFiles.push(txn.zxid);
        this.newFileOnNextAppend = false;
      }
      d.log.push(txn);
      this.sinceSnapshot++;
      if (this.sinceSnapshot >= this.snapCount) {
        // SyncRequestProcessor: roll the log and take a snapshot.
        this.sinceSnapshot = 0;
        this.newFileOnNextAppend = true;
      }
    }
    this.persist({ op: 'append', txns: txns.slice(), logFiles: d.logFiles.slice(), newFile: d.logFiles.length !== files });
  }

  /** FileTxnSnapLog.truncateLog(zxid): keep txns <= zxid. */
  truncate(zxid: Zxid): void {
    const d = this.durable;
    let n = d.log.length;
    for (let t = d.log[n - 1]; t !== undefined && t.zxid > zxid; t = d.log[n - 1]) n--;
    d.log.length = n;
    d.logFiles = d.logFiles.filter((f) => f <= zxid);
    // A snapshot newer than the truncation point no longer describes the log.
    if (d.snapZxid > zxid) d.snapZxid = zxid;
    this.newFileOnNextAppend = true;
    this.persist({ op: 'truncate', length: n, logFiles: d.logFiles.slice(), snapZxid: d.snapZxid });
  }

  /** A snapshot replaces everything up to its zxid; later log files start after it. */
  replaceWithSnapshot(txns: readonly Txn[], snapZxid: Zxid): void {
    const d = this.durable;
    d.log = txns.slice();
    d.logFiles = [];
    d.snapZxid = snapZxid;
    this.newFileOnNextAppend = true;
    this.sinceSnapshot = 0;
    this.persist({ op: 'replace', txns: txns.slice(), logFiles: [], snapZxid });
  }
}
