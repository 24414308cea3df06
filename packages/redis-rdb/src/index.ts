export { RdbFormatError, RdbFileError, RdbInvariantError, type RdbErrorCode } from './errors.js';
export { crc64, crc64Bitwise, Crc64, CRC64_JONES_POLY_REFLECTED } from './crc64.js';
export { lzfCompress, lzfDecompress, lzfScan, LZF_MAX_EXPANSION } from './lzf.js';
export { listpackDecode, listpackScan, lpValueBytes, type LpValue, type LpScanResult } from './listpack.js';
export { ListpackBuilder, encodeEntry as listpackEncodeEntry, lpEntrySize } from './listpack-builder.js';
export { intsetDecode, intsetScan, intsetEncode } from './intset.js';
export { PackedValue } from './packed.js';
export { ziplistDecode, zipmapDecode } from './ziplist.js';
export * from './constants.js';
export type { RedisValue, KeyEntry, Encoding, EntrySource } from './model.js';
export { RdbDecoder, type DecodedEntry, type RdbRecord, type RdbDecoderOptions } from './decoder.js';
export { decodeRdb, auxText, allEntries, type DecodedRdb, type DecodedDatabase } from './decode-rdb.js';
export { readValue } from './entry.js';
export { stringEncoding, setEncoding, zsetEncoding, hashEncoding } from './encodings.js';
export { encodeRdb, RdbWriter, type EncodeOptions } from './encoder.js';
export { writeKeyValuePair, planQuicklist } from './encode-object.js';
export { parseCanonicalInt, d2string, compareZsetItems, bytes, equalBytes } from './bytes.js';
export {
  persistenceStep, initialPersistence, writesRefused, parseSaveConfig, DEFAULT_SAVE_PARAMS, REDIS_CONF_SAVE_PARAMS,
  CONFIG_BGSAVE_RETRY_DELAY_SEC, type SaveParam, type PersistenceState, type PersistenceInput, type PersistenceOutput,
  type PersistenceStep,
} from './savepoints.js';
export { redisRdbNode, type RedisRdbNode, type RedisRdbNodeOptions, type PersistentStore, type PersistenceInputMsg } from './adapters/sim-node.js';
export { saveRdbFile, streamRdbFile, saveRdbFileWith, streamRdbFileWith, type RdbFs } from './adapters/file.js';
export { annotateRdb, hexDump, type AnnotatedRecord } from './annotate.js';
export {
  rdbPayloadCodec, dumpPayloadCodec, createDumpPayload, verifyDumpPayload, loadDumpPayloadObject, DUMP_FOOTER_BYTES,
  type DumpPayloadOptions,
} from './dump-payload.js';
