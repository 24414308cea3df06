/**
 * A human-readable map of an RDB file: one line per record with its offset, its bytes and what it
 * means (used by the byte-layout example and the README's annotated dump).
 */
import { RdbDecoder, type RdbRecord } from './decoder.js';
import { bytesToAscii } from './bytes.js';

export interface AnnotatedRecord {
  offset: number;
  length: number;
  bytes: Uint8Array;
  what: string;
}

function show(b: Uint8Array, max = 32): string {
  let s = '';
  for (const c of b.subarray(0, max)) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  return JSON.stringify(b.length > max ? s + '…' : s);
}

function describe(r: RdbRecord): string {
  switch (r.kind) {
    case 'header':
      return `magic "REDIS" + version "${String(r.version).padStart(4, '0')}"`;
    case 'aux':
      return `0xFA AUX ${bytesToAscii(r.key)} = ${show(r.value)}`;
    case 'selectdb':
      return `0xFE SELECTDB ${r.db}`;
    case 'resizedb':
      return `0xFB RESIZEDB ${r.dbSize} keys, ${r.expiresSize} with expiry`;
    case 'function':
      return `0xF5 FUNCTION2 library (${r.code.length} bytes)`;
    case 'entry': {
      const e = r.entry;
      const exp = e.expireAtMs !== undefined ? `0xFC EXPIRETIME_MS ${e.expireAtMs} (${new Date(e.expireAtMs).toISOString()}), then ` : '';
      const v = e.value;
      const size = v.type === 'string' ? `${v.value.length} bytes` : `${v.value.length} elements`;
      return `${exp}type ${e.type} ${e.typeName}, key ${show(e.key)}, ${v.type} of ${size} (loads as ${e.encoding})`;
    }
    case 'empty-key':
      return `type ${r.type} ${r.typeName}, key ${show(r.key)}: an empty collection, skipped on load as Redis 7.0 does`;
    case 'eof':
      return `0xFF EOF, then CRC-64 0x${r.checksum.toString(16).padStart(16, '0')} (little-endian)${r.checksum === 0n ? ' = checksum disabled' : ''}`;
  }
}

/** One annotated line per record, in file order. */
export function annotateRdb(bytes: Uint8Array): AnnotatedRecord[] {
  const dec = new RdbDecoder();
  const records = dec.end(bytes);
  const out: AnnotatedRecord[] = [];
  records.forEach((r, i) => {
    const offset = r.kind === 'entry' ? r.entry.offset : r.offset;
    const nextRec = records[i + 1];
    const end = nextRec === undefined ? (r.kind === 'eof' ? r.endOffset : bytes.length) : nextRec.kind === 'entry' ? nextRec.entry.offset : nextRec.offset;
    out.push({ offset, length: end - offset, bytes: bytes.subarray(offset, end), what: describe(r) });
  });
  return out;
}

/** Classic hex dump lines: offset, 16 bytes in hex, ASCII. */
export function hexDump(bytes: Uint8Array, from = 0, to = bytes.length): string[] {
  const lines: string[] = [];
  for (let o = from - (from % 16); o < to; o += 16) {
    let hx = '';
    let asc = '';
    for (let i = 0; i < 16; i++) {
      const p = o + i;
      if (p < from || p >= to) {
        hx += '   ';
        asc += ' ';
      } else {
        const c = (bytes[p] ?? 0);
        hx += c.toString(16).padStart(2, '0') + ' ';
        asc += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
      }
      if (i === 7) hx += ' ';
    }
    lines.push(`${o.toString(16).padStart(8, '0')}  ${hx} |${asc}|`);
  }
  return lines;
}
