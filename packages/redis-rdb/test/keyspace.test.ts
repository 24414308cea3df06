import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Keyspace } from '@protolab/redis-keyspace';
import { allEntries, decodeRdb, encodeRdb, type KeyEntry } from '@protolab/redis-rdb';
import { b, normEntry, sortEntries } from './helpers.js';

const T0 = 1_700_000_000_000;

describe('with @protolab/redis-keyspace (contract C2: entries, restore, fork)', () => {
  it('encodeRdb(keyspace) then restore into a fresh keyspace gives the same entries and encodings', () => {
    const ks = new Keyspace({ now: () => T0 });
    const cmds: string[][] = [
      ['SET', 'n', '42'], ['SET', 's', 'hello'], ['RPUSH', 'l', 'a', 'b', '3'], ['SADD', 'si', '1', '2', '3'], ['SADD', 'ss', 'x', 'y'],
      ['ZADD', 'z', '1', 'a', '2.5', 'b'], ['HSET', 'h', 'f', 'v'], ['SET', 'e', 'v', 'PX', '100000'], ['SELECT', '2'], ['SET', 'k2', 'v2'],
    ];
    for (const c of cmds) ks.execute(c);
    const file = encodeRdb(ks, { ctimeSec: T0 / 1000 });
    const fresh = new Keyspace({ now: () => T0 });
    for (const e of allEntries(decodeRdb(file))) fresh.restore(e);
    expect(sortEntries([...fresh.entries()]).map((e) => normEntry(e, true))).toEqual(sortEntries([...ks.entries()]).map((e) => normEntry(e, true)));
  });

  it('the encoding the decoder reports is the one the keyspace gives the restored key (rdbLoadObject conversions)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -1000, max: 1000 }).map(String), fc.string({ maxLength: 70 })), { minLength: 1, maxLength: 600 }), (members) => {
        const entry: KeyEntry = { db: 0, key: b('s'), value: { type: 'set', value: [...new Set(members)].map(b) } };
        const [d] = [...allEntries(decodeRdb(encodeRdb([entry])))];
        const ks = new Keyspace({ now: () => T0 });
        ks.restore(d!);
        expect(ks.encoding('s')).toBe(d!.encoding);
      }),
      { numRuns: 40 },
    );
  });

  it('BGSAVE semantics: encodeRdb(ks.fork()) holds the fork-time data even after later writes', () => {
    const ks = new Keyspace({ now: () => T0 });
    ks.execute(['SET', 'k', 'before']);
    const view = ks.fork();
    ks.execute(['SET', 'k', 'after']);
    ks.execute(['SET', 'new', 'x']);
    const es = [...allEntries(decodeRdb(encodeRdb(view)))];
    expect(es.map((e) => [new TextDecoder().decode(e.key), new TextDecoder().decode(e.value.value as Uint8Array)])).toEqual([['k', 'before']]);
  });
});
