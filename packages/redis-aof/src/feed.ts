/**
 * Turning propagated writes into AOF bytes: aof.c feedAppendOnlyFile and
 * catAppendOnlyGenericCommand. The keyspace's `onPropagate(db, argv)` (Redis's propagate()) already
 * gives the deterministic argv (`SET k v PXAT <abs>`, `PEXPIREAT`, `DEL` for expired keys, MULTI …
 * EXEC around a transaction); here we add `SELECT` when the db changes and optional `#TS:`
 * annotations, and append to `aof_buf`. A whole event-loop turn's buffer is written with one
 * write(2), so a transaction's MULTI … EXEC reach the file together.
 */
import { encodeCommand } from '@protolab/resp';
import { concatBytes } from '@protolab/redis-common';

const encoder = new TextEncoder();

export function toBytes(a: string | Uint8Array): Uint8Array {
  return typeof a === 'string' ? encoder.encode(a) : a;
}

/**
 * catAppendOnlyGenericCommand: `*<argc>\r\n` then `$<len>\r\n<bytes>\r\n` per argument, exactly
 * the multibulk form a client sends; the one RESP encoder of protolab (`@protolab/resp`) writes it.
 */
export function catAppendOnlyGenericCommand(argv: readonly (string | Uint8Array)[]): Uint8Array {
  return encodeCommand(argv);
}

/** The SELECT that feedAppendOnlyFile writes: `*2\r\n$6\r\nSELECT\r\n$<n>\r\n<db>\r\n`. */
export function selectCommand(db: number): Uint8Array {
  return catAppendOnlyGenericCommand(['SELECT', String(db)]);
}

/** aof.c genAofTimestampAnnotationIfNeeded: `#TS:<unix seconds>\r\n`. */
export function timestampAnnotation(unixSec: number): Uint8Array {
  return encoder.encode(`#TS:${unixSec}\r\n`);
}

/**
 * The per-server state of feedAppendOnlyFile: `aof_selected_db`, `aof_cur_timestamp` and the
 * `aof_buf` the next flush writes.
 */
export class AofFeeder {
  /** server.aof_selected_db: -1 forces a SELECT before the next command (new file, rewrite). */
  selectedDb = -1;
  /** server.aof_cur_timestamp. */
  curTimestampSec = 0;
  private chunks: Uint8Array[] = [];
  private length = 0;

  constructor(private readonly timestampEnabled = false) {}

  /** feedAppendOnlyFile(dictid, argv). `nowSec` is server.unixtime (for #TS annotations). */
  feed(db: number, argv: readonly (string | Uint8Array)[], nowSec: number): void {
    if (this.timestampEnabled && this.curTimestampSec < nowSec) {
      this.curTimestampSec = nowSec;
      this.push(timestampAnnotation(nowSec));
    }
    if (db !== -1 && db !== this.selectedDb) {
      this.push(selectCommand(db));
      this.selectedDb = db;
    }
    this.push(catAppendOnlyGenericCommand(argv));
  }

  private push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }

  /** sdslen(server.aof_buf). */
  get bufLen(): number {
    return this.length;
  }

  /**
   * The whole buffer as one byte array, left in place: flushAppendOnlyFile drops it only once the
   * write succeeded (a failed write keeps aof_buf for the next try).
   */
  peek(): Uint8Array {
    const first = this.chunks[0];
    if (this.chunks.length === 1 && first !== undefined) return first;
    const out = concatBytes(this.chunks);
    this.chunks = out.length > 0 ? [out] : [];
    return out;
  }

  /** sdsrange(aof_buf, n, -1): drop the first `n` bytes (they reached the file). */
  drop(n: number): void {
    if (n >= this.length) {
      this.chunks = [];
      this.length = 0;
      return;
    }
    const rest = this.peek().subarray(n);
    this.chunks = [rest];
    this.length = rest.length;
  }

  /** Take the whole buffer (it is being written). */
  take(): Uint8Array {
    const out = this.peek();
    this.drop(out.length);
    return out;
  }
}
