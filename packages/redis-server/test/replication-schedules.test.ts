/**
 * Random schedules of writes, broken links, partitions and time on the deterministic in-memory
 * network (replication-pump.ts), through the real wire core and the server: once the network
 * heals, every replica converges to the master's dataset and offset. And the interesting paths
 * are reached: +CONTINUE, full resyncs after a backlog overrun.
 */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import type { WireReplicationConfig } from '@protolab/redis-replication';
import type { RedisServer } from '../src/server.js';
import { ReplPump } from './replication-pump.js';

type Op =
  | { readonly kind: 'set'; readonly db: number; readonly key: number; readonly size: number }
  | { readonly kind: 'del'; readonly key: number }
  | { readonly kind: 'incr' }
  | { readonly kind: 'drop'; readonly replica: number }
  | { readonly kind: 'partition'; readonly ms: number }
  | { readonly kind: 'advance'; readonly ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('set' as const), db: fc.integer({ min: 0, max: 2 }), key: fc.integer({ min: 0, max: 7 }), size: fc.integer({ min: 1, max: 20_000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), key: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'incr' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), replica: fc.integer({ min: 0, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partition' as const), ms: fc.integer({ min: 100, max: 3000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 100, max: 2000 }) }) },
);

/** Every key of every db as text, sorted (values JSON with bytes as strings). */
function dataset(srv: RedisServer): string[] {
  const td = new TextDecoder();
  return [...srv.keyspace.entries()]
    .map((e) => `${e.db}:${td.decode(e.key)}=${JSON.stringify(e.value, (_k, v: unknown) => (v instanceof Uint8Array ? td.decode(v) : typeof v === 'bigint' ? String(v) : v))}@${String(e.expireAtMs)}`)
    .sort();
}

const seen = { continues: 0, fullAfterFirst: 0, runs: 0 };
const SCHEDULE_SEED = Number(process.env['SCHEDULE_SEED'] ?? 1);

function run(ops: readonly Op[], plantedBug?: WireReplicationConfig['plantedBug']): void {
  const config = { replBacklogSize: 16 * 1024, ...(plantedBug !== undefined ? { plantedBug } : {}) };
  const net = new ReplPump();
  const m = net.add(6379, config);
  const replicas = [net.add(6380, config), net.add(6381, config)];
  for (const r of replicas) net.client(r.port).send('REPLICAOF', '127.0.0.1', 6379);
  net.drain();
  const c = net.client(6379);
  let heal = 0;
  for (const o of ops) {
    if (o.kind === 'set') {
      c.send('SELECT', o.db);
      c.send('SET', `k${o.key}`, 'v'.repeat(o.size));
    } else if (o.kind === 'del') c.send('DEL', `k${o.key}`);
    else if (o.kind === 'incr') c.send('INCR', 'n');
    else if (o.kind === 'drop') net.dropLink(replicas[o.replica] ?? m);
    else if (o.kind === 'partition') {
      net.down.add(6379);
      for (const r of replicas) net.dropLink(r);
      heal = net.nowMs + o.ms;
    } else net.advance(o.ms);
    if (heal !== 0 && net.nowMs >= heal) {
      net.down.clear();
      heal = 0;
    }
  }
  net.down.clear();
  net.advance(3000);
  for (const r of replicas) {
    expect(r.repl.info()).toContain('master_link_status:up');
    expect(r.repl.st.master_repl_offset).toBe(m.repl.st.master_repl_offset);
    expect(dataset(r.srv)).toEqual(dataset(m.srv));
    seen.continues += r.repl.st.replicaStats.continues;
    seen.fullAfterFirst += r.repl.st.replicaStats.fullLoads - 1;
  }
  seen.runs++;
}

test('replication.c through the server: after any schedule of writes, broken links and partitions, once healed every replica has the master dataset and offset', () => {
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => { run(ops); }), { numRuns: 60 });
  expect(seen.runs).toBeGreaterThanOrEqual(60);
});

test('the schedules reach +CONTINUE and full resyncs after the first (backlog overruns): counted over a fixed seed, so the check cannot miss by chance', () => {
  // Over random seeds a run of 60 schedules made no full resync after the first about one time
  // in six (fast-check's default size keeps arrays short); this seed reaches both with room.
  seen.continues = 0;
  seen.fullAfterFirst = 0;
  fc.assert(fc.property(fc.array(op, { maxLength: 40 }), (ops) => { run(ops); }), { numRuns: 60, seed: SCHEDULE_SEED });
  console.log(`schedules of seed ${SCHEDULE_SEED}: ${seen.continues} +CONTINUE, ${seen.fullAfterFirst} full resyncs after the first`);
  expect(seen.continues).toBeGreaterThan(0);
  expect(seen.fullAfterFirst).toBeGreaterThan(0);
});

test('regression (shrunk by the property above): after +CONTINUE the master client stays in the db of the last SELECT, since the master does not repeat it', () => {
  // SET in db 2; the link breaks; SET again in db 2 (the master's slaveseldb is still 2, no SELECT
  // goes into the stream); the replica resumed and first applied the SET in db 0.
  run([
    { kind: 'set', db: 2, key: 0, size: 1 },
    { kind: 'partition', ms: 100 },
    { kind: 'set', db: 2, key: 0, size: 1 },
  ]);
});

for (const bug of ['select-reset-on-continue', 'continue-past-backlog'] as const) {
  test(`planted bug "${bug}" is caught by the schedule property`, () => {
    const r = fc.check(fc.property(fc.array(op, { maxLength: 40 }), (ops) => { run(ops, bug); }), { numRuns: 2000, seed: 19 });
    expect(r.failed).toBe(true);
  });
}
