/**
 * cluster.c `createDumpPayload` / `verifyDumpPayload` (Redis 7.0): the DUMP/RESTORE payload is one
 * object as an RDB file holds it — `rdbSaveObjectType` + `rdbSaveObject`, no key — then the RDB
 * version as 2 bytes little-endian and the CRC-64 (crc64.c, from 0) of everything before it as 8
 * bytes little-endian. RESTORE (`restoreCommand`) refuses a payload shorter than 10 bytes, of a
 * newer RDB version or with a wrong CRC ("DUMP payload version or checksum are wrong"), and one
 * `rdbLoadObjectType` / `rdbLoadObject` cannot read ("Bad data format").
 *
 * The object is written and read by the file codec's own functions: `writeKeyValuePair` with an
 * empty key (whose one length byte, 0x00, is cut out after the type byte), and `rdbLoadObject`
 * over the payload with that byte put back, so the bytes are exactly an RDB file's.
 */
import type { PayloadCodec } from '@protolab/redis-keyspace';
import { RdbWriter } from './encoder.js';
import { writeKeyValuePair } from './encode-object.js';
import { rdbLoadObject } from './load-object.js';
import { EMPTY_KEY } from './load-shared.js';
import { NeedMore, RdbReader } from './reader.js';
import { Entry } from './entry.js';
import { crc64 } from './crc64.js';
import { RdbFormatError } from './errors.js';
import { DEFAULT_THRESHOLDS, RDB_TYPE_NAMES, RDB_TYPE_SET_INTSET, RDB_VERSION, type EncodingThresholds } from './constants.js';
import { intsetWidthBeyondMembers } from './intset.js';
import type { Encoding, KeyEntry, RedisValue } from './model.js';

const EMPTY_KEY_BYTES = new Uint8Array(0);

/** The 2-byte version + 8-byte CRC-64 footer `createDumpPayload` appends. */
export const DUMP_FOOTER_BYTES = 10;

export interface DumpPayloadOptions {
  /** rdbcompression (default true): LZF for strings and blobs over 20 bytes, as in an RDB file */
  compression?: boolean;
  /** thresholds for the list's quicklist layout (list-max-listpack-size; default Redis 7.0's) */
  thresholds?: EncodingThresholds;
  /** the RDB version this side reads (default 10, Redis 7.0's): newer payloads are refused */
  rdbVersion?: number;
  /** `skip_checksum_validation` (a debug config in Redis): accept any CRC */
  skipChecksumValidation?: boolean;
}

/** createDumpPayload: type byte + value, RDB version (LE16), CRC-64 (LE64) of all before it. */
export function createDumpPayload(value: RedisValue, encoding: Encoding | undefined, opts: DumpPayloadOptions = {}): Uint8Array {
  const w = new RdbWriter({ compression: opts.compression ?? true });
  const entry: KeyEntry = { db: 0, key: EMPTY_KEY_BYTES, value };
  if (encoding !== undefined) entry.encoding = encoding;
  writeKeyValuePair(w, entry, { thresholds: opts.thresholds ?? DEFAULT_THRESHOLDS });
  const obj = w.view(); // [type][0x00 = empty key][value...]
  const n = obj.length - 1;
  const out = new Uint8Array(n + DUMP_FOOTER_BYTES);
  out[0] = obj[0] ?? 0;
  out.set(obj.subarray(2), 1);
  const version = opts.rdbVersion ?? RDB_VERSION;
  out[n] = version & 0xff;
  out[n + 1] = (version >> 8) & 0xff;
  const dv = new DataView(out.buffer, out.byteOffset, out.length);
  dv.setBigUint64(n + 2, crc64(out.subarray(0, n + 2)), true);
  return out;
}

/** verifyDumpPayload: whether the footer's version is one we read and its CRC-64 matches. */
export function verifyDumpPayload(payload: Uint8Array, opts: DumpPayloadOptions = {}): boolean {
  const len = payload.length;
  if (len < DUMP_FOOTER_BYTES) return false;
  const rdbver = (payload[len - 10] ?? 0) | ((payload[len - 9] ?? 0) << 8);
  if (rdbver > (opts.rdbVersion ?? RDB_VERSION)) return false;
  if (opts.skipChecksumValidation === true) return true;
  const dv = new DataView(payload.buffer, payload.byteOffset, len);
  return dv.getBigUint64(len - 8, true) === crc64(payload.subarray(0, len - 8));
}

/**
 * rdbLoadObjectType + rdbLoadObject over a verified payload: the value, or a typed
 * RdbFormatError (unknown type, truncated or corrupt value, an empty collection — which
 * rdbLoadObject refuses as RDB_LOAD_ERR_EMPTY_KEY, answered "Bad data format" by RESTORE).
 */
export function loadDumpPayloadObject(payload: Uint8Array, opts: DumpPayloadOptions = {}): RedisValue {
  const body = payload.subarray(0, Math.max(0, payload.length - DUMP_FOOTER_BYTES));
  const type = body[0];
  const typeName = type === undefined ? undefined : RDB_TYPE_NAMES[type];
  if (type === undefined || typeName === undefined) throw new RdbFormatError('UNKNOWN_OPCODE', 0, `DUMP payload object type ${String(type)} is not one RDB ${RDB_VERSION} loads`);
  // the bytes of an RDB record with an empty key: [type][0x00][value...] (the key is buf[2, 2))
  const buf = new Uint8Array(body.length + 1);
  buf[0] = type;
  buf.set(body.subarray(1), 2);
  const r = new RdbReader(opts.thresholds ?? DEFAULT_THRESHOLDS);
  r.buf = buf;
  r.pos = 2;
  r.final = true;
  let loaded;
  try {
    loaded = rdbLoadObject(r, type, typeName, 1);
  } catch (e) {
    if (!(e instanceof NeedMore)) throw e;
    throw new RdbFormatError('BAD_LENGTH', r.at(), 'DUMP payload object is truncated');
  }
  if (loaded === EMPTY_KEY) throw new RdbFormatError('BAD_LENGTH', 1, 'DUMP payload holds an empty collection (rdbLoadObject: empty key)');
  // rdbLoadObject keeps an intset blob as it is: a width wider than its members need stays (read
  // from the blob's header, still in the reader, before anything else uses it)
  const width = type === RDB_TYPE_SET_INTSET ? (r.rBuf[r.rOff] ?? 2) : 2;
  const value = loaded ?? new Entry(0, buf, 1, undefined, 2, undefined, type, typeName, r.enc, 0).value;
  if (value.type !== 'set' || width === 2) return value;
  const wider = intsetWidthBeyondMembers(value.value, width);
  return wider === undefined ? value : { type: 'set', value: value.value, intsetEncoding: wider };
}

/** The PayloadCodec for @protolab/redis-keyspace's DUMP and RESTORE (KeyspaceOptions.payloadCodec). */
export function dumpPayloadCodec(opts: DumpPayloadOptions = {}): PayloadCodec {
  return {
    dump: (value, encoding) => createDumpPayload(value, encoding, opts),
    restore: (payload) => {
      if (!verifyDumpPayload(payload, opts)) return 'checksum';
      try {
        return loadDumpPayloadObject(payload, opts);
      } catch (e) {
        if (e instanceof RdbFormatError) return 'format';
        throw e;
      }
    },
  };
}

/** Redis 7.0's defaults: rdbcompression yes, RDB version 10, checksums verified. */
export const rdbPayloadCodec: PayloadCodec = dumpPayloadCodec();
