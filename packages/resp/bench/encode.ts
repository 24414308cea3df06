// Request encoding: encodeCommand (size first, one allocation, UTF-8 written inline) against the
// two ways a client usually does it: building a string then Buffer.from, and a Buffer per
// argument joined with Buffer.concat. CPU time, median of interleaved rounds. Run:
//   npx tsx --conditions=@protolab/source packages/resp/bench/encode.ts
import { encodeCommand, type CommandArg } from '@protolab/resp';
import { Prng } from '@protolab/sim';

const prng = new Prng(0x9e3779b9); // @protolab/sim's seeded PRNG: the same input every run
const rand = (): number => prng.float();
const word = (n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + Math.floor(rand() * 26));
  return s;
};
// A write mix like an AOF's: SET with a small value and PXAT, HSET, RPUSH of a few items.
const commands: CommandArg[][] = Array.from({ length: 100_000 }, () => {
  const r = rand();
  if (r < 0.5) return ['SET', `user:${word(8)}`, word(10 + Math.floor(rand() * 100)), 'PXAT', 1767225600000 + Math.floor(rand() * 1e6)];
  if (r < 0.8) return ['HSET', `h:${word(6)}`, word(5), word(20)];
  return ['RPUSH', `l:${word(6)}`, word(8), word(8), word(8)];
});

function viaString(argv: readonly CommandArg[]): Buffer {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) {
    const t = String(a);
    s += `$${Buffer.byteLength(t)}\r\n${t}\r\n`;
  }
  return Buffer.from(s);
}

function viaConcat(argv: readonly CommandArg[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

const contenders: [string, (argv: readonly CommandArg[]) => Uint8Array][] = [
  ['@protolab/resp encodeCommand', encodeCommand],
  ['template string + Buffer.from', viaString],
  ['Buffer per part + Buffer.concat', viaConcat],
];
for (const [name, fn] of contenders.slice(1)) {
  const a = Buffer.from(encodeCommand(commands[0]!));
  if (!a.equals(Buffer.from(fn(commands[0]!)))) throw new Error(`${name} writes different bytes`);
}
const times = contenders.map((): number[] => []);
for (let r = 0; r < 9; r++) {
  contenders.forEach(([, fn], i) => {
    const c0 = process.cpuUsage();
    for (const c of commands) fn(c);
    const c = process.cpuUsage(c0);
    times[i]!.push(c.user + c.system);
  });
}
const med = (a: number[]): number => a.sort((x, y) => x - y)[4]!;
const ours = med(times[0]!);
console.log(`${commands.length} write commands (SET … PXAT, HSET, RPUSH), CPU time, median of 9 rounds`);
contenders.forEach(([name], i) => {
  const t = med(times[i]!);
  console.log(`${name.padEnd(34)} ${((t * 1000) / commands.length).toFixed(0).padStart(5)} ns/command   this ÷ protolab = ${(t / ours).toFixed(2)}×`);
});
