import { ReplicationError } from '../errors.js';

/** PROTO_REPLY_CHUNK_BYTES: the size of a replication buffer block (16 KiB). */
export const PROTO_REPLY_CHUNK_BYTES = 16 * 1024;

/**
 * The replication backlog as bytes (replication.c 7.0 `repl_backlog` over the shared replication
 * buffer blocks, feedReplicationBuffer / incrementalTrimReplicationBacklog): blocks of 16 KiB, the
 * oldest block dropped while `histlen > repl-backlog-size` (never the last one), so a replica whose
 * offset is still inside gets +CONTINUE and the bytes from there.
 */
export class ReplBacklogBlocks {
  private blocks: { buf: Uint8Array; used: number }[] = [];
  /** repl_backlog->offset: the replication offset of the first byte held. */
  offset: number;
  /** repl_backlog->histlen: bytes held. */
  histlen = 0;

  constructor(
    readonly size: number,
    masterReplOffset: number,
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new ReplicationError('BAD_CONFIG', `expected repl-backlog-size ≥ 1, found ${String(size)}`);
    this.offset = masterReplOffset + 1;
  }

  feed(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      let last = this.blocks[this.blocks.length - 1];
      if (last === undefined || last.used === last.buf.length) {
        last = { buf: new Uint8Array(Math.max(PROTO_REPLY_CHUNK_BYTES, 0)), used: 0 };
        this.blocks.push(last);
      }
      const n = Math.min(bytes.length - at, last.buf.length - last.used);
      last.buf.set(bytes.subarray(at, at + n), last.used);
      last.used += n;
      at += n;
    }
    this.histlen += bytes.length;
    while (this.histlen > this.size && this.blocks.length > 1) {
      const first = this.blocks.shift();
      if (first === undefined) break;
      this.histlen -= first.used;
      this.offset += first.used;
    }
  }

  /**
   * The bytes from `psyncOffset` to the end, or undefined when it is outside the backlog
   * (masterTryPartialResynchronization: `psync_offset < repl_backlog->offset ||
   * psync_offset > repl_backlog->offset + histlen` → full resync).
   */
  from(psyncOffset: number): Uint8Array | undefined {
    if (psyncOffset < this.offset || psyncOffset > this.offset + this.histlen) return undefined;
    const out = new Uint8Array(this.offset + this.histlen - psyncOffset);
    let skip = psyncOffset - this.offset;
    let at = 0;
    for (const b of this.blocks) {
      if (skip >= b.used) {
        skip -= b.used;
        continue;
      }
      out.set(b.buf.subarray(skip, b.used), at);
      at += b.used - skip;
      skip = 0;
    }
    return out;
  }
}
