import { encodeCommand } from '@protolab/resp';
import { ReplicationError } from './errors.js';

/** One command of the replication stream, with its byte range in the stream. */
export interface StreamEntry {
  /** Offset of the command's first byte (1-based, like Redis's psync offsets). */
  readonly start: number;
  /** Length of the command's RESP encoding in bytes. */
  readonly len: number;
  readonly argv: readonly string[];
}

/** Bytes of the RESP multibulk encoding of `argv`: what the command adds to master_repl_offset. */
export function commandLength(argv: readonly string[]): number {
  if (argv.length === 0) throw new ReplicationError('BAD_COMMAND', 'expected a command with at least a name, found an empty argv');
  return encodeCommand(argv).length;
}

/**
 * The replication backlog (replication.c `repl_backlog`, createReplicationBacklog /
 * feedReplicationBacklog): the last `repl-backlog-size` bytes of the stream, so that a replica
 * that reconnects with an offset still inside it gets +CONTINUE instead of a full resync.
 *
 * Simplification (documented in the README): Redis trims byte by byte; we keep whole commands and
 * drop the oldest while `histlen` exceeds `size`. Replicas only ever ask for command boundaries.
 */
export class ReplBacklog {
  private entries: StreamEntry[] = [];
  private head = 0;
  /** repl_backlog->offset: the stream offset of the first byte held. */
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

  feed(entry: StreamEntry): void {
    if (this.histlen === 0) this.offset = entry.start;
    this.entries.push(entry);
    this.histlen += entry.len;
    while (this.histlen > this.size && this.head < this.entries.length - 1) {
      const old = this.entries[this.head++];
      if (old === undefined) break;
      this.histlen -= old.len;
      this.offset = old.start + old.len;
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The commands from `psyncOffset` on, or undefined when the offset is outside the backlog
   * (masterTryPartialResynchronization: `psync_offset < repl_backlog->offset ||
   * psync_offset > repl_backlog->offset + histlen` → full resync).
   */
  from(psyncOffset: number): StreamEntry[] | undefined {
    if (psyncOffset < this.offset || psyncOffset > this.offset + this.histlen) return undefined;
    const out: StreamEntry[] = [];
    for (let i = this.head; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (e !== undefined && e.start >= psyncOffset) out.push(e);
    }
    return out;
  }
}
