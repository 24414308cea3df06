// Experiment (issue 19): where the time of a UTF-8 key goes, step by step. On the slot bench's
// "UTF-8 no tags" keys (keys.ts: 8–40 characters, 70 % ASCII, 15 % Latin, 10 % CJK, 5 % emoji),
// flat and held (a `+=` rope read once), CPU ns per key of:
//   units            the charCodeAt loop alone (sum of the units)
//   units+pairs      the same with the surrogate-pair test of the encoder
//   units+lengths    the same, summing each unit's UTF-8 byte count computed from sign bits
//   branchy/PAIR     the encoder before issue 19's fourth pass: a branch per unit on its byte
//                    count, two bytes per lookup in a 128 KiB pair table (kept here to compare)
//   branch-free      the encoder now (crc16Utf8: shift the register by the unit's byte count,
//                    XOR the unit's own CRC from a 64K table)
//   computed bytes   the same step, the unit's CRC computed from its bytes (three 256-entry
//                    lookups, no 128 KiB table)
//   bytes: S0 step   the CRC over the key's UTF-8 bytes, encoded before timing, one byte a step
//   bytes: sliced    the same bytes through crc16 (slicing-by-8)
//   encode+sliced    Buffer.from(key) then crc16, per key
// All interleaved round by round in one process (the order turns each round), 2 warm-ups + 9
// rounds, medians. Run: cd /work/main && npx tsx --conditions=@protolab/source packages/redis-cluster/bench/utf8-steps.ts
import { loadavg } from 'node:os';
import { CRC16_TABLE as S0, crc16, crc16Utf8 } from '@protolab/redis-cluster';
import { Prng } from '@protolab/sim';
import { cons, cpuUs, flat, keyChars, median } from './keys.js';

const N = Number(process.env['BENCH_KEYS'] ?? 200_000);
const prng = new Prng(0x9e3779b9);
const chars = Array.from({ length: N }, () => keyChars(prng, false, true));
const flatKeys = chars.map(flat);
const heldKeys = chars.map(cons);
for (const k of heldKeys) k.charCodeAt(0);
const bytes = flatKeys.map((k) => Buffer.from(k, 'utf8'));

// The pair table and S1..S2 of the old encoder, rebuilt here from Redis's table.
const S1 = Uint16Array.from(S0, (r) => ((r << 8) & 0xffff) ^ (S0[r >>> 8] ?? 0));
const S2 = Uint16Array.from(S1, (r) => ((r << 8) & 0xffff) ^ (S0[r >>> 8] ?? 0));
const PAIR = new Uint16Array(65536);
for (let x = 0; x < 65536; x++) PAIR[x] = (S1[x >>> 8] ?? 0) ^ (S0[x & 0xff] ?? 0);
const SH_HI = Uint16Array.from([...S0, ...S1, ...S2]);
const SH_LO = Uint16Array.from([...Array.from({ length: 256 }, (_, x) => (x << 8) & 0xffff), ...S0, ...S1]);

/** The old unit-by-unit encoder (crc16.ts before 97f2db2), no tags, whole string. */
function branchy(s: string): number {
  let crc = 0;
  let i = 0;
  const end = s.length;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (i + 1 < end) {
        const d = s.charCodeAt(i + 1);
        if (d < 0x80) { crc = PAIR[crc ^ ((c << 8) | d)]!; i += 2; continue; }
      }
      crc = ((crc << 8) & 0xffff) ^ S0[(crc >>> 8) ^ c]!;
      i += 1;
    } else if (c < 0x800) {
      crc = PAIR[crc ^ (((0xc0 | (c >>> 6)) << 8) | (0x80 | (c & 0x3f)))]!;
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      const cp = ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00) + 0x10000;
      crc = PAIR[crc ^ (((0xf0 | (cp >>> 18)) << 8) | (0x80 | ((cp >>> 12) & 0x3f)))]!;
      crc = PAIR[crc ^ (((0x80 | ((cp >>> 6) & 0x3f)) << 8) | (0x80 | (cp & 0x3f)))]!;
      i += 2;
    } else {
      const u = (c & 0xf800) === 0xd800 ? 0xfffd : c;
      crc = PAIR[crc ^ (((0xe0 | (u >>> 12)) << 8) | (0x80 | ((u >>> 6) & 0x3f)))]!;
      crc = ((crc << 8) & 0xffff) ^ S0[(crc >>> 8) ^ (0x80 | (u & 0x3f))]!;
      i += 1;
    }
  }
  return crc;
}

/** The branch-free step with the unit's CRC computed from its 1–3 bytes (surrogates: pairs as 4 bytes; lone ones are not in these keys). */
function computed(s: string): number {
  let crc = 0;
  let i = 0;
  const end = s.length;
  while (i < end) {
    const u = s.charCodeAt(i);
    if ((u & 0xfc00) === 0xd800 && i + 1 < end) {
      const d = s.charCodeAt(i + 1);
      const cp = ((u - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
      crc = PAIR[crc ^ (((0xf0 | (cp >>> 18)) << 8) | (0x80 | ((cp >>> 12) & 0x3f)))]!;
      crc = PAIR[crc ^ (((0x80 | ((cp >>> 6) & 0x3f)) << 8) | (0x80 | (cp & 0x3f)))]!;
      i += 2;
      continue;
    }
    const m1 = (0x7f - u) >> 31; // -1 when u >= 0x80
    const m2 = (0x7ff - u) >> 31; // -1 when u >= 0x800
    const b2 = (u & ~m1) | ((0x80 | (u & 0x3f)) & m1);
    const b1 = ((0xc0 | (u >>> 6)) & m1 & ~m2) | ((0x80 | ((u >>> 6) & 0x3f)) & m2);
    const b0 = (0xe0 | (u >>> 12)) & m2;
    const o = (-m1 - m2) << 8;
    crc = SH_HI[o | (crc >>> 8)]! ^ SH_LO[o | (crc & 0xff)]! ^ S2[b0]! ^ S1[b1]! ^ S0[b2]!;
    i += 1;
  }
  return crc;
}

type Step = (i: number, keys: readonly string[]) => number;
const steps = new Map<string, Step>([
  ['units', (i, ks) => { const s = ks[i]!; let t = 0; for (let j = 0; j < s.length; j++) t += s.charCodeAt(j); return t; }],
  ['units+pairs', (i, ks) => { const s = ks[i]!; let t = 0; for (let j = 0; j < s.length; j++) { const u = s.charCodeAt(j); if ((u & 0xfc00) === 0xd800 && j + 1 < s.length && (s.charCodeAt(j + 1) & 0xfc00) === 0xdc00) { t += 4; j++; } else t += u; } return t; }],
  ['units+lengths', (i, ks) => { const s = ks[i]!; let t = 0; for (let j = 0; j < s.length; j++) { const u = s.charCodeAt(j); t += 1 + ((0x7f - u) >>> 31) + ((0x7ff - u) >>> 31); } return t; }],
  ['branchy/PAIR', (i, ks) => branchy(ks[i]!)],
  ['branch-free', (i, ks) => crc16Utf8(ks[i]!)],
  ['computed bytes', (i, ks) => computed(ks[i]!)],
  ['bytes: S0 step', (i) => { const b = bytes[i]!; let crc = 0; for (let j = 0; j < b.length; j++) crc = ((crc << 8) & 0xffff) ^ S0[(crc >>> 8) ^ b[j]!]!; return crc; }],
  ['bytes: sliced', (i) => crc16(bytes[i]!)],
  ['encode+sliced', (i, ks) => crc16(Buffer.from(ks[i]!, 'utf8'))],
]);
for (let i = 0; i < N; i++) {
  const want = crc16(bytes[i]!);
  if (branchy(flatKeys[i]!) !== want || crc16Utf8(flatKeys[i]!) !== want || computed(flatKeys[i]!) !== want) throw new Error(`encoders disagree on key ${i}`);
}
console.log(`node ${process.version}, ${N} UTF-8 keys without tags, CPU ns per key (median of 9 rounds), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
console.log('| step | flat | held |\n|---|---|---|');
const names = [...steps.keys()];
const res = new Map<string, number[]>();
for (let r = 0; r < 11; r++) {
  for (let k = 0; k < names.length * 2; k++) {
    const idx = (k + r) % (names.length * 2);
    const name = names[idx >> 1]!;
    const keys = idx % 2 === 0 ? flatKeys : heldKeys;
    const f = steps.get(name)!;
    const t0 = cpuUs();
    let sink = 0;
    for (let i = 0; i < N; i++) sink += f(i, keys);
    const dt = cpuUs() - t0;
    if (sink === 0.5) console.log('');
    if (r < 2) continue;
    const key = `${name}|${idx % 2}`;
    res.set(key, [...(res.get(key) ?? []), (dt * 1000) / N]);
  }
}
for (const name of names) {
  const held = name.startsWith('bytes') ? '–' : median(res.get(`${name}|1`) ?? []).toFixed(0);
  console.log(`| ${name} | ${median(res.get(`${name}|0`) ?? []).toFixed(0)} | ${held} |`);
}
console.log(`load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
