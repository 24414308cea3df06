// Why `$2000` and `$20000` do not reach 1.5× redis-parser (issue 19): the floor of a bulk reply.
// The same 64 KiB chunks as decode-by-type.ts's rows (n bulks of L bytes, `$L\r\n<L bytes>\r\n`),
// CPU time, the contenders interleaved, ROUNDS rounds after two warm-ups:
// - floor: what any decoder that hands out each payload as one contiguous Uint8Array must do and
//   nothing else — a view per payload wholly inside a chunk, and for a payload cut by a chunk end
//   a fresh buffer (Buffer.allocUnsafe: not zero-filled) the pieces are copied into; the payloads'
//   positions are precomputed, so no byte of a header is read and nothing is checked;
// - redis-parser 3.0.0 (returnBuffers: true), which does that (slice / Buffer.concat) plus parsing;
// - RespBareDecoder.execute (every check of the decoder).
// theirs ÷ floor is the most any such decoder can be ahead of redis-parser on the row: if it is
// below 1.5, no decoder with contiguous payloads reaches 1.5× there.
//   npx tsx --conditions=@protolab/source packages/resp/bench/bulk-floor.ts [L=2000,20000]
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { encodeMany, reply, RespBareDecoder } from '@protolab/resp';

type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const CHUNK = 65536;
const sizes = (process.argv[2] ?? '2000,20000').split(',').map(Number);
const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;

/** A payload's place: chunk index and offset of its first byte, and its length. */
interface Span {
  readonly chunk: number;
  readonly at: number;
  readonly len: number;
}

function spans(n: number, len: number): Span[] {
  const header = `$${len}\r\n`.length;
  const out: Span[] = [];
  let o = 0;
  for (let i = 0; i < n; i++) {
    const start = o + header;
    out.push({ chunk: Math.floor(start / CHUNK), at: start % CHUNK, len });
    o = start + len + 2;
  }
  return out;
}

/** The floor: a view, or an allocation and one copy of each piece for a payload cut by a chunk end. */
function floor(chunks: readonly Buffer[], places: readonly Span[], onReply: (v: Uint8Array) => void): void {
  const abs = chunks.map((c) => c.buffer);
  const bos = chunks.map((c) => c.byteOffset);
  const lens = chunks.map((c) => c.length);
  for (let i = 0; i < places.length; i++) {
    const { chunk, at, len } = places[i] as Span;
    if (at + len <= (lens[chunk] ?? 0)) {
      onReply(new Uint8Array(abs[chunk] as ArrayBuffer, (bos[chunk] ?? 0) + at, len));
      continue;
    }
    const out = Buffer.allocUnsafe(len); // no zero-fill: the least a Node decoder pays
    let got = 0;
    let k = chunk;
    let from = at;
    while (got < len) {
      const piece = chunks[k++];
      if (piece === undefined) break;
      const take = Math.min(len - got, piece.length - from);
      piece.copy(out, got, from, from + take);
      got += take;
      from = 0;
    }
    onReply(out);
  }
}

console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${ROUNDS} rounds; ns per reply (median) and theirs ÷ each (median, range)`);
for (const len of sizes) {
  const n = Math.max(2000, Math.floor(40_000_000 / len));
  const word = 'x'.repeat(len);
  const corpus = encodeMany(Array.from({ length: n }, () => reply.bulk(word)), { protocol: 2 });
  const chunks: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += CHUNK) chunks.push(Buffer.from(corpus.subarray(o, o + CHUNK)));
  const places = spans(n, len);
  const cut = places.filter((p) => p.at + p.len > CHUNK).length;
  let sink = 0;
  const count = (v: unknown): void => {
    if (v !== null) sink++;
  };
  const contenders: [string, () => void][] = [
    ['floor', () => {
      floor(chunks, places, count);
    }],
    ['redis-parser', () => {
      const p = new RedisParserClass({ returnReply: count, returnError: count, returnBuffers: true });
      for (const c of chunks) p.execute(c);
    }],
    ['RespBareDecoder.execute', () => {
      const d = new RespBareDecoder({ onReply: count });
      for (const c of chunks) d.execute(c);
    }],
  ];
  const t = contenders.map((): number[] => []);
  for (let r = 0; r < ROUNDS + 2; r++) {
    contenders.forEach(([, fn], i) => {
      sink = 0;
      const c0 = process.cpuUsage();
      fn();
      const c = process.cpuUsage(c0);
      if (sink !== n) throw new Error(`${contenders[i]?.[0] ?? '?'}: ${sink} of ${n} replies`);
      if (r >= 2) t[i]?.push(c.user + c.system);
    });
  }
  const theirs = t[1] ?? [];
  console.log(`$${len}: ${n} replies, ${cut} cut by a chunk end (${((100 * cut) / n).toFixed(0)} %)`);
  contenders.forEach(([name], i) => {
    const mine = t[i] ?? [];
    const ratios = mine.map((a, j) => (theirs[j] ?? NaN) / a);
    console.log(`  ${name.padEnd(24)} ${((median(mine) * 1000) / n).toFixed(0).padStart(6)} ns   theirs ÷ it ${median(ratios).toFixed(2)}× (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`);
  });
}
