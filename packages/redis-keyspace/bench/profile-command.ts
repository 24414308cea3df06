/**
 * Runs one command shape in a loop for `node --cpu-prof` (what bench/commands.ts measures, without
 * the competitor), e.g.:
 *
 *   npx tsx --cpu-prof --cpu-prof-dir=/tmp/prof packages/redis-keyspace/bench/profile-command.ts ZRANGE 500000
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CASES, fillKeyspace } from './command-cases.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const name = (process.argv[2] ?? 'GET').toUpperCase();
const ops = Number(process.argv[3] ?? 500_000);
const c = CASES.find((x) => x.name === name);
if (c === undefined) throw new Error(`no case ${name}; one of ${CASES.map((x) => x.name).join(' ')}`);
const ks = fillKeyspace(c);
for (let i = 0; i < 300_000; i++) ks.execute(c.op(i)); // warm-up (JIT: 10^5 operations are not enough)
const argvs = Array.from({ length: ops }, (_, i) => c.op(i)); // fresh strings, as the bench's
gc(); // the argvs leave the young generation: the loop's scavenges do not copy them (see commands.ts)
const t0 = process.cpuUsage();
for (let i = 0; i < ops; i++) ks.execute(argvs[i] ?? []);
const t = process.cpuUsage(t0);
console.log(`${name}: ${ops} ops, ${(((t.user + t.system) * 1000) / ops).toFixed(0)} ns CPU per op`);
