// Behaviour fingerprint: for each seed, the full sim trace (every kind, `send` included, as
// renderTrace prints it) of the elections bench scenario AND of a runSchedule fault schedule,
// plus event counts, roles, epochs and every server's durable log — one sha256 line per seed.
// Run it before and after a performance change and diff the two outputs: any change in any
// trace byte, message label, timer, note or disk content changes the line of that seed.
//   npx tsx --conditions=@protolab/source packages/zookeeper/bench/trace-digest.ts [count] [firstSeed] > digests.txt
import { createHash } from 'node:crypto';
import { Prng, randomLinkOptions, renderTrace, type TraceKind } from '@protolab/sim';
import { Ensemble, runSchedule } from '@protolab/zookeeper';

const count = Number(process.argv[2] ?? 300);
const first = Number(process.argv[3] ?? 1);
const ALL: readonly TraceKind[] = ['add', 'send', 'deliver', 'drop', 'timer', 'input', 'wake', 'crash', 'restart', 'partition', 'heal', 'clog', 'unclog', 'note', 'reply'];

/** The same steps as elections.bench.ts `one(seed)`, with the trace on. */
function benchScenario(seed: number): Ensemble {
  const rnd = new Prng(seed);
  const link = randomLinkOptions(rnd, { lossRate: 0.05, dupRate: 0.05, reorderRate: 0.01, minDelayMs: 2, maxExtraDelayMs: 10 });
  const e = new Ensemble({ n: 5, seed, link, trace: true });
  for (const sid of rnd.shuffle([1, 2, 3, 4, 5])) {
    e.start(sid);
    e.runFor(rnd.int(0, 400));
  }
  e.runUntil((x) => x.stable(), { maxMs: 300_000 });
  for (let i = 0; i < 20; i++) e.write(`w${i}`);
  e.runFor(500);
  const old = e.leader();
  if (old !== undefined) e.crash(old);
  e.runUntil((x) => x.stable(), { maxMs: 300_000 });
  if (old !== undefined) e.restart(old);
  e.runUntil((x) => x.stable(), { maxMs: 300_000 });
  return e;
}

function fingerprint(e: Ensemble): string {
  const h = createHash('sha256');
  h.update(renderTrace(e.sim.trace, { kinds: ALL }));
  const state = e.servers.map((sid) => ({
    sid,
    role: e.role(sid),
    epochs: e.epochs(sid),
    log: e.durableLog(sid).map((t) => `${t.zxid.toString(16)}:${t.data}`),
  }));
  h.update(JSON.stringify({ counts: [...e.eventCounts].sort(), stats: e.sim.stats(), now: e.sim.now(), state }));
  return h.digest('hex').slice(0, 32);
}

const all = createHash('sha256');
for (let seed = first; seed < first + count; seed++) {
  const line = `${seed} bench ${fingerprint(benchScenario(seed))} schedule ${fingerprint(runSchedule(seed, { trace: true, faultMs: 10_000 }).ensemble)}`;
  all.update(line + '\n');
  console.log(line);
}
console.log(`all ${all.digest('hex')}`);
