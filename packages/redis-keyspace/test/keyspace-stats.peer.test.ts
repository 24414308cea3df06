// keyspace_hits / keyspace_misses against a real redis-server 7.0: the differential generator's
// random commands (every command of the table, options and malformed calls) run on both sides,
// and after every command outside MULTI the two INFO counters are compared with the keyspace's
// own. A command whose delta differs is reported by name (the counters are then re-aligned, so
// one miscount does not blame the commands after it). Commands whose effect is random
// (SPOP, RANDOMKEY, …) are replaced by PING so that both keyspaces stay equal.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePeer } from '@protolab/testkit';
import type { RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';
import { Keyspace } from '../src/index.js';
import { bytesOf, startRealServer, type RealServer } from './real-server.js';
import { GENERATORS, NONDETERMINISTIC } from './differential-gen.js';

const SEEDS = Number(process.env['STATS_SEEDS'] ?? 40);
const PER_SEED = 100;

function infoField(info: RespValue, field: string): number {
  if (info.type !== 'bulk') throw new Error(`INFO: expected a bulk reply, found ${info.type}`);
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(Buffer.from(info.value).toString('latin1'));
  if (m === null) throw new Error(`INFO: no ${field}`);
  return Number(m[1]);
}

describePeer('redis-server', 'keyspace_hits / keyspace_misses agree with redis-server 7.0 command by command', () => {
  let real: RealServer;
  const call = (argv: string[]): Promise<RespValue> => real.call(argv);
  beforeAll(async () => {
    real = await startRealServer();
  });
  afterAll(async () => {
    await real.stop();
  });

  it(`the counters move as the real server's on ${SEEDS * PER_SEED} random commands`, async () => {
    const bad = new Map<string, { n: number; example: string }>();
    let compared = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = new Prng(seed);
      await call(['DISCARD']);
      await call(['SELECT', '0']);
      await call(['FLUSHALL']);
      await call(['CONFIG', 'RESETSTAT']);
      const ks = new Keyspace({ now: () => Date.now(), prng: new Prng(seed) });
      let inMulti = false;
      let off = { hits: 0, misses: 0 };
      for (let i = 0; i < PER_SEED; i++) {
        let argv = r.pick(GENERATORS)(r);
        const name0 = (argv[0] ?? '').toLowerCase();
        if (NONDETERMINISTIC.has(name0)) argv = ['PING'];
        const name = (argv[0] ?? '').toLowerCase();
        await call(argv);
        const ours = ks.execute(bytesOf(argv));
        if (name === 'multi' && ours.type === 'simple') inMulti = true;
        else if (name === 'exec' || name === 'discard') inMulti = false;
        if (inMulti) continue;
        const info = await call(['INFO', 'stats']);
        const real = { hits: infoField(info, 'keyspace_hits'), misses: infoField(info, 'keyspace_misses') };
        const got = { hits: ks.stats.keyspaceHits + off.hits, misses: ks.stats.keyspaceMisses + off.misses };
        compared++;
        if (got.hits !== real.hits || got.misses !== real.misses) {
          const b = bad.get(name) ?? { n: 0, example: `seed ${seed} #${i} ${JSON.stringify(argv).slice(0, 120)}: hits ${got.hits - real.hits >= 0 ? '+' : ''}${got.hits - real.hits}, misses ${got.misses - real.misses >= 0 ? '+' : ''}${got.misses - real.misses} vs real` };
          b.n++;
          bad.set(name, b);
          off = { hits: real.hits - ks.stats.keyspaceHits, misses: real.misses - ks.stats.keyspaceMisses };
        }
      }
      if (inMulti) {
        await call(['DISCARD']);
        ks.execute(['DISCARD']);
      }
    }
    const rows = [...bad].sort((a, b) => a[0].localeCompare(b[0])).map(([n, b]) => `  ${n.padEnd(14)} ${b.n} miscounts, e.g. ${b.example}`);
    console.log(`keyspace stats: ${compared} commands compared, ${rows.length} commands miscount\n${rows.join('\n')}`);
    expect(compared).toBeGreaterThan(SEEDS * PER_SEED * 0.8);
    expect(rows).toEqual([]);
  }, 170_000);
});
