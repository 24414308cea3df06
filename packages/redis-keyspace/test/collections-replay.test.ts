// Propagation of the list / set / sorted-set writes: whatever random commands run (including the
// random ones — SPOP, SRANDMEMBER — and the rewritten ones — LMPOP, ZMPOP, SPOP), replaying the
// onPropagate stream into an empty keyspace rebuilds exactly the same dataset. This is what an
// AOF or a replica relies on (Redis 7.0 server.c call() → propagate, alsoPropagate,
// rewriteClientCommandVector).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from '@protolab/sim';
import { Keyspace } from '../src/index.js';
import type { KeyEntry } from '../src/index.js';

const key = fc.constantFrom('l1', 'l2', 's1', 's2', 'z1', 'z2', 'str');
const el = fc.constantFrom('a', 'b', 'c', '1', '2', '10', 'x'.repeat(70));
const num = fc.constantFrom('-2', '-1', '0', '1', '2', '3', '10');
const score = fc.constantFrom('0', '1', '1.5', '-3', '+inf', '-inf', '2');

const listCmd = fc.oneof(
  fc.tuple(fc.constantFrom('LPUSH', 'RPUSH', 'LPUSHX', 'RPUSHX'), key, el, el),
  fc.tuple(fc.constantFrom('LPOP', 'RPOP'), key, num),
  fc.tuple(fc.constant('LTRIM'), key, num, num),
  fc.tuple(fc.constant('LREM'), key, num, el),
  fc.tuple(fc.constant('LSET'), key, num, el),
  fc.tuple(fc.constant('LINSERT'), key, fc.constantFrom('BEFORE', 'AFTER'), el, el),
  fc.tuple(fc.constant('LMOVE'), key, key, fc.constantFrom('LEFT', 'RIGHT'), fc.constantFrom('LEFT', 'RIGHT')),
  fc.tuple(fc.constant('RPOPLPUSH'), key, key),
  fc.tuple(fc.constant('LMPOP'), fc.constant('2'), key, key, fc.constantFrom('LEFT', 'RIGHT'), fc.constant('COUNT'), fc.constantFrom('1', '3')),
);
const setCmd = fc.oneof(
  fc.tuple(fc.constantFrom('SADD', 'SREM'), key, el, el),
  fc.tuple(fc.constant('SPOP'), key),
  fc.tuple(fc.constant('SPOP'), key, fc.constantFrom('0', '1', '2', '5')),
  fc.tuple(fc.constant('SMOVE'), key, key, el),
  fc.tuple(fc.constantFrom('SINTERSTORE', 'SUNIONSTORE', 'SDIFFSTORE'), key, key, key),
);
const zsetCmd = fc.oneof(
  fc.tuple(fc.constant('ZADD'), key, score, el),
  fc.tuple(fc.constant('ZADD'), key, fc.constantFrom('NX', 'XX', 'GT', 'LT', 'CH', 'INCR'), score, el),
  fc.tuple(fc.constant('ZINCRBY'), key, score, el),
  fc.tuple(fc.constant('ZREM'), key, el),
  fc.tuple(fc.constantFrom('ZPOPMIN', 'ZPOPMAX'), key, fc.constantFrom('1', '2')),
  fc.tuple(fc.constant('ZMPOP'), fc.constant('2'), key, key, fc.constantFrom('MIN', 'MAX'), fc.constant('COUNT'), fc.constantFrom('1', '4')),
  fc.tuple(fc.constant('ZREMRANGEBYRANK'), key, num, num),
  fc.tuple(fc.constant('ZREMRANGEBYSCORE'), key, score, score),
  fc.tuple(fc.constant('ZRANGESTORE'), key, key, num, num),
  fc.tuple(fc.constantFrom('ZUNIONSTORE', 'ZINTERSTORE', 'ZDIFFSTORE'), key, fc.constant('2'), key, key),
);
const anyCmd = fc.oneof(listCmd, setCmd, zsetCmd, fc.tuple(fc.constant('SET'), key, el));

function dump(ks: Keyspace): string[] {
  const show = (e: KeyEntry): string => {
    const b = (u: Uint8Array): string => Buffer.from(u).toString('latin1');
    const v = e.value;
    let body: string;
    if (v.type === 'string') body = b(v.value);
    else if (v.type === 'list') body = v.value.map(b).join(',');
    else if (v.type === 'set') body = v.value.map(b).sort().join(',');
    else if (v.type === 'zset') body = v.value.map((x) => `${b(x.member)}=${x.score}`).join(',');
    else body = v.value.map(([f, x]) => `${b(f)}=${b(x)}`).join(',');
    return `${e.db}:${b(e.key)}:${v.type}:${e.encoding ?? ''}:${body}`;
  };
  return [...ks.entries()].map(show).sort();
}

describe('the propagated stream rebuilds the dataset', () => {
  it('Redis 7.0 server.c call()/alsoPropagate: for random list, set and sorted-set writes, replaying what was propagated into an empty keyspace gives the same keys, values and encodings', () => {
    fc.assert(
      fc.property(fc.array(anyCmd, { maxLength: 80 }), fc.integer(), (cmds, seed) => {
        const stream: string[][] = [];
        const ks = new Keyspace({
          now: () => 1_700_000_000_000,
          prng: new Prng(seed),
          onPropagate: (_db, argv) => stream.push(argv.map((a) => Buffer.from(a).toString('latin1'))),
        });
        for (const c of cmds) ks.execute(c.map(String));
        // a replica / AOF loader has no randomness of its own to agree with: give it another seed
        const replica = new Keyspace({ now: () => 1_700_000_000_000, prng: new Prng(seed ^ 0x5bd1e995) });
        for (const argv of stream) {
          const r = replica.execute(argv);
          expect(r.type, `replaying ${argv.join(' ')}`).not.toBe('error');
        }
        expect(dump(replica)).toEqual(dump(ks));
      }),
      { numRuns: 200 },
    );
  });
});

describe('the AOF forms of the rewritten commands', () => {
  it('as an appendonly.aof captured from redis-server 7.0.15 shows: LMPOP → LPOP key n, SPOP → SREM, SPOP with count → one SREM per member in MULTI/EXEC, SPOP of the whole set → DEL, ZMPOP → ZPOPMAX key n, no-op LTRIM and SINTERSTORE of nothing → nothing', () => {
    const aof: string[] = [];
    const ks = new Keyspace({ now: () => 1_700_000_000_000, onPropagate: (_db, argv) => aof.push(argv.map((a) => Buffer.from(a).toString('latin1')).join(' ')) });
    const script = [
      'RPUSH l a b c d', 'LMPOP 2 nope l LEFT COUNT 10', 'SADD s 1 2 3 4 5', 'SPOP s', 'SPOP s 2', 'SPOP s 10', 'ZADD z 1 a 2 b 3 c',
      'ZMPOP 1 z MAX COUNT 2', 'ZPOPMIN z 5', 'RPUSH q x', 'LTRIM q 0 -1', 'SINTERSTORE d nope s', 'RPOPLPUSH q q',
    ];
    for (const line of script) ks.execute(line.split(' '));
    // the members SPOP picked depend on the PRNG; the shape of the log does not
    const shape = aof.map((l) => l.replace(/^SREM s \d$/, 'SREM s <member>'));
    expect(shape).toEqual([
      'RPUSH l a b c d', 'LPOP l 4', 'SADD s 1 2 3 4 5', 'SREM s <member>', 'MULTI', 'SREM s <member>', 'SREM s <member>', 'EXEC', 'DEL s',
      'ZADD z 1 a 2 b 3 c', 'ZPOPMAX z 2', 'ZPOPMIN z 5', 'RPUSH q x', 'RPOPLPUSH q q',
    ]);
  });
});
