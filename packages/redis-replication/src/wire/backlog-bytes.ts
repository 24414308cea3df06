import { ReplicationError } from '../errors.js';

/** PROTO_REPLY_CHUNK_BYTES: the size of a replication buffer block (16 KiB). */
export const PROTO_REPLY_CHUNK_BYTES = 16 * 1024;

/**
 * The replication backlog as bytes (replication.c 7.0 `repl_backlog` over the shared replication
 * buffer blocks, feedReplicationBuffer / incrementalTrimReplicationBacklog): blocks of 16 KiB, the
 * oldest block dropped while `histlen > repl-backlog-size` and what stays after dropping it would
 * still exceed the size (never the last one), so a replica whose offset is still inside gets
 * +CONTINUE and the bytes from there. `resize` is CONFIG SET repl-backlog-size
 * (resizeReplicationBacklog): a smaller size trims the oldest blocks at once.
 */
function checkSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 1) throw new ReplicationError('BAD_CONFIG', `expected repl-backlog-size ≥ 1, found ${String(size)}`);
}

export class ReplBacklogBlocks {
  private blocks: { buf: Uint8Array; used: number }[] = [];
  /** repl_backlog->offset: the replication offset of the first byte held. */
  offset: number;
  /** repl_backlog->histlen: bytes held. */
  histlen = 0;

  /** repl-backlog-size (server.repl_backlog_size). */
  size: number;

  constructor(size: number, masterReplOffset: number) {
    checkSize(size);
    this.size = size;
    this.offset = masterReplOffset + 1;
  }

  /**
   * resizeReplicationBacklog (7.0): the history is kept and trimmed to the new size (Redis trims
   * REPL_BACKLOG_TRIM_BLOCKS_PER_CALL blocks per call and the rest on later writes; we trim all
   * at once). The caller applies CONFIG_REPL_BACKLOG_MIN_SIZE.
   */
  resize(size: number): void {
    checkSize(size);
    this.size = size;
    this.trim();
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
    this.trim();
  }

  /** incrementalTrimReplicationBacklog: drop old blocks while what remains still exceeds the size. */
  private trim(): void {
    while (this.histlen > this.size && this.blocks.length > 1) {
      const first = this.blocks[0];
      if (first === undefined || this.histlen - first.used <= this.size) break;
      this.blocks.shift();
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
