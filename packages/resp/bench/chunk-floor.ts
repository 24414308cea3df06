// Why the two 100-byte-chunk rows of decode-by-type.ts stay below 1.5× redis-parser (issue 19):
// the floor of a streaming decoder that hands out the same values from the same 100-byte pushes.
// Three decoders of the same chunks, CPU time, a callback per reply:
// - redis-parser 3.0.0 (returnBuffers: true) — the anchor;
// - floor: the least a decoder that resumes where a push cut a reply can do — one loop over the
//   bytes read in place, charCode arithmetic, a `new Array(n)` per aggregate filled in place, a
//   plain Uint8Array view per bulk / simple string (new Uint8Array(buffer, offset, n): what our
//   decoders hand out), open aggregates on a stack kept across pushes; an element cut by a push
//   is joined by copying only its own bytes into a bump arena (its head from the previous push,
//   the rest from this one), and every other byte is read in place. No validation at all (no
//   CRLF, sign, leading-zero, length or depth checks, no limits, no offsets, no `work`).
// - RespBareDecoder.execute (all of the decoder's checks).
// The replies are decode-by-type.ts's (the same generators and seed), cut into 100-byte pieces.
// Each contender runs in a fresh `node` process of its own (the harness re-runs itself with
// ONLY=<row>:<contender>), so no contender's type feedback reaches another's code; ROUNDS rounds
// after two warm-up rounds, the median. REPS passes (default 3) run every contender once each in
// turn; ratios are taken within a pass. Pin it to one CPU (the two here differ ~1.8×):
//   taskset -c 0 npx tsx --conditions=@protolab/source packages/resp/bench/chunk-floor.ts
// If redis-parser ÷ floor is itself below 1.5×, no decoder with this output can reach 1.5×.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { encodeMany, reply, RespBareDecoder, type RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';

type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const CHUNK = 100;

const prng = new Prng(0x2545f491); // decode-by-type.ts's generator and seed
const rand = (): number => prng.float();
const word = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26));
  return s;
};
const mixed = (): RespValue => {
  const r = rand();
  if (r < 0.25) return reply.ok;
  if (r < 0.4) return reply.integer(Math.floor(rand() * 1e6));
  if (r < 0.5) return reply.null;
  if (r < 0.8) return reply.bulk(word(8 + Math.floor(rand() * 100)));
  if (r < 0.82) return reply.error('WRONGTYPE Operation against a key holding the wrong kind of value');
  return reply.array(Array.from({ length: 1 + Math.floor(rand() * 10) }, () => reply.bulk(word(10))));
};
const rows: [name: string, n: number, make: () => RespValue][] = [
  ['mixed, 100-byte chunks', 100_000, mixed],
  ['*30 of $10, 100-B chunks', 10_000, () => reply.array(Array.from({ length: 30 }, () => reply.bulk(word(10))))],
];
const contenders = ['redis-parser', 'floor', 'RespBareDecoder.execute'] as const;

const ARENA = 256 * 1024;

/** An error reply as an Error without a stack trace (as redis-parser's ReplyError and ours), its text read as Latin-1. */
function replyError(buf: Uint8Array, from: number, to: number): Error {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i] ?? 0);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const e = new Error(s);
  Error.stackTraceLimit = limit;
  return e;
}

/** The unvalidated resumable reader (see the file comment). */
class ChunkFloor {
  private readonly stack: { items: unknown[]; k: number }[] = [];
  private items: unknown[] | undefined = undefined;
  private k = 0;
  /** The head of a cut element: in `pend` (a chunk, or an arena region once it spans two pushes) [pendFrom, pendEnd). */
  private pend: Uint8Array | undefined = undefined;
  private pendFrom = 0;
  private pendEnd = 0;
  private arena = new Uint8Array(0);
  private arenaPos = 0;
  private v: unknown = undefined;

  constructor(private readonly onReply: (v: unknown) => void) {}

  execute(chunk: Uint8Array): void {
    let p = 0;
    if (this.pend !== undefined) {
      p = this.join(chunk);
      if (p < 0) return;
    }
    const ab = chunk.buffer;
    const bo = chunk.byteOffset;
    const end = chunk.length;
    while (p < end) {
      const next = this.element(chunk, ab, bo, p, end);
      if (next < 0) {
        this.pend = chunk;
        this.pendFrom = p;
        this.pendEnd = end;
        return;
      }
      p = next;
    }
  }

  /** Copies the cut element's head and as much of `chunk` as completes it into the arena; reads it there. */
  private join(chunk: Uint8Array): number {
    const head = this.pendEnd - this.pendFrom;
    if (this.arena.length - this.arenaPos < head + chunk.length) {
      this.arena = new Uint8Array(Math.max(ARENA, 2 * (head + chunk.length)));
      this.arenaPos = 0;
    }
    const a = this.arena;
    const at = this.arenaPos;
    const src = this.pend!;
    for (let i = 0; i < head; i++) a[at + i] = src[this.pendFrom + i] ?? 0;
    // the element's length: its line first (in the head, or completed from the chunk), then a bulk's payload
    let q = at + head;
    let c = 0;
    let lf = at;
    while (lf < q && a[lf] !== 10) lf++;
    if (lf === q) {
      while (c < chunk.length && a[q - 1] !== 10) a[q++] = chunk[c++] ?? 0;
      if (a[q - 1] !== 10) return this.more(q);
      lf = q - 1;
    }
    let total = lf + 1 - at;
    if (a[at] === 0x24 && a[at + 1] !== 0x2d) {
      let n = 0;
      for (let i = at + 1; a[i] !== 13; i++) n = n * 10 + ((a[i] ?? 0) - 0x30);
      total += n + 2;
    }
    const take = Math.max(0, Math.min(total - (q - at), chunk.length - c));
    for (let i = 0; i < take; i++) a[q + i] = chunk[c + i] ?? 0;
    q += take;
    c += take;
    if (q - at < total) return this.more(q);
    this.pend = undefined;
    this.arenaPos = q;
    if (this.element(a, a.buffer, a.byteOffset, at, q) < 0) throw new Error('floor: joined element incomplete');
    return c;
  }

  /** The element is still cut after all of `chunk`: its bytes so far stay in the arena. */
  private more(q: number): number {
    this.pend = this.arena;
    this.pendFrom = this.arenaPos;
    this.pendEnd = q;
    return -1;
  }

  /** Reads the element at `p` (and hands on what it completes); -1 when `end` cuts it. */
  private element(buf: Uint8Array, ab: ArrayBufferLike, bo: number, p: number, end: number): number {
    const t = buf[p] ?? 0;
    let i = p + 1;
    let v: unknown;
    if (t === 0x2b || t === 0x2d) {
      while (i < end && buf[i] !== 13) i++;
      if (i + 1 >= end) return -1;
      v = t === 0x2b ? new Uint8Array(ab, bo + p + 1, i - p - 1) : replyError(buf, p + 1, i);
      i += 2;
    } else {
      const neg = buf[i] === 0x2d;
      if (neg) i++;
      let n = 0;
      for (; i < end; i++) {
        const d = buf[i] ?? 0;
        if (d < 0x30 || d > 0x39) break;
        n = n * 10 + (d - 0x30);
      }
      if (i + 1 >= end) return -1;
      i += 2;
      if (t === 0x3a) v = neg ? -n : n;
      else if (neg) v = null;
      else if (t === 0x24) {
        if (i + n + 2 > end) return -1;
        v = new Uint8Array(ab, bo + i, n);
        i += n + 2;
      } else {
        // an aggregate: open it (its elements follow)
        if (this.items !== undefined) this.stack.push({ items: this.items, k: this.k });
        this.items = new Array<unknown>(n);
        this.k = 0;
        if (n > 0) return i;
        v = this.items;
        const up = this.stack.pop();
        this.items = up?.items;
        this.k = up?.k ?? 0;
      }
    }
    this.v = v;
    this.attach();
    return i;
  }

  private attach(): void {
    let v = this.v;
    while (this.items !== undefined) {
      this.items[this.k++] = v;
      if (this.k < this.items.length) return;
      v = this.items;
      const up = this.stack.pop();
      this.items = up?.items;
      this.k = up?.k ?? 0;
    }
    this.onReply(v);
  }
}

const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
const load = (): string => `load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
const only = process.env['ONLY'];
if (only === undefined) {
  // REPS passes, each running every contender once in turn; a ratio per pass, the median and range
  const REPS = Number(process.env['REPS'] ?? 3);
  console.log(load());
  for (let r = 0; r < rows.length; r++) {
    const passes: number[][] = [];
    for (let rep = 0; rep < REPS; rep++) {
      passes.push(
        contenders.map((_, c) => {
          const out = execFileSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: { ...process.env, ONLY: `${r}:${c}` }, encoding: 'utf8' });
          return Number(out.trim());
        }),
      );
    }
    const col = (c: number): number[] => passes.map((ns) => ns[c] ?? NaN);
    const ratio = (f: (ns: number[]) => number): string => {
      const x = passes.map(f);
      return `${median(x).toFixed(2)}× (${Math.min(...x).toFixed(2)}–${Math.max(...x).toFixed(2)})`;
    };
    console.log(
      `${(rows[r]?.[0] ?? '').padEnd(24)} median ns/reply over ${REPS} passes: redis-parser ${median(col(0)).toFixed(0)}, floor ${median(col(1)).toFixed(0)}, ours ${median(col(2)).toFixed(0)}; ` +
        `per pass: redis-parser ÷ floor ${ratio((ns) => (ns[0] ?? NaN) / (ns[1] ?? NaN))}, redis-parser ÷ ours ${ratio((ns) => (ns[0] ?? NaN) / (ns[2] ?? NaN))}, ours ÷ floor ${ratio((ns) => (ns[2] ?? NaN) / (ns[1] ?? NaN))}`,
    );
  }
  console.log(load());
} else {
  const [r, c] = only.split(':').map(Number) as [number, number];
  const [, n, make] = rows[r] ?? rows[0]!;
  const values = Array.from({ length: n }, make);
  const corpus = encodeMany(values);
  const chunks: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += CHUNK) chunks.push(Buffer.from(corpus.slice(o, o + CHUNK)));
  let sink = 0;
  const got: unknown[] = [];
  const keep = (v: unknown): void => {
    got.push(v);
  };
  const onReply = (): void => {
    sink++;
  };
  const make1 = [
    (f: (v: unknown) => void) => {
      const p = new RedisParserClass({ returnReply: f, returnError: f, returnBuffers: true });
      return (ch: Buffer): void => { p.execute(ch); };
    },
    (f: (v: unknown) => void) => {
      const d = new ChunkFloor(f);
      return (ch: Buffer): void => { d.execute(ch); };
    },
    (f: (v: unknown) => void) => {
      const d = new RespBareDecoder({ onReply: f });
      return (ch: Buffer): void => { d.execute(ch); };
    },
  ][c]!;
  // every contender must hand out every reply, the same ones (bytes, numbers, nulls, error messages)
  const once = make1(keep);
  for (const ch of chunks) once(ch);
  const show = (v: unknown): unknown => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v instanceof Error ? `-${v.message}` : Array.isArray(v) ? v.map(show) : v);
  const want = values.map((v) => show(v.type === 'bulk' || v.type === 'simple' ? v.value : v.type === 'integer' ? Number(v.value) : v.type === 'null' ? null : v.type === 'error' ? new Error(v.value) : v.type === 'array' ? v.value.map((e) => (e.type === 'bulk' ? e.value : e)) : v));
  if (JSON.stringify(got.map(show)) !== JSON.stringify(want)) throw new Error(`${contenders[c]} decoded other replies than the corpus holds`);
  const t: number[] = [];
  for (let k = 0; k < ROUNDS + 2; k++) {
    const feed = make1(onReply);
    const c0 = process.cpuUsage();
    for (const ch of chunks) feed(ch);
    const u = process.cpuUsage(c0);
    if (k >= 2) t.push(((u.user + u.system) * 1000) / n);
  }
  console.log(`${median(t)}${sink < 0 ? '' : ''}`);
}
