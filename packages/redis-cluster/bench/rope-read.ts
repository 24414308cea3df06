// Experiment (issue 19): can a rope (a cons string built by `+=`) be read without V8 flattening it
// first? For each first-touch operation, on fresh ropes of 8–40 printable ASCII characters: its
// CPU ns per key, then the ns per key of a full charCodeAt pass over the same keys right after.
// If that second pass costs what it costs on flat strings, the operation flattened the rope.
// Ropes are built one character at a time (deep, like the slot bench's cons keys) or from three
// slices ("shallow", like `prefix + id + suffix`); flat strings are the control.
// Run: cd /work/main && npx tsx packages/redis-cluster/bench/rope-read.ts [cons|shallow|flat]
const N = 200_000;
let seed = 12345;
const rnd = (): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 32;
};
const chars: string[][] = Array.from({ length: N }, () => {
  const len = 8 + Math.floor(rnd() * 33);
  const a: string[] = [];
  for (let i = 0; i < len; i++) a.push(String.fromCharCode(0x20 + Math.floor(rnd() * 0x5f)));
  return a;
});
function deep(): string[] {
  return chars.map((cs) => {
    let s = '';
    for (const c of cs) s += c;
    return s;
  });
}
function shallow(): string[] {
  return chars.map((cs) => {
    const j = cs.join('');
    return j.slice(0, 5) + j.slice(5, j.length - 3) + j.slice(-3);
  });
}
const flat = (): string[] => chars.map((cs) => cs.join(''));
const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const enc = new TextEncoder();
const scratch = new Uint8Array(256);
const nodeBuf = Buffer.alloc(256);
type Op = (ks: readonly string[]) => number;
const charCodeAtAll: Op = (ks) => {
  let t = 0;
  for (const s of ks) for (let j = 0; j < s.length; j++) t += s.charCodeAt(j);
  return t;
};
const ops = new Map<string, Op>([
  ['length', (ks) => ks.reduce((t, s) => t + s.length, 0)],
  ['charCodeAt all', charCodeAtAll],
  ['charCodeAt(0)', (ks) => ks.reduce((t, s) => t + s.charCodeAt(0), 0)],
  ['encodeInto', (ks) => ks.reduce((t, s) => t + enc.encodeInto(s, scratch).written, 0)],
  ['Buffer.byteLength', (ks) => ks.reduce((t, s) => t + Buffer.byteLength(s), 0)],
  ['buf.write latin1', (ks) => ks.reduce((t, s) => t + nodeBuf.write(s, 0, 'latin1'), 0)],
  ['buf.write utf8', (ks) => ks.reduce((t, s) => t + nodeBuf.write(s, 0, 'utf8'), 0)],
  ["indexOf('{')", (ks) => ks.reduce((t, s) => t + s.indexOf('{'), 0)],
]);
const kind = process.argv[2] ?? 'cons';
const make = kind === 'shallow' ? shallow : kind === 'flat' ? flat : deep;
const res = new Map<string, { first: number[]; after: number[] }>();
for (let round = 0; round < 7; round++) {
  for (const [name, f] of ops) {
    const ks = make();
    const t0 = cpuUs();
    f(ks);
    const t1 = cpuUs();
    charCodeAtAll(ks);
    const t2 = cpuUs();
    if (round === 0) continue; // warm-up
    const r = res.get(name) ?? { first: [], after: [] };
    r.first.push(((t1 - t0) * 1000) / N);
    r.after.push(((t2 - t1) * 1000) / N);
    res.set(name, r);
  }
}
const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;
for (const [name, r] of res) {
  console.log(`${kind.padEnd(8)} ${name.padEnd(18)} first ns/key ${med(r.first).toFixed(0).padStart(5)}   then a charCodeAt pass ${med(r.after).toFixed(0).padStart(5)}`);
}
