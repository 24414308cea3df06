/** The default {@link RdbCodec}: `@protolab/redis-rdb`'s encodeRdb / decodeRdb / RdbDecoder (contract C3). */
import { RdbDecoder, decodeRdb, encodeRdb, type RdbRecord } from '@protolab/redis-rdb';
import type { KeyEntry } from './keyspace-types.js';
import type { RdbCheckReport, RdbCodec } from './rdb-bridge.js';

/** printf("%s") of a string object: its bytes up to the first NUL. */
function cString(b: Uint8Array): string {
  const nul = b.indexOf(0);
  return Buffer.from(nul === -1 ? b : b.subarray(0, nul)).toString('latin1');
}

function recordStart(r: RdbRecord): number {
  return r.kind === 'entry' ? r.entry.offset : r.offset;
}

/**
 * redis-check-rdb.c redis_check_rdb as redis-check-aof runs it on an RDB preamble: one
 * `[offset N] …` line per AUX field and SELECTDB (N = the bytes read so far, i.e. where the next
 * record starts), `Checksum OK`, then the counts rdbShowGenericInfo prints.
 */
function checkRdb(bytes: Uint8Array, nowMs: number | undefined): RdbCheckReport {
  const lines: string[] = [];
  let records: RdbRecord[];
  try {
    records = new RdbDecoder().end(bytes);
  } catch {
    return { ok: false, lines, endOffset: 0, keys: 0 };
  }
  let keys = 0;
  let expires = 0;
  let expired = 0;
  let endOffset = 0;
  records.forEach((r, i) => {
    const next = records[i + 1];
    const after = next === undefined ? bytes.length : recordStart(next);
    if (r.kind === 'aux') lines.push(`[offset ${after}] AUX FIELD ${cString(r.key)} = '${cString(r.value)}'`);
    else if (r.kind === 'selectdb') lines.push(`[offset ${after}] Selecting DB ID ${r.db}`);
    else if (r.kind === 'entry' || r.kind === 'empty-key') {
      keys++;
      const at = r.kind === 'entry' ? r.entry.expireAtMs : undefined;
      if (at !== undefined) {
        expires++;
        if (nowMs !== undefined && at < nowMs) expired++;
      }
    } else if (r.kind === 'eof') {
      endOffset = r.endOffset;
      lines.push(r.checksum === 0n ? `[offset ${endOffset}] RDB file was saved with checksum disabled: no check performed.` : `[offset ${endOffset}] Checksum OK`);
    }
  });
  lines.push(`[offset ${endOffset}] \\o/ RDB looks OK! \\o/`, `[info] ${keys} keys read`, `[info] ${expires} expires`, `[info] ${expired} already expired`);
  return { ok: true, lines, endOffset, keys };
}

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
  check: checkRdb,
};
