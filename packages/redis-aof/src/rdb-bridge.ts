/**
 * RDB-preamble BASE files go through `@protolab/redis-rdb` (contract C3); this file is the one
 * place that knows its API, so the rest of the package sees a two-function codec.
 */
import type { KeyEntry } from './keyspace-types.js';

/** What redis-check-rdb prints for an RDB preamble (redis-check-rdb.c redis_check_rdb). */
export interface RdbCheckReport {
  readonly ok: boolean;
  /** The lines between "Checking RDB file" and "RDB preamble is OK" (AUX fields, DB ids, checksum, counts). */
  readonly lines: readonly string[];
  /** Offset just after the checksum. */
  readonly endOffset: number;
  readonly keys: number;
}

export interface RdbCodec {
  /** A complete RDB file with AUX `aof-base` = 1 (rdbSaveRio with RDBFLAGS_AOF_PREAMBLE). */
  encode(entries: Iterable<KeyEntry>, nowSec?: number): Uint8Array;
  /** The keys of an RDB file and the offset just after its checksum (where a RESP tail may follow). */
  decode(bytes: Uint8Array): { entries: KeyEntry[]; endOffset: number };
  /** redis-check-rdb's report; `nowMs` decides "already expired" (redis-check-rdb uses mstime()). */
  check?(bytes: Uint8Array, nowMs: number | undefined): RdbCheckReport;
}
