import { Keyspace } from '../src/index.js';
const n = 1000000;
const keys = Array.from({ length: n }, (_, i) => `key:${i}:${(i * 2654435761) >>> 0}`);
const order = Array.from({ length: n }, (_, i) => (i * 7919) % n);
const ks = new Keyspace({ now: () => Date.now() });
let t0 = performance.now();
for (let i = 0; i < n; i++) ks.set(keys[i]!, 'value', { px: 60000 });
console.log('set', performance.now() - t0);
for (let r = 0; r < 3; r++) {
t0 = performance.now(); let h = 0;
for (let i = 0; i < n; i++) if (ks.get(keys[order[i]!]!) !== undefined) h++;
console.log('get', performance.now() - t0, h);
}
