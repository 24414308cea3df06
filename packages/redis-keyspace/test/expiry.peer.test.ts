// The expiry experiment (docs/redis-expiry.md §3) on the real redis-server at hz 10 and hz 100,
// compared with the same experiment on @protolab/sim (src/adapters/experiment.ts): 200 000 keys whose
// deadlines are spread evenly over [E0, E0 + 1 s) plus 200 000 keys without TTL, never touched,
// DBSIZE sampled every 100 ms. With PROTOLAB_RECORD_CURVES=1 both curves are written to
// packages/redis-keyspace/docs/curves.json (the README and examples/21 use them).
import { afterAll, expect, it } from 'vitest';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import { RespClient } from '@protolab/resp';
import { expiryExperiment, DEFAULT_COST_MODEL } from '../src/index.js';
import type { CurvePoint, ExperimentResult } from '../src/index.js';

const VOLATILE = 200_000;
const PERSISTENT = 200_000;
const SPREAD_MS = 1000;
const EVERY_MS = 100;

// One chunk of keys: volatile `v:i` with deadline base + i·spread/n, or persistent `p:i`.
const LOAD = `
local base = tonumber(ARGV[1]); local from = tonumber(ARGV[2]); local to = tonumber(ARGV[3])
local n = tonumber(ARGV[4]); local spread = tonumber(ARGV[5]); local volatile = ARGV[6] == '1'
for i = from, to do
  if volatile then redis.call('SET', 'v:' .. i, 'x', 'PXAT', base + math.floor(i * spread / n))
  else redis.call('SET', 'p:' .. i, 'x') end
end
return to - from + 1`;

/** The reference runs' bulk load ended this long before the first deadline (E0). */
const LOAD_ENDS_BEFORE_MS = 1700;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function infoField(info: string, field: string): number {
  const m = new RegExp(`^${field}:([0-9.]+)`, 'm').exec(info);
  return m ? Number(m[1]) : NaN;
}

/** The real server's run, in the simulated experiment's shape (INFO has no per-run expired_keys here). */
type RealRun = Omit<ExperimentResult, 'expiredKeys'> & { loadEndsBeforeMs: number; samplePhaseMs: number };

async function realExperiment(hz: number): Promise<RealRun> {
  const server: PeerServer = await startServer({
    name: 'redis-server',
    command: 'redis-server',
    args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--hz', String(hz)],
  });
  const c = await RespClient.connect(server.port, '127.0.0.1', { replyTimeoutMs: 60_000 });
  try {
    // Persistent keys first, timed; the volatile half takes about as long, so E0 is placed for
    // that load to end LOAD_ENDS_BEFORE_MS before it. The gap actually reached is recorded and
    // handed to the simulation, which replays this run's timing.
    const chunk = 20_000;
    const loadChunks = async (base: number, volatile: boolean): Promise<void> => {
      for (let from = 0; from < VOLATILE; from += chunk) {
        const r = await c.call('EVAL', LOAD, '0', String(base), String(from), String(from + chunk - 1), String(VOLATILE), String(SPREAD_MS), volatile ? '1' : '0');
        expect(r.type).toBe('integer');
      }
    };
    const t0 = Date.now();
    await loadChunks(0, false);
    const E0 = Date.now() + Math.ceil((Date.now() - t0) * 2.5) + LOAD_ENDS_BEFORE_MS; // volatile keys load slower (PXAT, expires dict); margin for a busy machine
    await loadChunks(E0, true);
    const loadEndsBeforeMs = E0 - Date.now();
    expect(loadEndsBeforeMs).toBeGreaterThan(300); // the load finished before the first deadline
    const points: CurvePoint[] = [];
    const phases: number[] = [];
    let reclaimedAtMs: number | undefined;
    for (let t = -2 * EVERY_MS; t <= 6000; t += EVERY_MS) {
      const wait = E0 + t - Date.now();
      if (wait > 0) await sleep(wait);
      const at = Date.now() - E0;
      phases.push(at - t);
      const r = await c.call('DBSIZE');
      const dbsize = r.type === 'integer' ? Number(r.value) : NaN;
      // keys expired at time `at`: deadlines strictly before it
      const expired = Math.min(VOLATILE, Math.max(0, Math.ceil((at * VOLATILE) / SPREAD_MS)));
      const stale = Math.max(0, dbsize - (PERSISTENT + VOLATILE - expired));
      points.push({ tMs: t, dbsize, stale });
      if (t >= SPREAD_MS && dbsize === PERSISTENT) {
        reclaimedAtMs = t;
        break;
      }
    }
    const infoReply = await c.call('INFO', 'stats');
    const info = infoReply.type === 'bulk' || infoReply.type === 'verbatim' ? Buffer.from(infoReply.value).toString() : '';
    const peak = points.reduce((a, b) => (b.stale > a.stale ? b : a), { tMs: 0, dbsize: 0, stale: -1 });
    const samplePhaseMs = [...phases].sort((a, b) => a - b)[phases.length >> 1] ?? 0;
    return { hz, loadEndsBeforeMs, samplePhaseMs, points, peak, reclaimedAtMs, cpuMs: infoField(info, 'expire_cycle_cpu_milliseconds'), timeCapHits: infoField(info, 'expired_time_cap_reached_count') };
  } finally {
    await c.close();
    await server.stop();
  }
}

describePeer('redis-server', 'the 200k + 200k expiry experiment: real redis-server vs the simulated cycle', () => {
  const recorded: Record<string, unknown> = {};
  afterAll(() => {
    if (process.env['PROTOLAB_RECORD_CURVES'] !== '1') return;
    const file = new URL('../docs/curves.json', import.meta.url);
    const old = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    writeFileSync(file, `${JSON.stringify({ ...old, ...recorded }, null, 1)}\n`);
  });

  for (const hz of [10, 100]) {
    it(`hz ${hz}: with the cost model scaled to this run's CPU, the simulated curve's peak height, peak time and time to zero are within 25 % of this live run's (peak time within 200 ms; 15 % against the quiet reference runs: expiry-calibration.test.ts)`, { retry: 1 }, async () => {
      // retry: the real curve is one live run on a shared machine; when another job takes the CPU
      // during it the real drain moves (a loaded fresh-clone CI run measured peak time 300 ms
      // apart), so a disagreement gets one more live run. Both runs print their curves.
      const real = await realExperiment(hz);
      // The real cycle's limit is wall-clock time, so on a busy machine each key costs more
      // (measured here: from ~1.2 µs on a quiet machine up to ~4.5 µs with other jobs running).
      // Scale every term of the cost model by this run's cycle CPU over the default model's, then
      // compare shapes. The simulation replays this run's timing: the gap between the end of the
      // load and E0, and when within each 100 ms the DBSIZE samples were taken.
      const timing = { hz, volatile: VOLATILE, persistent: PERSISTENT, spreadMs: SPREAD_MS, sampleEveryMs: EVERY_MS, loadEndsBeforeMs: real.loadEndsBeforeMs, samplePhaseMs: real.samplePhaseMs };
      const base = expiryExperiment(timing);
      const scale = real.cpuMs / base.cpuMs;
      const m = DEFAULT_COST_MODEL;
      const costModel = { loopUs: m.loopUs * scale, bucketUs: m.bucketUs * scale, sampledUs: m.sampledUs * scale, expiredUs: m.expiredUs * scale };
      const sim = expiryExperiment({ ...timing, costModel });
      console.log(`hz ${hz}: load ended ${real.loadEndsBeforeMs} ms before E0, samples at +${real.samplePhaseMs} ms; real cycle CPU ${real.cpuMs} ms vs the default cost model's ${Math.round(base.cpuMs)} ms → cost model ×${scale.toFixed(2)}`);
      recorded[`simDefault_hz${hz}`] = { hz, points: base.points, peak: base.peak, reclaimedAtMs: base.reclaimedAtMs, cpuMs: base.cpuMs, timeCapHits: base.timeCapHits };
      const line = (r: { peak: CurvePoint; reclaimedAtMs: number | undefined; cpuMs: number; timeCapHits: number }): string =>
        `peak ${r.peak.stale} @ E0+${r.peak.tMs} ms, all reclaimed by E0+${r.reclaimedAtMs ?? '?'} ms, cycle CPU ${Math.round(r.cpuMs)} ms, time-limit hits ${r.timeCapHits}`;
      console.log(`hz ${hz} real: ${line(real)}\n  ${real.points.map((p) => `${p.tMs}:${p.stale}`).join(' ')}`);
      console.log(`hz ${hz} sim:  ${line(sim)}\n  ${sim.points.map((p) => `${p.tMs}:${p.stale}`).join(' ')}`);
      recorded[`real_hz${hz}`] = real;
      recorded[`sim_hz${hz}`] = { hz, scale, points: sim.points, peak: sim.peak, reclaimedAtMs: sim.reclaimedAtMs, cpuMs: sim.cpuMs, timeCapHits: sim.timeCapHits };
      const realZero = real.reclaimedAtMs;
      const simZero = sim.reclaimedAtMs;
      if (realZero === undefined || simZero === undefined) throw new Error(`hz ${hz}: not everything was reclaimed (real ${String(realZero)}, sim ${String(simZero)})`);
      console.log(`hz ${hz} agreement: peak ×${(sim.peak.stale / real.peak.stale).toFixed(3)}, peak time ${sim.peak.tMs - real.peak.tMs} ms, time to zero ×${(simZero / realZero).toFixed(3)}`);
      // One live run on a shared machine moves with the load (two CI runs of this test measured
      // peak ×0.84–1.12): here the bound is 25 %. The 15 % agreement is checked against the two
      // quiet reference runs in test/expiry-calibration.test.ts (part of npm test).
      expect(sim.peak.stale / real.peak.stale).toBeGreaterThanOrEqual(0.75);
      expect(sim.peak.stale / real.peak.stale).toBeLessThanOrEqual(1.25);
      expect(Math.abs(sim.peak.tMs - real.peak.tMs)).toBeLessThanOrEqual(200);
      expect(simZero / realZero).toBeGreaterThanOrEqual(0.75);
      expect(simZero / realZero).toBeLessThanOrEqual(1.25);
    });
  }
});
