// Issue 19 leftovers: what an Entry's own `key` / `value` accessors cost to make. Entry (src/entry.ts)
// defines them per instance with two Object.defineProperty calls so that they are own, enumerable
// properties (spread, Object.keys and toEqual see them as on a plain entry); the profile of decode
// + read all puts `Entry` at ~7 % of CPU. This times 1M constructions of three shapes, interleaved,
// ROUNDS rounds (CPU time, median): two defineProperty calls, one defineProperties call, and
// accessors on the prototype (cheaper, but then not own properties: a different contract).
//   npx tsx packages/redis-rdb/bench/entry-accessors.ts
import { loadavg } from 'node:os';

interface Slots {
  k: number;
  v: number;
}
const keyDescriptor: PropertyDescriptor = {
  get(this: Slots): number {
    return this.k;
  },
  set(this: Slots, x: number) {
    this.k = x;
  },
  enumerable: true,
  configurable: true,
};
const valueDescriptor: PropertyDescriptor = {
  get(this: Slots): number {
    return this.v;
  },
  set(this: Slots, x: number) {
    this.v = x;
  },
  enumerable: true,
  configurable: true,
};
const both: PropertyDescriptorMap = { key: keyDescriptor, value: valueDescriptor };

class TwoDefines implements Slots {
  constructor(
    public k: number,
    public v: number,
  ) {
    Object.defineProperty(this, 'key', keyDescriptor);
    Object.defineProperty(this, 'value', valueDescriptor);
  }
}
class OneDefines implements Slots {
  constructor(
    public k: number,
    public v: number,
  ) {
    Object.defineProperties(this, both);
  }
}
class PrototypeAccessors implements Slots {
  constructor(
    public k: number,
    public v: number,
  ) {}
  get key(): number {
    return this.k;
  }
  get value(): number {
    return this.v;
  }
}

const N = 1_000_000;
const ROUNDS = Number(process.env['ROUNDS'] ?? 7);
const shapes: [string, new (k: number, v: number) => Slots][] = [
  ['two defineProperty', TwoDefines],
  ['one defineProperties', OneDefines],
  ['prototype accessors', PrototypeAccessors],
];
const times = shapes.map(() => [] as number[]);
const keep: Slots[] = [];
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (let r = 0; r < ROUNDS + 1; r++) {
  shapes.forEach(([, Shape], i) => {
    keep.length = 0;
    const c0 = process.cpuUsage();
    for (let k = 0; k < N; k++) keep.push(new Shape(k, k));
    const c = process.cpuUsage(c0);
    if (r > 0) times[i]?.push((c.user + c.system) / 1000);
  });
}
const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)] ?? NaN;
shapes.forEach(([name], i) => {
  const t = times[i] ?? [];
  console.log(`${name.padEnd(22)} ${median(t).toFixed(0).padStart(5)} ms CPU per 1M (range ${Math.min(...t).toFixed(0)}–${Math.max(...t).toFixed(0)})`);
});
console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
