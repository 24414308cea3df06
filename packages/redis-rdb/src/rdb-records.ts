/**
 * What the RDB decoder (decoder.ts) hands over: one record per opcode that rdb.c
 * rdbLoadRioWithLoadingCtx reads (AUX, SELECTDB, RESIZEDB, FUNCTION2, EOF), the key entries
 * rdbLoadObject builds, and the decoder's options. Split from decoder.ts, which re-exports them.
 */
import type { DecodedEntry } from './entry.js';
import type { EncodingThresholds } from './constants.js';

export type RdbRecord =
  | { kind: 'header'; version: number; offset: number }
  | { kind: 'aux'; key: Uint8Array; value: Uint8Array; offset: number }
  | { kind: 'selectdb'; db: number; offset: number }
  | { kind: 'resizedb'; dbSize: number; expiresSize: number; offset: number }
  | { kind: 'function'; code: Uint8Array; offset: number }
  | { kind: 'entry'; entry: DecodedEntry }
  /** a collection with no elements: Redis 7.0's rdbLoadObject answers RDB_LOAD_ERR_EMPTY_KEY and the loader skips the key ("rdbLoadObject skipping empty key") */
  | { kind: 'empty-key'; key: Uint8Array; type: number; typeName: string; offset: number }
  | {
      kind: 'eof';
      offset: number;
      /** stored checksum (0n when saved with rdbchecksum no, or RDB < 5 which has none) */
      checksum: bigint;
      /** CRC-64 we computed over the file up to and including the EOF opcode */
      computedChecksum: bigint;
      /** offset just past the checksum: where an AOF preamble's RESP tail begins */
      endOffset: number;
    };

export interface RdbDecoderOptions {
  /** throw CHECKSUM_MISMATCH when the stored CRC differs (default true; a stored 0 is never checked, as in Redis) */
  verifyChecksum?: boolean;
  /** thresholds used to report the post-load `encoding` (default: Redis 7.0's) */
  thresholds?: EncodingThresholds;
}

export interface RdbDecoderOptions {
  /** throw CHECKSUM_MISMATCH when the stored CRC differs (default true; a stored 0 is never checked, as in Redis) */
  verifyChecksum?: boolean;
  /** thresholds used to report the post-load `encoding` (default: Redis 7.0's) */
  thresholds?: EncodingThresholds;
}
