// Where a 100-byte push costs more than a push of whole replies (issue 19, the chunked rows): the
// same replies pushed (a) cut every 100 bytes, (b) cut only inside `$` headers, (c) only inside bulk
// payloads (each cut moved to the next such byte after 100), and (d) as whole replies grouped to at
// least 100 bytes; per kind of reply (chunk-corpus.ts: the mixed stream and its parts), for
// redis-parser 3.0.0, the unvalidated floor (chunk-floor-decoder.ts) and RespBareDecoder.execute.
// Every contender runs each cut in a fresh `node` process of its own (the harness re-runs itself
// with ONLY=<kind>:<contender>:<cut>); ROUNDS rounds after two warm-up rounds, the median CPU ns per push.
//   taskset -c 0 npx tsx --conditions=@protolab/source packages/resp/bench/cut-cost.ts
//   KINDS=arr,mixed (default mixed,bulk,arr,small)
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { encodeMany, RespBareDecoder } from '@protolab/resp';
import { ChunkFloor } from './chunk-floor-decoder.js';
import { replyKinds } from './chunk-corpus.js';

type RedisParserCtor = new (options: { returnReply: (r: unknown) => void; returnError: (e: Error) => void; returnBuffers?: boolean }) => { execute(b: Buffer): void };
const RedisParserClass = createRequire(import.meta.url)('redis-parser') as RedisParserCtor;
const ROUNDS = Number(process.env['ROUNDS'] ?? 15);
const CHUNK = 100;
const N = 100_000;
const contenders = ['redis-parser', 'floor', 'ours'] as const;
const cuts = ['any', 'header', 'payload', 'whole'] as const;
const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;

/** The chunkings of `corpus` (see the file comment); `encoded` is each reply's bytes. */
function chunkings(corpus: Uint8Array, encoded: readonly Uint8Array[]): Map<string, Buffer[]> {
  const out = new Map<string, Buffer[]>();
  const any: Buffer[] = [];
  for (let o = 0; o < corpus.length; o += CHUNK) any.push(Buffer.from(corpus.subarray(o, o + CHUNK)));
  out.set('any', any);
  // a `$` at the start of a line opens a header (to its LF) and then a payload of its length
  const header = new Uint8Array(corpus.length + 1);
  const payload = new Uint8Array(corpus.length + 1);
  for (let i = 0; i < corpus.length; i++) {
    if (corpus[i] !== 0x24 || corpus[i + 1] === 0x2d || (i > 0 && corpus[i - 1] !== 10)) continue;
    let j = i + 1;
    let n = 0;
    while (corpus[j] !== 13) n = n * 10 + (corpus[j++] ?? 0) - 48;
    header.fill(1, i + 1, j + 2);
    payload.fill(1, j + 2, j + 2 + n);
  }
  for (const [name, inside] of [['header', header], ['payload', payload]] as const) {
    const pieces: Buffer[] = [];
    let o = 0;
    while (o < corpus.length) {
      let c = o + CHUNK;
      while (c < corpus.length && inside[c] !== 1) c++;
      pieces.push(Buffer.from(corpus.subarray(o, c)));
      o = c;
    }
    out.set(name, pieces);
  }
  const whole: Buffer[] = [];
  let group: Uint8Array[] = [];
  let len = 0;
  for (const e of encoded) {
    group.push(e);
    len += e.length;
    if (len >= CHUNK) {
      whole.push(Buffer.concat(group));
      group = [];
      len = 0;
    }
  }
  if (group.length > 0) whole.push(Buffer.concat(group));
  out.set('whole', whole);
  return out;
}

const only = process.env['ONLY'];
if (only === undefined) {
  const kinds = (process.env['KINDS'] ?? 'mixed,bulk,arr,small').split(',');
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ns per push (pushes), each contender in its own process`);
  for (const kind of kinds) {
    for (const cut of cuts) {
      const ns = contenders.map((c) => JSON.parse(execFileSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: { ...process.env, ONLY: `${kind}:${c}:${cut}` }, encoding: 'utf8' })) as [number, number]);
      const cell = (i: number): [number, number] => ns[i] ?? [NaN, 0];
      const [p, f, o] = [cell(0), cell(1), cell(2)];
      if (p[1] < 100) continue; // (no `$` header or payload to cut in: `small`)
      console.log(`${kind.padEnd(6)} ${cut.padEnd(8)} (${String(p[1]).padStart(6)} pushes)  redis-parser ${p[0].toFixed(0).padStart(4)}  floor ${f[0].toFixed(0).padStart(4)}  ours ${o[0].toFixed(0).padStart(4)}   redis-parser ÷ ours ${(p[0] / o[0]).toFixed(2)}×  ours ÷ floor ${(o[0] / f[0]).toFixed(2)}×`);
    }
  }
} else {
  const [kind = 'mixed', contender = 'ours', cut = 'any'] = only.split(':');
  const make = new Map(Object.entries(replyKinds())).get(kind);
  if (make === undefined) throw new Error(`unknown kind ${kind}`);
  const values = Array.from({ length: N }, make);
  const encoded = values.map((v) => encodeMany([v]));
  const all = chunkings(encodeMany(values), encoded);
  let sink = 0;
  const onReply = (): void => {
    sink++;
  };
  const feeders = new Map<string, () => (ch: Buffer) => void>([
    ['redis-parser', () => {
      const p = new RedisParserClass({ returnReply: onReply, returnError: onReply, returnBuffers: true });
      return (ch) => { p.execute(ch); };
    }],
    ['floor', () => {
      const d = new ChunkFloor(onReply);
      return (ch) => { d.execute(ch); };
    }],
    ['ours', () => {
      const d = new RespBareDecoder({ onReply });
      return (ch) => { d.execute(ch); };
    }],
  ]);
  const feeder = feeders.get(contender);
  if (feeder === undefined) throw new Error(`unknown contender ${contender}`);
  const chunks = all.get(cut) ?? [];
  {
    const t: number[] = [];
    for (let k = 0; k < ROUNDS + 2; k++) {
      sink = 0;
      const feed = feeder();
      const c0 = process.cpuUsage();
      for (const ch of chunks) feed(ch);
      const u = process.cpuUsage(c0);
      if (sink !== N) throw new Error(`${contender} handed out ${sink} of ${N} replies (${cut})`);
      if (k >= 2) t.push(((u.user + u.system) * 1000) / chunks.length);
    }
    console.log(JSON.stringify([median(t), chunks.length]));
  }
}
