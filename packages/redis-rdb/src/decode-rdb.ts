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
  // duplicate detection without a string or a Map entry per key: an open-addressing table of
  // (FNV-1a hash, entry index) per db, and a byte comparison only when two keys hash alike
  let current: { d: DecodedDatabase; keys: KeyTable } | undefined;
  const dbs = new Map<number, { d: DecodedDatabase; keys: KeyTable }>();
  const dbFor = (n: number): { d: DecodedDatabase; keys: KeyTable } => {
    if (current?.d.db === n) return current;
    let x = dbs.get(n);
    if (x === undefined) {
      const d: DecodedDatabase = { db: n, entries: [] };
      result.databases.push(d);
      x = { d, keys: new KeyTable(d.entries) };
      dbs.set(n, x);
    }
    current = x;
    return x;
  };
  setEntrySink(dec, (e) => {
    const x = current?.d.db === e.db ? current : dbFor(e.db);
    if (!x.keys.add(e)) {
      throw new RdbFormatError('DUPLICATE_KEY', e.offset, `duplicate key ${JSON.stringify(bytesToAscii(e.key.subarray(0, 40)))} in db ${e.db}`);
    }
    x.d.entries.push(e);
  });
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
        // size the key table from the hint (rdbLoad's dictExpand), but never beyond what the bytes
        // left could hold (a record takes at least 3 bytes) nor 2M keys (32 MB), so a forged hint
        // cannot balloon it; beyond that the table grows as keys arrive
        x.keys.reserve(Math.min(r.dbSize, Math.floor((bytes.length - r.offset) / 3), 1 << 21));
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
  result.version = dec.version;
  return result;
}

/**
 * The keys of one database, for duplicate detection: linear probing over two Int32Arrays (hash,
 * 1 + index into `entries`), so a million keys cost no per-key objects. `add` is called before the
 * entry is pushed, so the new key's index is `entries.length`.
 */
class KeyTable {
  /** pairs (hash, 1 + entry index), 0 = empty slot: one cache line holds both halves of a probe */
  private table = new Int32Array(2048);
  private mask = 1023;
  private size = 0;

  constructor(private readonly entries: readonly DecodedEntry[]) {}

  /** Make room for `n` keys without rehashing (load factor <= 1/2). */
  reserve(n: number): void {
    let mask = this.mask;
    while (n * 2 > mask) mask = mask * 2 + 1;
    if (mask !== this.mask) this.grow(mask);
  }

  /** false when an entry with an equal key is already present */
  add(e: DecodedEntry): boolean {
    const h = Entry.keyHash(e);
    const mask = this.mask;
    const t = this.table;
    let i = h & mask;
    for (;;) {
      const s = (t[2 * i + 1] ?? 0);
      if (s === 0) break;
      if (t[2 * i] === h && Entry.keyEquals(defined(this.entries[s - 1], 'the key table points at entries already pushed'), e)) return false;
      i = (i + 1) & mask;
    }
    t[2 * i] = h;
    t[2 * i + 1] = this.entries.length + 1;
    if (++this.size * 2 > mask) this.grow();
    return true;
  }

  private grow(mask = this.mask * 2 + 1): void {
    const old = this.table;
    const t = new Int32Array(2 * (mask + 1));
    for (let j = 0; j < old.length; j += 2) {
      const s = (old[j + 1] ?? 0);
      if (s === 0) continue;
      const h = (old[j] ?? 0);
      let i = h & mask;
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = h;
      t[2 * i + 1] = s;
    }
    this.table = t;
    this.mask = mask;
  }
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
