// Why `:` integers, `$-1` and `+simple` as a string stay below 1.5× redis-parser (issue 19): the
// floor. Three decoders of the same 64 KiB chunks of one reply repeated (`:42`, `:123456`, `$-1`, `*-1`,
// `:1234567890123`, a 20-character `+` line; ONLY=<regex> picks rows), CPU time, interleaved, ROUNDS rounds:
// - floor: the least any decoder returning RespValues can do — one loop over the bytes, the
//   digits by charCode arithmetic, one `{ type, value }` object per reply (or the shared null)
//   pushed into the array a push() returns; no validation, no resumable state, no chunk joins
//   (the chunks hold whole replies: 64 KiB rounded down);
// - redis-parser 3.0.0 (returnBuffers: true), which hands a bare number / null to a callback;
// - @protolab/resp (integers: 'number');
// and for the bare output (RespBareDecoder, issue 19 leftovers):
// - bare floor: the same loop handing a bare number / null to a callback, as redis-parser does,
//   still without validation or resumable state;
// - RespBareDecoder.execute (callback per reply, all of the decoder's checks).
//   npx tsx --conditions=@protolab/source packages/resp/bench/decode-floor.ts
//   THEIR_STRINGS=1 ONLY='^\+simple$' …: redis-parser making strings too (returnBuffers: false)
// If redis-parser ÷ floor is itself below 1.5×, no decoder with this output can reach 1.5×.
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { RespBareDecoder, RespDecoder } from '@protolab/resp';
import { asciiText } from '../src/utf8.js';

type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const NULL_BULK = Object.freeze({ type: 'null', resp2: 'bulk' });

function floor(chunks: readonly Uint8Array[]): number {
  let n = 0;
  for (const buf of chunks) {
    const out: object[] = [];
    const end = buf.length;
    let p = 0;
    while (p < end) {
      const t = buf[p] ?? 0;
      let i = p + 1;
      if (t === 0x2b) {
        // a `+` line: the CR, then the text made the cheapest way this package knows (utf8.ts asciiText)
        while (i < end && buf[i] !== 13) i++;
        if (i + 1 >= end) break;
        out.push({ type: 'simple', value: asciiText(buf, p + 1, i) });
        p = i + 2;
        continue;
      }
      const neg = buf[i] === 0x2d;
      if (neg) i++;
      let v = 0;
      let c = 0;
      for (; i < end; i++) {
        c = buf[i] ?? 0;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
      }
      if (c !== 13 || i + 1 >= end) break;
      out.push(t === 0x24 || t === 0x2a ? NULL_BULK : { type: 'integer', value: neg ? -v : v });
      p = i + 2;
    }
    n += out.length;
  }
  return n;
}

/** The floor for bare output: the same loop, a bare value to a callback per reply. */
function bareFloor(chunks: readonly Uint8Array[], onReply: (v: number | string | null) => void): void {
  for (const buf of chunks) {
    const end = buf.length;
    // the CR of a `+` line looked for four bytes a read (as RespBareDecoder does since 2026-12-06)
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let p = 0;
    while (p < end) {
      const t = buf[p] ?? 0;
      let i = p + 1;
      if (t === 0x2b) {
        while (i + 4 <= end) {
          const x = dv.getUint32(i, true) ^ 0x0d0d0d0d;
          if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break;
          i += 4;
        }
        while (i < end && buf[i] !== 13) i++;
        if (i + 1 >= end) break;
        onReply(asciiText(buf, p + 1, i));
        p = i + 2;
        continue;
      }
      const neg = buf[i] === 0x2d;
      if (neg) i++;
      let v = 0;
      let c = 0;
      for (; i < end; i++) {
        c = buf[i] ?? 0;
        if (c < 0x30 || c > 0x39) break;
        v = v * 10 + (c - 0x30);
      }
      if (c !== 13 || i + 1 >= end) break;
      onReply(t === 0x24 || t === 0x2a ? null : neg ? -v : v);
      p = i + 2;
    }
  }
}

const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
// `+simple`: 20 characters, a string on every side but redis-parser's (returnBuffers: true, a
// Buffer slice, as in decode-by-type.ts's `+simple (20 chars)` row): the floors pay for a string.
const only = new RegExp(process.env['ONLY'] ?? '');
// THEIR_STRINGS=1: redis-parser with returnBuffers: false (a `+` line as a string, as the floors
// and ours make it: decode-by-type.ts's `+simple, strings both` row)
const theirStrings = process.env['THEIR_STRINGS'] === '1';
const rows = [[':42', ':42\r\n'], [':123456', ':123456\r\n'], ['$-1', '$-1\r\n'], ['*-1', '*-1\r\n'], [':1234567890123', ':1234567890123\r\n'], ['+simple', '+abcdefghijklmnopqrst\r\n']] as const;
for (const [name, unit] of rows.filter(([row]) => only.test(row))) {
  const n = 200_000;
  const corpus = Buffer.from(unit.repeat(n));
  const chunks: Buffer[] = [];
  // 64 KiB rounded down to whole replies: no decoder meets a cut reply (the floors do not resume one)
  const size = Math.floor(65536 / unit.length) * unit.length;
  for (let o = 0; o < corpus.length; o += size) chunks.push(corpus.subarray(o, o + size));
  let sink = 0;
  // Every callback keeps the last value, so no compiler drops a value nobody reads (a floor's
  // String.fromCharCode with an unused result can be, and `+simple` then cost it ~14 ns).
  let last: unknown;
  const keep = (v: unknown): void => {
    sink++;
    last = v;
  };
  const runs: [string, () => void][] = [
    ['floor', () => (sink += floor(chunks))],
    ['redis-parser', () => {
      const p = new RedisParserClass({ returnReply: keep, returnError: keep, returnBuffers: !theirStrings });
      for (const c of chunks) p.execute(c);
    }],
    ['protolab', () => {
      const d = new RespDecoder({ integers: 'number' });
      for (const c of chunks) sink += d.push(c).length;
    }],
    ['bare floor', () => {
      bareFloor(chunks, keep);
    }],
    ['bare', () => {
      const d = new RespBareDecoder({ onReply: keep });
      for (const c of chunks) d.execute(c);
    }],
  ];
  const t = runs.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS + 2; r++) {
    runs.forEach(([, fn], i) => {
      const before = sink;
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      // every contender must have read every reply (a floor that lost its place once read 6 %)
      if (sink - before !== n) throw new Error(`${name}: ${runs[i]?.[0]} read ${sink - before} replies of ${n}`);
      if (r >= 2) t[i]?.push(((c.user + c.system) * 1000) / n);
    });
  }
  const [f, rp, us, bf, bare] = t.map(median) as [number, number, number, number, number];
  console.log(`${name.padEnd(8)} ns/reply: floor ${f.toFixed(1)}, redis-parser ${rp.toFixed(1)}, protolab ${us.toFixed(1)}; redis-parser ÷ floor ${(rp / f).toFixed(2)}×, redis-parser ÷ protolab ${(rp / us).toFixed(2)}×, protolab ÷ floor ${(us / f).toFixed(2)}×${sink < 0 && last !== undefined ? '' : ''}`);
  console.log(`${''.padEnd(8)} bare: floor ${bf.toFixed(1)}, RespBareDecoder ${bare.toFixed(1)}; redis-parser ÷ bare floor ${(rp / bf).toFixed(2)}×, redis-parser ÷ RespBareDecoder ${(rp / bare).toFixed(2)}×, RespBareDecoder ÷ bare floor ${(bare / bf).toFixed(2)}×`);
}
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
