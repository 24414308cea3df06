/**
 * RDB-preamble BASE files go through `@protolab/redis-rdb` (contract C3); this file is the one
 * place that knows its API, so the rest of the package sees a two-function codec.
 */
import type { KeyEntry } from './keyspace-types.js';

export interface RdbCodec {
  /** A complete RDB file with AUX `aof-base` = 1 (rdbSaveRio with RDBFLAGS_AOF_PREAMBLE). */
  encode(entries: Iterable<KeyEntry>, nowSec?: number): Uint8Array;
  /** The keys of an RDB file and the offset just after its checksum (where a RESP tail may follow). */
  decode(bytes: Uint8Array): { entries: KeyEntry[]; endOffset: number };
}
