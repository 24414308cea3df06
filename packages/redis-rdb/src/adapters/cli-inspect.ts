/**
 * `protolab-rdb inspect`: what people run redis-rdb-tools' `memory` report or `redis-cli --bigkeys`
 * for, computed from the dump in one streaming pass (records are counted and dropped, so memory
 * stays bounded by the top-N lists and the prefix table): header and AUX fields, keys and expiries
 * per database, a histogram of RDB type × loaded encoding, the biggest keys by bytes in the file,
 * and a memory estimate per key prefix.
 *
 * The memory estimate is rough (about what Redis 7.0 allocates, before jemalloc's size classes):
 * per key a dictEntry (24 B), the key's sds (len + 9), a robj (16 B) and, with a TTL, an entry in
 * the expires dict (24 B); a value kept packed (int, embstr, intset, listpack, quicklist) costs its
 * bytes in the file; a hashtable set / hash costs per member a dictEntry, a bucket and the sds
 * strings; a skiplist zset adds a skiplist node (about 48 B) per member.
 */
import { bytesToAscii } from '../bytes.js';
import type { RdbRecord } from '../decoder.js';
import type { DecodedEntry } from '../entry.js';

export interface InspectReport {
  file: string;
  bytes: number;
  version: number;
  aux: Record<string, string>; // map-ok: a JSON report object keyed by AUX names, only written
  databases: { db: number; keys: number; expires: number; resizeDb?: { dbSize: number; expiresSize: number } }[];
  types: { type: string; encoding: string; keys: number }[];
  biggest: { db: number; key: string; type: string; encoding: string; bytes: number; elements: number }[];
  prefixes: { prefix: string; keys: number; bytes: number; memoryEstimate: number }[];
  emptyKeysSkipped: number;
  checksum: { stored: string; computed: string };
}

const SDS = 9; // sds header + terminator, about
const DICT_ENTRY = 24;
const ROBJ = 16;
const BUCKET = 8;
const SKIPLIST_NODE = 48;

/** Rough bytes Redis 7.0 holds for one key and its value (see the header). */
export function memoryEstimate(e: DecodedEntry, recordBytes: number): number {
  let m = DICT_ENTRY + e.key.length + SDS + ROBJ + (e.expireAtMs !== undefined ? DICT_ENTRY : 0);
  const v = e.value;
  if (e.encoding === 'hashtable' && v.type === 'set') for (const x of v.value) m += DICT_ENTRY + BUCKET + x.length + SDS;
  else if (e.encoding === 'hashtable' && v.type === 'hash') for (const [f, x] of v.value) m += DICT_ENTRY + BUCKET + f.length + x.length + 2 * SDS;
  else if (e.encoding === 'skiplist' && v.type === 'zset') for (const z of v.value) m += DICT_ENTRY + BUCKET + SKIPLIST_NODE + z.member.length + SDS;
  else if (e.encoding === 'raw' && v.type === 'string') m += v.value.length + SDS;
  else m += recordBytes; // kept packed: about its size in the file
  return m;
}

function keyText(k: Uint8Array): string {
  return bytesToAscii(k.subarray(0, 200));
}

function elements(e: DecodedEntry): number {
  return e.value.value.length;
}

/** Accumulates the report one record at a time; `add` each record, then `finish`. */
export class InspectAccumulator {
  private readonly report: InspectReport;
  private readonly dbs = new Map<number, InspectReport['databases'][number]>();
  private readonly types = new Map<string, number>();
  private readonly prefixes = new Map<string, InspectReport['prefixes'][number]>();
  /** the entry whose size is known once the next record's offset is */
  private pending: DecodedEntry | undefined;

  constructor(file: string, private readonly top: number, private readonly separator: string) {
    this.report = { file, bytes: 0, version: 0, aux: {}, databases: [], types: [], biggest: [], prefixes: [], emptyKeysSkipped: 0, checksum: { stored: '', computed: '' } };
  }

  add(r: RdbRecord): void {
    const offset = r.kind === 'entry' ? r.entry.offset : r.offset;
    if (this.pending !== undefined) this.closeEntry(this.pending, offset - this.pending.offset);
    this.pending = undefined;
    switch (r.kind) {
      case 'header':
        this.report.version = r.version;
        break;
      case 'aux':
        this.report.aux[bytesToAscii(r.key)] = bytesToAscii(r.value);
        break;
      case 'selectdb':
        this.db(r.db);
        break;
      case 'resizedb':
        if (this.current !== undefined) this.current.resizeDb = { dbSize: r.dbSize, expiresSize: r.expiresSize };
        break;
      case 'entry':
        this.pending = r.entry;
        break;
      case 'empty-key':
        this.report.emptyKeysSkipped++;
        break;
      case 'eof':
        this.report.checksum = { stored: `0x${r.checksum.toString(16).padStart(16, '0')}`, computed: `0x${r.computedChecksum.toString(16).padStart(16, '0')}` };
        this.report.bytes = r.endOffset;
        break;
      case 'function':
        break;
    }
  }

  private current: InspectReport['databases'][number] | undefined;

  private db(n: number): InspectReport['databases'][number] {
    let d = this.dbs.get(n);
    if (d === undefined) {
      d = { db: n, keys: 0, expires: 0 };
      this.dbs.set(n, d);
    }
    this.current = d;
    return d;
  }

  private closeEntry(e: DecodedEntry, bytes: number): void {
    const d = this.current?.db === e.db ? this.current : this.db(e.db);
    d.keys++;
    if (e.expireAtMs !== undefined) d.expires++;
    const t = `${e.typeName}\u0000${e.encoding}`;
    this.types.set(t, (this.types.get(t) ?? 0) + 1);
    const key = keyText(e.key);
    const big = this.report.biggest;
    const worst = big[big.length - 1];
    if (big.length < this.top || (worst !== undefined && bytes > worst.bytes)) {
      big.push({ db: e.db, key, type: e.typeName, encoding: e.encoding, bytes, elements: elements(e) });
      big.sort((a, b) => b.bytes - a.bytes);
      if (big.length > this.top) big.pop();
    }
    const cut = key.indexOf(this.separator);
    const prefix = cut < 0 ? '(no separator)' : key.slice(0, cut + this.separator.length);
    let p = this.prefixes.get(prefix);
    if (p === undefined) {
      p = { prefix, keys: 0, bytes: 0, memoryEstimate: 0 };
      this.prefixes.set(prefix, p);
    }
    p.keys++;
    p.bytes += bytes;
    p.memoryEstimate += memoryEstimate(e, bytes);
  }

  /** The report; prefixes sorted by estimated memory (the `top` largest, plus one line for the rest). */
  finish(endOffset: number): InspectReport {
    if (this.pending !== undefined) this.closeEntry(this.pending, endOffset - this.pending.offset);
    this.pending = undefined;
    const r = this.report;
    r.databases = [...this.dbs.values()].sort((a, b) => a.db - b.db);
    r.types = [...this.types].map(([k, keys]) => {
      const [type = '', encoding = ''] = k.split('\u0000');
      return { type, encoding, keys };
    }).sort((a, b) => b.keys - a.keys);
    const all = [...this.prefixes.values()].sort((a, b) => b.memoryEstimate - a.memoryEstimate);
    r.prefixes = all.slice(0, this.top);
    const rest = all.slice(this.top);
    if (rest.length > 0) {
      r.prefixes.push({ prefix: `(${rest.length} other prefixes)`, keys: rest.reduce((n, p) => n + p.keys, 0), bytes: rest.reduce((n, p) => n + p.bytes, 0), memoryEstimate: rest.reduce((n, p) => n + p.memoryEstimate, 0) });
    }
    return r;
  }
}

/** The human-readable form of the report. */
export function renderInspect(r: InspectReport): string {
  const out: string[] = [];
  out.push(`${r.file}: RDB version ${r.version}, ${r.bytes} bytes, checksum ${r.checksum.stored}${r.checksum.stored === '0x0000000000000000' ? ' (disabled)' : ' (verified)'}`);
  for (const [k, v] of Object.entries(r.aux)) out.push(`  aux ${k} = ${v}`);
  out.push('', 'databases:');
  for (const d of r.databases) out.push(`  db ${d.db}: ${d.keys} keys, ${d.expires} with a TTL${d.resizeDb !== undefined ? ` (RESIZEDB hint ${d.resizeDb.dbSize}/${d.resizeDb.expiresSize})` : ''}`);
  if (r.emptyKeysSkipped > 0) out.push(`  ${r.emptyKeysSkipped} empty collections skipped (as Redis does on load)`);
  out.push('', 'type / encoding after load:');
  for (const t of r.types) out.push(`  ${t.type.padEnd(18)} ${t.encoding.padEnd(10)} ${t.keys}`);
  out.push('', `biggest keys (bytes in the file):`);
  for (const b of r.biggest) out.push(`  ${String(b.bytes).padStart(10)}  db ${b.db} ${JSON.stringify(b.key)} ${b.type} ${b.encoding}, ${b.elements} ${b.type === 'STRING' ? 'bytes' : 'elements'}`);
  out.push('', 'memory estimate per key prefix (rough, before allocator rounding):');
  for (const p of r.prefixes) out.push(`  ${String(p.memoryEstimate).padStart(12)} B  ${String(p.keys).padStart(8)} keys  ${JSON.stringify(p.prefix)}`);
  return out.join('\n');
}
