// Fuzz soak (too long for the normal suite): for SECONDS (default 20), random, mutated and
// adversarial byte streams (long digit lines, forged counts over tiny elements, deep nesting,
// forged lengths — the shapes of issue 13), cut at random points, go into the reply decoder
// (RESP3 and RESP2) and the request parser (server-like and AOF-like). Anything but a
// RespProtocolError, a split-dependent outcome, held memory above 2× the input, or a split
// costing more than a constant times the whole (the decoders' `work` counter) fails the soak.
// Prints how many inputs ended in which code.
//   SECONDS=60 npx tsx --conditions=@protolab/source packages/resp/bench/fuzz-soak.ts
import { encodeCommand, encodeMany, reply, RespBareDecoder, RespDecoder, RespProtocolError, RespRequestParser, type RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';

const seed = Number(process.env['SEED'] ?? 12345);
const prng = new Prng(seed); // @protolab/sim's seeded PRNG
const rand = (n: number): number => (n > 0 ? prng.int(0, n) : 0);

const ALPHABET = Uint8Array.from('+-:$*_,#(=!%~>|\r\n0123456789-?abc \x00\xff"\'\\', (c) => c.charCodeAt(0));
function randomBytes(): Uint8Array {
  const b = new Uint8Array(rand(200));
  for (let i = 0; i < b.length; i++) b[i] = rand(4) === 0 ? rand(256) : ALPHABET[rand(ALPHABET.length)]!;
  return b;
}
function randomValue(depth: number): RespValue {
  const k = rand(depth > 2 ? 6 : 9);
  if (k === 0) return reply.ok;
  if (k === 1) return reply.integer(rand(1e6) - 5e5);
  if (k === 2) return reply.bulk('x'.repeat(rand(40)));
  if (k === 3) return reply.null;
  if (k === 4) return { type: 'double', value: rand(1000) / 7 };
  if (k === 5) return reply.error('ERR e');
  if (k === 6) return reply.array(Array.from({ length: rand(4) }, () => randomValue(depth + 1)));
  if (k === 7) return { type: 'map', value: Array.from({ length: rand(3) }, () => [randomValue(depth + 1), randomValue(depth + 1)] as const) };
  return { type: 'attribute', attributes: [[reply.simple('a'), reply.integer(1)]], value: randomValue(depth + 1) };
}
function mutated(): Uint8Array {
  const base =
    rand(2) === 0
      ? encodeMany(Array.from({ length: 1 + rand(4) }, () => randomValue(0)), { protocol: 3 })
      : Uint8Array.from(Array.from({ length: 1 + rand(4) }, () => [...encodeCommand(Array.from({ length: 1 + rand(3) }, () => 'ab'.repeat(rand(4))))]).flat());
  const b = Array.from(base);
  for (let m = 1 + rand(4); m > 0 && b.length > 0; m--) {
    const at = rand(b.length);
    const op = rand(4);
    if (op === 0) b[at] = ALPHABET[rand(ALPHABET.length)]!;
    else if (op === 1) b.splice(at, 0, rand(256));
    else if (op === 2) b.splice(at, 1);
    else b.length = at;
  }
  return Uint8Array.from(b);
}

/** The shapes of issue 13, sized up to ~200 KB: long lines, forged counts, nesting, forged lengths. */
function adversarial(): Uint8Array {
  const rep = (unit: string, n: number): string => unit.repeat(n);
  const k = rand(6);
  let t: string;
  if (k === 0) t = ':+$*(,-'.charAt(rand(7)) + rep('1', 1 + rand(200_000)) + (rand(2) === 0 ? '\r\n' : '');
  else if (k === 1) t = (['*2147483647\r\n', '%1000000000\r\n', '*4294967295\r\n'][rand(3)] ?? '') + rep(['$1\r\na\r\n', ':1\r\n', '+a\r\n', '_\r\n', '*0\r\n'][rand(5)] ?? '', 1 + rand(20_000));
  else if (k === 2) t = rep('*1\r\n', 1 + rand(1500)) + ':1\r\n';
  else if (k === 3) t = `$${500_000_000 + rand(36_000_000)}\r\n` + rep('x', rand(50_000));
  else if (k === 4) t = rep('a', 1 + rand(70_000)) + (rand(2) === 0 ? '\r\n' : '');
  else t = '*1\r\n$' + rep('9', 1 + rand(70_000));
  return Uint8Array.from(t, (c) => c.charCodeAt(0));
}

interface Fed {
  feed(c: Uint8Array): { error?: RespProtocolError };
  readonly bufferCapacity: number;
  readonly work: number;
}
const makers: [string, () => Fed][] = [
  ['reply RESP3', () => new RespDecoder()],
  ['reply RESP2', () => new RespDecoder({ protocol: 2 })],
  ['reply RESP2 bare', () => new RespBareDecoder()],
  ['reply RESP2 bare, + as bytes', () => new RespBareDecoder({ simpleStrings: 'bytes' })],
  ['request', () => new RespRequestParser()],
  ['request AOF', () => new RespRequestParser({ allowInline: false, strictCrlf: true, annotations: true })],
];

let worstWorkRatio = 0;
function outcome(make: () => Fed, chunks: Uint8Array[], total = 0): string {
  const d = make();
  const result = run(d, chunks);
  if (total > 0) worstWorkRatio = Math.max(worstWorkRatio, d.work / (total + 16 * chunks.length));
  if (d.work > 12 * total + 64 * chunks.length + 64) throw new Error(`work ${d.work} for ${total} bytes in ${chunks.length} chunks: not linear`);
  return result;
}

function run(d: Fed, chunks: Uint8Array[]): string {
  let pushed = 0;
  for (const c of chunks) {
    let r: { error?: RespProtocolError };
    try {
      r = d.feed(c);
    } catch (e) {
      throw new Error(`untyped failure (seed state ${seed})`, { cause: e });
    }
    pushed += c.length;
    if (d.bufferCapacity > Math.max(4096, 2 * pushed)) throw new Error(`held ${d.bufferCapacity} bytes after ${pushed}`);
    if (r.error) {
      if (!(r.error instanceof RespProtocolError)) throw new Error('error is not a RespProtocolError');
      return r.error.code;
    }
  }
  return 'ok';
}

const seconds = Number(process.env['SECONDS'] ?? 20);
const deadline = performance.now() + seconds * 1000;
const counts = new Map<string, number>();
let inputs = 0;
while (performance.now() < deadline) {
  for (let i = 0; i < 200; i++) {
    const pick = rand(10);
    const input = pick === 0 ? adversarial() : pick < 5 ? randomBytes() : mutated();
    // Adversarial inputs also go in small fixed chunks (where quadratic costs would show).
    const small = pick === 0 ? [1, 7, 256][rand(3)] ?? 256 : 0;
    const cuts = small > 0 ? Array.from({ length: Math.floor(input.length / small) }, (_, j) => (j + 1) * small) : Array.from({ length: rand(5) }, () => rand(input.length + 1)).sort((a, b) => a - b);
    const chunks: Uint8Array[] = [];
    let prev = 0;
    for (const c of [...cuts, input.length]) {
      chunks.push(input.subarray(prev, c));
      prev = c;
    }
    for (const [name, make] of makers) {
      const whole = outcome(make, [input], input.length);
      const split = outcome(make, chunks, input.length);
      if (whole !== split) throw new Error(`${name}: outcome depends on the split (${whole} vs ${split}) for ${JSON.stringify(Buffer.from(input).toString('latin1'))}`);
      const key = `${name}: ${whole}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    inputs++;
  }
}
console.log(`${inputs} inputs × ${makers.length} decoders in ${seconds} s, each also cut at random points (adversarial ones in chunks of 1, 7 or 256): 0 untyped errors, 0 split-dependent outcomes, memory within 2× input, work at most ${worstWorkRatio.toFixed(2)} per byte (+16 per chunk)`);
for (const [k, n] of [...counts].sort()) console.log(`  ${k.padEnd(44)} ${n}`);
