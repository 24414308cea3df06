// The per-command path a server takes (src/argv.ts, Keyspace.executeParsed) and the memory
// estimate kept only while maxmemory is set (src/maxmemory.ts): each must answer exactly what
// the general path answers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binOfArg, ARG_TABLE_MAX_LEN } from '../src/argv.js';
import { COMMANDS } from '../src/commands.js';
import { objectMemoryEstimate } from '../src/maxmemory.js';
import { Keyspace } from '../src/index.js';
import type { RespValue } from '@protolab/resp';

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

function logged(opts: { maxmemory?: number; maxmemoryPolicy?: 'allkeys-lru' | 'noeviction' } = {}): { ks: Keyspace; log: string[]; clock: { now: number } } {
  const clock = { now: 1_700_000_000_000 };
  const log: string[] = [];
  const ks = new Keyspace({ now: () => clock.now, onPropagate: (db, argv) => log.push(`${db} ${argv.map(latin1).join(' ')}`), ...opts });
  return { ks, log, clock };
}

function walk(ks: Keyspace): number {
  let n = 0;
  for (const db of ks.core.dbs) for (const [key, slot] of db.dict) n += objectMemoryEstimate(key, db.valOf[slot] ?? '', db.hasExpire(slot));
  return n;
}

/** A small command stream over few keys: strings, lists, sets, hashes, TTLs, MULTI, errors. */
const command = fc.oneof(
  fc.tuple(fc.constantFrom('SET', 'set', 'Set'), fc.constantFrom('a', 'b', 'k\u00e9'), fc.string({ maxLength: 40 })),
  fc.tuple(fc.constantFrom('INCR', 'incr', 'DECR'), fc.constantFrom('a', 'n')),
  fc.tuple(fc.constant('INCRBY'), fc.constantFrom('n', 'a'), fc.constantFrom('5', '-7', '9007199254740993', 'x')),
  fc.tuple(fc.constantFrom('LPUSH', 'RPUSH'), fc.constantFrom('l', 'a'), fc.string({ maxLength: 50 })),
  fc.tuple(fc.constantFrom('RPOP', 'LPOP', 'GET', 'DEL', 'TTL'), fc.constantFrom('l', 'a', 'n', 'h')),
  fc.tuple(fc.constant('SADD'), fc.constantFrom('s'), fc.constantFrom('1', '2', 'x', 'y'.repeat(70))),
  fc.tuple(fc.constant('HSET'), fc.constantFrom('h', 'a'), fc.constantFrom('f', 'g'), fc.string({ maxLength: 70 })),
  fc.tuple(fc.constant('ZADD'), fc.constantFrom('z'), fc.constantFrom('1', '2.5', 'nan'), fc.constantFrom('p', 'q')),
  fc.tuple(fc.constant('EXPIRE'), fc.constantFrom('a', 'l', 'h'), fc.constantFrom('1', '100')),
  fc.tuple(fc.constantFrom('MULTI', 'EXEC', 'DISCARD', 'FLUSHDB')),
  fc.tuple(fc.constantFrom('NOSUCH', 'constructor', 'GET'), fc.constantFrom('a', '\r\n')),
  fc.tuple(fc.constant('OBJECT'), fc.constantFrom('ENCODING', 'NOPE'), fc.constantFrom('a', 'l')),
  fc.tuple(fc.constant('TICK'), fc.integer({ min: 0, max: 3000 })),
);
type Cmd = (string | number)[];

function replay(ks: Keyspace, clock: { now: number }, cmds: Cmd[], send: (argv: string[]) => RespValue, at?: (i: number) => void): RespValue[] {
  const out: RespValue[] = [];
  cmds.forEach((c, i) => {
    at?.(i);
    if (c[0] === 'TICK') {
      clock.now += Number(c[1]);
      ks.activeExpireCycle('slow');
    } else out.push(send(c.map(String)));
  });
  return out;
}

describe('the server path (argv.ts, Keyspace.executeParsed)', () => {
  it('binOfArg gives the latin1 string of any bytes, whatever bytes went through its table before (hits, collisions, lengths around the table limit)', () => {
    const arg = fc.uint8Array({ maxLength: ARG_TABLE_MAX_LEN + 40 });
    fc.assert(
      fc.property(fc.array(fc.oneof(arg, fc.constantFrom(bytes('GET'), bytes('key:__rand_int__'), new Uint8Array(0))), { maxLength: 60 }), (args) => {
        for (const a of args) expect(binOfArg(a)).toBe(latin1(a));
      }),
    );
  });

  it('a keyspace answers executeParsed(bytes, the row of the lower-cased name) exactly as execute(bytes): same replies, same propagation, same state', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 50 }), (cmds) => {
        const a = logged();
        const b = logged();
        const viaExecute = replay(a.ks, a.clock, cmds, (argv) => a.ks.execute(argv.map((s) => Buffer.from(s, 'utf8'))));
        const viaParsed = replay(b.ks, b.clock, cmds, (argv) => {
          const raw = argv.map((s) => Buffer.from(s, 'utf8'));
          return b.ks.executeParsed(raw, COMMANDS.get(latin1(raw[0] ?? new Uint8Array()).toLowerCase()));
        });
        expect(viaParsed).toEqual(viaExecute);
        expect(b.log).toEqual(a.log);
        expect([...b.ks.entries()]).toEqual([...a.ks.entries()]);
      }),
    );
  });
});

describe('the memory estimate is kept only while maxmemory is set (maxmemory.ts)', () => {
  it('without a limit nothing is kept, and used memory (a walk over every key) equals the kept total of a keyspace whose limit never binds, after any commands', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 50 }), (cmds) => {
        const lazy = logged({ maxmemoryPolicy: 'noeviction' });
        const kept = logged({ maxmemory: 1e12, maxmemoryPolicy: 'noeviction' });
        cmds.forEach((c) => {
          replay(lazy.ks, lazy.clock, [c], (argv) => lazy.ks.execute(argv));
          replay(kept.ks, kept.clock, [c], (argv) => kept.ks.execute(argv));
          expect(lazy.ks.core.maxmemory?.tracked).toBe(false);
          expect(lazy.ks.core.maxmemory?.usedMemory()).toBe(kept.ks.core.maxmemory?.usedMemory());
          expect(lazy.ks.core.maxmemory?.usedMemory()).toBe(walk(lazy.ks));
        });
      }),
    );
  });

  it('a limit set part-way (CONFIG SET maxmemory) evicts the same keys and refuses the same commands as a keyspace that kept the total from the start, and setting it back to 0 stops keeping it', () => {
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), fc.nat(60), fc.nat(60), fc.integer({ min: 200, max: 2000 }), (cmds, on, off, limit) => {
        const lazy = logged({ maxmemoryPolicy: 'allkeys-lru' });
        const kept = logged({ maxmemory: 1e12, maxmemoryPolicy: 'allkeys-lru' });
        const set = (k: { ks: Keyspace }, i: number): void => {
          const cfg = k.ks.core.maxmemory?.cfg;
          if (cfg === undefined) throw new Error('no maxmemory');
          if (i === on) cfg.maxmemory = limit;
          if (i === on + off) cfg.maxmemory = k === lazy ? 0 : 1e12;
        };
        const r1 = replay(lazy.ks, lazy.clock, cmds, (argv) => lazy.ks.execute(argv), (i) => { set(lazy, i); });
        const r2 = replay(kept.ks, kept.clock, cmds, (argv) => kept.ks.execute(argv), (i) => { set(kept, i); });
        expect(r1).toEqual(r2);
        expect(lazy.log).toEqual(kept.log);
        expect(lazy.ks.core.maxmemory?.evictedKeys).toBe(kept.ks.core.maxmemory?.evictedKeys);
        expect(lazy.ks.core.maxmemory?.usedMemory()).toBe(walk(lazy.ks));
        if (on + off < cmds.length) {
          // The limit is back to 0: the next command that runs (call(), not MULTI's queueing) drops the kept total.
          lazy.ks.execute(['DISCARD']);
          lazy.ks.execute(['EXISTS', 'a']);
          expect(lazy.ks.core.maxmemory?.tracked).toBe(false);
          expect(lazy.ks.core.maxmemory?.usedMemory()).toBe(walk(lazy.ks));
        }
      }),
    );
  });
});
