// The propagated stream is the AOF: replaying what a keyspace propagated (with a SELECT whenever
// the db changes, as aof.c feedAppendOnlyFile writes it) into a fresh keyspace gives the same
// keyspace — for random command sequences over every command of the table, options and
// malformed calls included (the differential test's generators).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from '@protolab/sim';
import { Keyspace } from '../src/index.js';
import { GENERATORS } from './differential-gen.js';

const NOW = 1_700_000_000_000;

function snapshot(ks: Keyspace): string[] {
  const bin = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
  return [...ks.entries()]
    .map((e) => JSON.stringify([e.db, bin(e.key), e.expireAtMs ?? null, JSON.stringify(e.value, (_k, v: unknown) => (v instanceof Uint8Array ? bin(v) : v))]))
    .sort();
}

describe('server.c propagate / aof.c loadAppendOnlyFiles', () => {
  it('replaying the propagated stream (with SELECTs) into a fresh keyspace gives the same keyspace', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 150 }), (seed, n) => {
        const r = new Prng(seed);
        const stream: { db: number; argv: Uint8Array[] }[] = [];
        const ks = new Keyspace({ now: () => NOW, prng: new Prng(seed), onPropagate: (db, argv) => stream.push({ db, argv }) });
        for (let i = 0; i < n; i++) ks.execute(r.pick(GENERATORS)(r));
        ks.execute(['DISCARD']); // an open MULTI propagates nothing
        const replica = new Keyspace({ now: () => NOW });
        let selected = 0;
        for (const { db, argv } of stream) {
          if (db !== selected) {
            expect(replica.execute(['SELECT', String(db)]).type).toBe('simple');
            selected = db;
          }
          const reply = replica.execute(argv);
          const name = Buffer.from(argv[0] ?? new Uint8Array()).toString('latin1');
          expect(reply.type === 'error' ? `${name}: ${reply.value}` : 'ok').toBe('ok');
        }
        expect(snapshot(replica)).toEqual(snapshot(ks));
      }),
      { numRuns: 300 },
    );
  });

  it('regression (seed 27545799, 96 commands): after SPOP with a count of 2^63-1 the next write is still propagated (dirty stays exact)', () => {
    const stream: string[] = [];
    const ks = new Keyspace({ now: () => NOW, onPropagate: (_db, argv) => stream.push(argv.map((a) => Buffer.from(a).toString('latin1')).join(' ')) });
    ks.execute(['SADD', 's', 'm', '7', '5']);
    expect(ks.execute(['SPOP', 's', '9223372036854775807']).type).toBe('array');
    ks.execute(['HINCRBY', 'h', 'f', '-9223372036854775808']);
    ks.execute(['SET', 'k', 'v']);
    expect(stream).toEqual(['SADD s m 7 5', 'DEL s', 'HINCRBY h f -9223372036854775808', 'SET k v']);
  });
});
