/**
 * The RDB file of a server, over the injected disk (the same `AofDisk` shape the AOF uses, rooted
 * at `dir`): rdb.c rdbSave (temp file, fsync, rename — FsDisk fsyncs the directory after a
 * rename) and rdbLoad as loadDataFromDisk calls it, plus the BASE-only rewrite BGREWRITEAOF does
 * when `appendonly` is off. Sans-I/O: time comes in as an argument.
 */
import type { AofDisk } from '@protolab/redis-aof';
import { baseFileName, loadManifestFromDisk, nextFileSeq, persistManifest, rdbCodec, type AofManifest } from '@protolab/redis-aof';
import { allEntries, decodeRdb, encodeRdb, RdbFormatError } from '@protolab/redis-rdb';
import { KeyspaceError, type Keyspace, type KeyEntry } from '@protolab/redis-keyspace';
import { catRepr } from '../monitor.js';
import { PersistenceError } from './errors.js';

/** Write `bytes` to `temp`, fsync it, rename it over `target` (the rdbSave / rewrite pattern). */
export function writeDurably(disk: AofDisk, temp: string, target: string, bytes: Uint8Array): void {
  if (disk.exists(temp)) disk.remove(temp);
  try {
    disk.create(temp);
    const n = bytes.length > 0 ? disk.write(temp, bytes) : 0;
    if (typeof n === 'number' && n !== bytes.length) throw new PersistenceError('AOF_FATAL', `short write to ${temp} (${n} of ${bytes.length} bytes)`);
    disk.fsync(temp);
    disk.rename(temp, target);
  } catch (e) {
    // rdbSave: "unlink(tmpfile)" on every failure path.
    if (disk.exists(temp)) disk.remove(temp);
    throw e;
  }
}

/** The `rdbcompression` / `rdbchecksum` parameters as rdbSave reads them (server.rdb_compression, server.rdb_checksum). */
export interface RdbSaveOptions {
  readonly compression: boolean;
  readonly checksum: boolean;
}

/** rdb.c rdbSave: the whole dataset `entries` as `dbfilename`, written as `temp-<id>.rdb`. */
export function rdbSave(disk: AofDisk, dbfilename: string, entries: Iterable<KeyEntry>, nowMs: number, id: number, opts: RdbSaveOptions = { compression: true, checksum: true }): number {
  const bytes = encodeRdb(entries, { ctimeSec: Math.floor(nowMs / 1000), compression: opts.compression, checksum: opts.checksum });
  writeDurably(disk, `temp-${id}.rdb`, dbfilename, bytes);
  return bytes.length;
}

export interface RdbLoadResult {
  readonly loaded: number;
  /** rdb_last_load_keys_expired: keys already expired at load time (a master skips them). */
  readonly expired: number;
}

/**
 * rdb.c rdbLoad's eoferr path ("Short read or OOM loading DB", the text loadDataFromDisk logs
 * before it exits 1) for a typed failure of the decoder or of the keyspace; `key` as rdbReportError's
 * "Reading key" names it. Anything else is a bug and is left to propagate.
 */
function loadFailed(e: unknown, key?: Uint8Array): PersistenceError {
  if (!(e instanceof RdbFormatError) && !(e instanceof KeyspaceError)) throw e;
  const where = key !== undefined ? `; reading key ${catRepr(key)}` : '';
  return new PersistenceError('LOAD_FAILED', `Short read or OOM loading DB. Unrecoverable error, aborting now. (${e.code}: ${e.message}${where})`, undefined, { cause: e });
}

/**
 * rdb.c rdbLoad at startup (loadDataFromDisk): every key into the keyspace through its restore
 * path, keys already expired skipped as a master does. A file that does not load is
 * `LOAD_FAILED` with the text Redis logs before exiting: a malformed file (RdbFormatError), and a
 * value the keyspace cannot hold (KeyspaceError, e.g. STRING_TOO_LONG: a string of more than
 * 2^29 − 24 bytes, which Redis would load and a JS string cannot hold; Redis's own allocation
 * failure in rdbGenericLoadStringObject / rdbLoadLzfStringObject ends the same way).
 */
export function rdbLoad(disk: AofDisk, dbfilename: string, ks: Keyspace, nowMs: number): RdbLoadResult {
  let decoded;
  try {
    decoded = decodeRdb(disk.read(dbfilename));
  } catch (e) {
    throw loadFailed(e);
  }
  let loaded = 0;
  let expired = 0;
  const was = ks.loading;
  ks.loading = true;
  let key: Uint8Array | undefined;
  try {
    for (const e of allEntries(decoded)) {
      key = e.key;
      if (e.expireAtMs !== undefined && e.expireAtMs < nowMs) {
        expired++;
        continue;
      }
      ks.restore(e);
      loaded++;
    }
  } catch (e) {
    throw loadFailed(e, key);
  } finally {
    ks.loading = was;
  }
  return { loaded, expired };
}

/**
 * BGREWRITEAOF with `appendonly no` (Redis 7.0 still rewrites): a new RDB-preamble BASE in
 * `appenddirname`, a manifest that lists only it, the old base and INCR files deleted.
 */
export function rewriteBaseOnly(disk: AofDisk, dirname: string, filename: string, entries: Iterable<KeyEntry>, nowMs: number, id: number): void {
  const old: AofManifest = loadManifestFromDisk(disk, dirname, filename);
  const seq = nextFileSeq(old.currBaseFileSeq, 'base');
  const name = baseFileName(filename, seq, true);
  writeDurably(disk, `temp-rewriteaof-bg-${id}.aof`, `${dirname}/${name}`, rdbCodec.encode(entries, Math.floor(nowMs / 1000)));
  const am: AofManifest = { ...old, base: { fileName: name, fileSeq: seq, fileType: 'b' }, history: [], incr: [], currBaseFileSeq: seq };
  persistManifest(disk, dirname, filename, am);
  for (const f of [...(old.base !== undefined ? [old.base] : []), ...old.history, ...old.incr]) {
    const p = `${dirname}/${f.fileName}`;
    if (f.fileName !== name && disk.exists(p)) disk.remove(p);
  }
}
