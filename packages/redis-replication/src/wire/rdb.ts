/**
 * The dataset of a full resync as a real RDB (rdb.c 7.0): the master writes its keyspace with
 * `rdbSaveRio` plus the replication AUX fields (`rdbPopulateSaveInfo`: repl-stream-db, repl-id,
 * repl-offset); the replica empties its keyspace (emptyData) and loads the file, keeping keys
 * that are already expired (only a master drops them at load: rdbLoadRioWithLoadingCtx).
 */
import type { Keyspace } from '@protolab/redis-keyspace';
import { allEntries, decodeRdb, encodeRdb } from '@protolab/redis-rdb';

export interface ReplRdbInfo {
  readonly replid: string;
  readonly offset: number;
  /** server.slaveseldb when the RDB is made (-1 → 0). */
  readonly streamDb: number;
  readonly nowMs: number;
}

/** rdbSaveRio for a replica (rdbSaveToSlavesSockets / rdbSaveBackground with rsi). */
export function rdbForReplication(ks: Keyspace, info: ReplRdbInfo): Uint8Array {
  return encodeRdb(ks, {
    aux: [
      ['redis-ver', '7.0.15'],
      ['redis-bits', '64'],
      ['ctime', String(Math.floor(info.nowMs / 1000))],
      ['used-mem', '0'],
      ['repl-stream-db', String(Math.max(0, info.streamDb))],
      ['repl-id', info.replid],
      ['repl-offset', String(info.offset)],
      ['aof-base', '0'],
    ],
  });
}

/**
 * readSyncBulkPayload → emptyData + rdbLoad: replace the keyspace with the RDB's keys (the emptying
 * propagates nothing, as server.c emptyData). Returns the key count.
 */
export function loadRdbIntoKeyspace(ks: Keyspace, payload: Uint8Array): number {
  const rdb = decodeRdb(payload); // throws RdbFormatError on a bad payload, before anything is emptied
  const wasLoading = ks.loading;
  ks.loading = true;
  let n = 0;
  try {
    ks.emptyData(-1);
    for (const e of allEntries(rdb)) {
      ks.restore(e);
      n++;
    }
  } finally {
    ks.loading = wasLoading;
  }
  return n;
}
