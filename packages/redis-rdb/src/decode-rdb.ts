/**
 * The in-memory form: `decodeRdb` runs the streaming decoder over one buffer and gathers the
 * records per database, refusing a key seen twice in one database (rdb.c
 * `rdbLoadRioWithLoadingCtx`: "Duplicated key found in RDB file") and skipping empty collections
 * as Redis does.
 */
import { defined, RdbFormatError } from './errors.js';
import { bytesToAscii } from './bytes.js';
import { Entry, type DecodedEntry } from './entry.js';
import { RdbDecoder, setEntrySink, type RdbDecoderOptions } from './decoder.js';


export interface DecodedDatabase {
  db: number;
  resizeDb?: { dbSize: number; expiresSize: number };
  entries: DecodedEntry[];
}

export interface DecodedRdb {
  version: number;
  /** AUX fields in file order (key and value as bytes; decode with `auxText`) */
  aux: { key: Uint8Array; value: Uint8Array }[];
  functions: Uint8Array[];
  databases: DecodedDatabase[];
  checksum: bigint;
  computedChecksum: bigint;
  /** offset just past the checksum (for an AOF preamble: where the RESP commands start) */
  endOffset: number;
}

/**
 * Decode a whole RDB held in memory. Bytes after the payload are allowed (AOF preamble) and
 * reported through `endOffset`. Duplicate keys in one database are rejected as Redis does.
 * Every payload is validated here; keys and values are read from `bytes` on first access, so the
 * entries keep `bytes` alive and see any later write to it: do not reuse the buffer while they are
 * in use (copy what must outlive it).
 */
export function decodeRdb(bytes: Uint8Array, opts: RdbDecoderOptions = {}): DecodedRdb {
  const dec = new RdbDecoder(opts);
  const result: DecodedRdb = { version: dec.version, aux: [], functions: [], databases: [], checksum: 0n, computedChecksum: 0n, endOffset: 0 };
  // duplicate detection without a string or a Map entry per key: each db's key hashes in one
  // Int32Array, checked once the entries are in (see KeyHashes)
  let current: KeyHashes | undefined;
  const dbs = new Map<number, KeyHashes>();
  const dbFor = (n: number): KeyHashes => {
    if (current?.d.db === n) return current;
    let x = dbs.get(n);
    if (x === undefined) {
      const d: DecodedDatabase = { db: n, entries: [] };
      result.databases.push(d);
      x = new KeyHashes(d);
      dbs.set(n, x);
    }
    current = x;
    return x;
  };
  setEntrySink(dec, (e, h) => {
    const x = current?.d.db === e.db ? current : dbFor(e.db);
    x.add(e, h);
  });
  try {
    dec.finish(bytes, (r) => {
      switch (r.kind) {
        case 'aux':
          result.aux.push({ key: r.key, value: r.value });
          break;
        case 'function':
          result.functions.push(r.code);
          break;
        case 'selectdb':
          dbFor(r.db);
          break;
        case 'resizedb': {
          const x = dbFor(current?.d.db ?? 0);
          x.d.resizeDb = { dbSize: r.dbSize, expiresSize: r.expiresSize };
          // a sizing hint, as for dictExpand: never more slots than records the bytes left could hold
          x.presize(Math.min(r.dbSize, Math.floor((bytes.length - r.offset) / MIN_RECORD_BYTES), PRESIZE_MAX));
          break;
        }
        case 'entry':
          break; // entries went to the sink above
        case 'eof':
          result.checksum = r.checksum;
          result.computedChecksum = r.computedChecksum;
          result.endOffset = r.endOffset;
          break;
        case 'header':
        case 'empty-key':
          break; // Redis skips an empty collection's key (rdbLoadRioWithLoadingCtx)
      }
    });
  } catch (err) {
    // Redis stops at the first duplicate key, so one among the keys read before this error wins
    for (const x of dbs.values()) x.done();
    throwFirstDuplicate(dbs);
    throw err;
  }
  for (const x of dbs.values()) x.done();
  throwFirstDuplicate(dbs);
  result.version = dec.version;
  return result;
}

/** DUPLICATE_KEY for the earliest record (file order) whose key an earlier record of its db had. */
function throwFirstDuplicate(dbs: ReadonlyMap<number, KeyHashes>): void {
  let first: DecodedEntry | undefined;
  for (const x of dbs.values()) {
    const e = x.firstDuplicate();
    if (e !== undefined && (first === undefined || e.offset < first.offset)) first = e;
  }
  if (first !== undefined) {
    throw new RdbFormatError('DUPLICATE_KEY', first.offset, `duplicate key ${JSON.stringify(bytesToAscii(first.key.subarray(0, 40)))} in db ${first.db}`);
  }
}

/**
 * One database's entries and their keys' FNV-1a hashes (`hashes[i]` for `entries[i]`): appending
 * is sequential, where probing a hash table per key missed the cache on every insert (a 16 MB table
 * for 1M keys: about a tenth of decodeRdb's time, issue 19). `firstDuplicate` then sorts the
 * hashes (radix, stable) and compares keys only within runs of equal hashes: the same answer as
 * rdbLoadRioWithLoadingCtx's dictAdd failing on the first key seen twice, in O(n).
 */
class KeyHashes {
  private hashes = new Int32Array(1024);
  /** entries added so far: `d.entries` may be longer while being filled (presized), trimmed by `done` */
  private count = 0;

  constructor(readonly d: DecodedDatabase) {}

  /**
   * RESIZEDB's key count (already capped): make `d.entries` and the hashes that long up front, so
   * that a 1M-key database is not grown and copied ~30 times while it fills (issue 19).
   */
  presize(n: number): void {
    if (this.count !== 0 || n <= this.hashes.length) return;
    this.d.entries = new Array<DecodedEntry>(n);
    this.hashes = new Int32Array(n);
  }

  /** `h`: the FNV-1a hash of `e`'s key (`fnv1a`, as the decoder took it) */
  add(e: DecodedEntry, h: number): void {
    const n = this.count;
    if (n === this.hashes.length) {
      const bigger = new Int32Array(n * 2);
      bigger.set(this.hashes);
      this.hashes = bigger;
    }
    this.hashes[n] = h;
    const entries = this.d.entries;
    if (n < entries.length) entries[n] = e;
    else entries.push(e);
    this.count = n + 1;
  }

  /** Trim `d.entries` to the entries added (a hint larger than the database leaves empty slots). */
  done(): void {
    if (this.d.entries.length !== this.count) this.d.entries.length = this.count;
  }

  /** The entry with the smallest index whose key equals an earlier entry's, if any. */
  firstDuplicate(): DecodedEntry | undefined {
    const entries = this.d.entries;
    const i = firstDuplicateIndex(
      this.hashes,
      entries.length,
      (a, b) => Entry.keyEquals(defined(entries[a], 'a run indexes entries'), defined(entries[b], 'a run indexes entries')),
      (a) => defined(entries[a], 'a run indexes entries').key,
    );
    return i < 0 ? undefined : entries[i];
  }
}

/** The fewest bytes a key record takes (type, empty key, one-byte value): caps a RESIZEDB hint by the bytes left. */
const MIN_RECORD_BYTES = 3;
/** Never presize one database beyond this many entries from a hint alone (an array of 2^22 slots is 32 MB). */
const PRESIZE_MAX = 1 << 22;

/** Runs of equal hashes longer than this are checked through a Set of their keys, not pairwise. */
export const PAIRWISE_RUN_MAX = 16;

/**
 * The smallest index i < n whose key equals the key of some index before it, or -1: sorts the
 * indices by hash (radix, stable) and compares keys only within runs of equal hashes — pairwise in
 * a short run, through a Set of the keys (as latin1 strings) in a long one, so keys forged to share
 * one FNV-1a hash cost O(n) comparisons, not O(n²).
 */
export function firstDuplicateIndex(
  hashes: Int32Array,
  n: number,
  keyEquals: (a: number, b: number) => boolean,
  keyOf: (a: number) => Uint8Array,
): number {
  if (n < 2) return -1;
  const order = sortByHash(hashes, n);
  let best = n;
  for (let i = 0; i < n;) {
    const h = hashes[order[i] ?? 0];
    let j = i + 1;
    while (j < n && hashes[order[j] ?? 0] === h) j++;
    // a run of equal hashes [i, j), in ascending entry index (the sort is stable)
    const d = j - i > PAIRWISE_RUN_MAX ? firstRepeatBySet(order, i, j, best, keyOf) : firstRepeatPairwise(order, i, j, best, keyEquals);
    if (d < best) best = d;
    i = j;
  }
  return best < n ? best : -1;
}

/** The first index of order[i, j) (ascending) equal to an earlier one there, below `best`; else `best`. */
function firstRepeatPairwise(order: Int32Array, i: number, j: number, best: number, keyEquals: (a: number, b: number) => boolean): number {
  for (let a = i + 1; a < j; a++) {
    const ia = order[a] ?? 0;
    if (ia >= best) break;
    for (let c = i; c < a; c++) if (keyEquals(order[c] ?? 0, ia)) return ia;
  }
  return best;
}

/** firstRepeatPairwise for a long run: one Set probe per key (the keys as latin1 strings). */
function firstRepeatBySet(order: Int32Array, i: number, j: number, best: number, keyOf: (a: number) => Uint8Array): number {
  const seen = new Set<string>();
  for (let a = i; a < j; a++) {
    const ia = order[a] ?? 0;
    if (ia >= best) break;
    const k = bytesToAscii(keyOf(ia));
    if (seen.has(k)) return ia;
    seen.add(k);
  }
  return best;
}

/** Indices 0..n-1 ordered by `hashes[i]` (unsigned), ties in index order: two 16-bit LSD radix passes. */
function sortByHash(hashes: Int32Array, n: number): Int32Array {
  let src = new Int32Array(n);
  for (let i = 0; i < n; i++) src[i] = i;
  let dst = new Int32Array(n);
  const count = new Int32Array(65536);
  for (let shift = 0; shift < 32; shift += 16) {
    count.fill(0);
    for (let i = 0; i < n; i++) {
      // `>>` and a mask, not `>>>`: stays a small integer even before the loop is optimized (a
      // uint32 above 2^31 is a heap number there, and this loop runs once per decode)
      const k = ((hashes[i] ?? 0) >> shift) & 0xffff;
      count[k] = (count[k] ?? 0) + 1;
    }
    for (let k = 0, sum = 0; k < 65536; k++) {
      const c = count[k] ?? 0;
      count[k] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const ix = src[i] ?? 0;
      const k = ((hashes[ix] ?? 0) >> shift) & 0xffff;
      const at = count[k] ?? 0;
      dst[at] = ix;
      count[k] = at + 1;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

/** An AUX value as text (they are ASCII in every file Redis writes). */
export function auxText(rdb: DecodedRdb, name: string): string | undefined {
  const a = rdb.aux.find((x) => bytesToAscii(x.key) === name);
  return a === undefined ? undefined : bytesToAscii(a.value);
}

/** Every entry of every database, in file order. */
export function* allEntries(rdb: DecodedRdb): Iterable<DecodedEntry> {
  for (const d of rdb.databases) yield* d.entries;
}
