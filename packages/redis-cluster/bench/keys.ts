// The key sets of the keyHashSlot benches (issue 19), shared by slot.bench.ts and slot-ab.ts:
// 8–40 characters, drawn from a seeded Prng, either printable ASCII or "UTF-8" text (70 % ASCII,
// 15 % 2-byte Latin, 10 % CJK, 5 % emoji, i.e. a surrogate pair), with or without a `{tag}`
// (and then braces elsewhere too), built flat (Array.join) or as a cons string (`+=`).
import type { Prng } from '@protolab/sim';

/** One key as an array of UTF-16 units (joined or `+=`-built later). */
export function keyChars(prng: Prng, tags: boolean, utf8: boolean): string[] {
  const int = (lo: number, hiExcl: number): number => prng.int(lo, hiExcl);
  const len = int(8, 41);
  const out: string[] = [];
  const char = (): string => {
    if (utf8) {
      const p = prng.float();
      if (p < 0.15) return String.fromCharCode(int(0xc0, 0x250));
      if (p < 0.25) return String.fromCharCode(int(0x4e00, 0x9fa0));
      if (p < 0.3) return String.fromCodePoint(int(0x1f600, 0x1f650));
    }
    let c = int(0x20, 0x7f);
    if (!tags && (c === 0x7b || c === 0x7d)) c = 0x5f;
    return String.fromCharCode(c);
  };
  while (out.length < len) out.push(char());
  if (tags) {
    const at = int(0, out.length);
    const tag = Array.from({ length: int(1, 10) }, () => String.fromCharCode(int(0x61, 0x7b)));
    out.splice(at, 0, '{', ...tag, '}');
  }
  return out;
}

export function flat(chars: readonly string[]): string {
  return chars.join('');
}
export function cons(chars: readonly string[]): string {
  let s = '';
  for (const c of chars) s += c;
  return s;
}

/** The slot written out bit by bit over the UTF-8 bytes (cluster.c keyHashSlot): the benches' check. */
export function naiveSlot(key: string | Uint8Array): number {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
  const s = bytes.indexOf(0x7b);
  let from = 0;
  let to = bytes.length;
  if (s !== -1) {
    const e = bytes.indexOf(0x7d, s + 1);
    if (e > s + 1) { from = s + 1; to = e; }
  }
  let crc = 0;
  for (let i = from; i < to; i++) {
    crc ^= (bytes[i] ?? 0) << 8;
    for (let k = 0; k < 8; k++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc & 0x3fff;
}

/** CPU µs of this process (time spent descheduled on a loaded machine is not counted). */
export function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
