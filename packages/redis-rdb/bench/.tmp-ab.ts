import { readFileSync } from 'node:fs';
const which = process.argv[3]!;
const mod = (await import(which === 'before' ? '/tmp/rdbperf/src-before/decoder.ts' : '../src/decoder.ts')) as typeof import('../src/decoder.js');
const file = new Uint8Array(readFileSync(process.argv[2]!));
const wall: number[] = [];
const cpu: number[] = [];
for (let r = 0; r < 3; r++) {
  const c0 = process.cpuUsage();
  const t = performance.now();
  mod.decodeRdb(file);
  wall.push(performance.now() - t);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!.toFixed(0);
console.log(which.padEnd(7), 'wall', wall.map((x) => x.toFixed(0)).join(' '), 'med', med(wall), '| cpu', cpu.map((x) => x.toFixed(0)).join(' '), 'med', med(cpu));
