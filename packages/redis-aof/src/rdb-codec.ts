/** The default {@link RdbCodec}: `@protolab/redis-rdb`'s encodeRdb / decodeRdb (contract C3). */
import { decodeRdb, encodeRdb } from '@protolab/redis-rdb';
import type { KeyEntry } from './keyspace-types.js';
import type { RdbCodec } from './rdb-bridge.js';

export const rdbCodec: RdbCodec = {
  // rdbSaveRio with RDBFLAGS_AOF_PREAMBLE writes the AUX field aof-base=1.
  encode: (entries, nowSec) => encodeRdb(entries, { aofBase: true, ...(nowSec !== undefined ? { ctimeSec: nowSec } : {}) }),
  decode: (bytes) => {
    const d = decodeRdb(bytes);
    const entries: KeyEntry[] = [];
    for (const db of d.databases) {
      for (const e of db.entries) {
        entries.push({ db: db.db, key: e.key, value: e.value, ...(e.expireAtMs !== undefined ? { expireAtMs: e.expireAtMs } : {}) });
      }
    }
    return { entries, endOffset: d.endOffset };
  },
};
