// Model-based test (fc.commands): random command sequences with clock jumps, checked against a
// deliberately simple model — a Map of key → { value, deadline } that forgets a key the moment its
// deadline has passed. After every command: (1) the reply equals the model's; (2) no read ever
// returns a key whose deadline passed; (3) DBSIZE lies between the live keys and the keys not yet
// reclaimed; and at the end (4) replaying what onPropagate emitted on a fresh keyspace (as an AOF
// load does) reproduces the same dataset.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { RespValue } from '@protolab/resp';
import { Keyspace } from '../src/index.js';
import { show } from './helpers.js';

type MVal = { kind: 'string'; v: string } | { kind: 'list'; v: string[] };
interface MEntry { val: MVal; at: bigint | undefined }

const WRONGTYPE = '-WRONGTYPE Operation against a key holding the wrong kind of value';
const NOTINT = '-ERR value is not an integer or out of range';

class Model {
  readonly m = new Map<string, MEntry>();
  constructor(public now: number) {}
  /** The only rule of expiry in the model: strictly after the deadline, the key is gone. */
  live(k: string): MEntry | undefined {
    const e = this.m.get(k);
    if (e && e.at !== undefined && BigInt(this.now) > e.at) {
      this.m.delete(k);
      return undefined;
    }
    return e;
  }
  liveCount(): number {
    let n = 0;
    for (const [, e] of this.m) if (e.at === undefined || BigInt(this.now) <= e.at) n++;
    return n;
  }
}

interface Real {
  ks: Keyspace;
  clock: { now: number };
  ops: { db: number; argv: Uint8Array[] }[];
}

const KEYS = ['a', 'b', 'c'];
const key = fc.constantFrom(...KEYS);
const value = fc.constantFrom('v', 'w', '0', '41', '-7', '9223372036854775807', 'x y');

abstract class Cmd implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  abstract argv(): string[];
  abstract expect(m: Model): string;
  run(m: Model, r: Real): void {
    r.clock.now = m.now;
    const want = this.expect(m);
    const got = show(r.ks.execute(this.argv()));
    expect(`${this.argv().join(' ')} → ${got}`).toBe(`${this.argv().join(' ')} → ${want}`);
    const n = r.ks.dbsize();
    expect(n).toBeGreaterThanOrEqual(m.liveCount());
    expect(n).toBeLessThanOrEqual(m.m.size);
  }
  toString(): string {
    return this.argv().join(' ');
  }
}

class Advance implements fc.Command<Model, Real> {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    m.now += this.ms;
    r.clock.now = m.now;
  }
  toString(): string {
    return `advance ${this.ms}ms`;
  }
}

/** Jump exactly onto (delta 0) or just past (delta 1) the next deadline: the boundary states. */
class AdvanceToDeadline implements fc.Command<Model, Real> {
  constructor(readonly delta: 0 | 1) {}
  check(m: Readonly<Model>): boolean {
    return [...m.m.values()].some((e) => e.at !== undefined && e.at >= BigInt(m.now) && e.at < BigInt(m.now) + 10_000_000n);
  }
  run(m: Model, r: Real): void {
    let next: bigint | undefined;
    for (const e of m.m.values()) if (e.at !== undefined && e.at >= BigInt(m.now) && (next === undefined || e.at < next)) next = e.at;
    m.now = Number(next!) + this.delta;
    r.clock.now = m.now;
  }
  toString(): string {
    return `advance to next deadline + ${this.delta}`;
  }
}

class Cycle implements fc.Command<Model, Real> {
  constructor(readonly type: 'slow' | 'fast') {}
  check(): boolean {
    return true;
  }
  run(m: Model, r: Real): void {
    r.clock.now = m.now;
    r.ks.activeExpireCycle(this.type);
    expect(r.ks.dbsize()).toBeGreaterThanOrEqual(m.liveCount());
  }
  toString(): string {
    return `activeExpireCycle(${this.type})`;
  }
}

class Get extends Cmd {
  constructor(readonly k: string) { super(); }
  argv(): string[] { return ['GET', this.k]; }
  expect(m: Model): string {
    const e = m.live(this.k);
    if (!e) return '(nil)';
    return e.val.kind === 'string' ? `$${e.val.v}` : WRONGTYPE;
  }
}

type TtlOpt = { o: 'EX' | 'PX' | 'EXAT' | 'PXAT'; n: number } | { o: 'KEEPTTL' } | { o: 'none' };
class Set_ extends Cmd {
  constructor(readonly k: string, readonly v: string, readonly ttl: TtlOpt, readonly cond: 'NX' | 'XX' | '', readonly get: boolean) { super(); }
  argv(): string[] {
    const a = ['SET', this.k, this.v];
    if (this.ttl.o === 'KEEPTTL') a.push('KEEPTTL');
    else if (this.ttl.o !== 'none') a.push(this.ttl.o, String(this.ttl.n));
    if (this.cond) a.push(this.cond);
    if (this.get) a.push('GET');
    return a;
  }
  expect(m: Model): string {
    let at: bigint | undefined;
    const t = this.ttl;
    if (t.o === 'EX' || t.o === 'PX' || t.o === 'EXAT' || t.o === 'PXAT') {
      if (t.n <= 0) return "-ERR invalid expire time in 'set' command";
      const ms = BigInt(t.n) * (t.o === 'EX' || t.o === 'EXAT' ? 1000n : 1n);
      at = t.o === 'EX' || t.o === 'PX' ? ms + BigInt(m.now) : ms;
    }
    const e = m.live(this.k);
    let getReply: string | undefined;
    if (this.get) {
      if (e && e.val.kind !== 'string') return WRONGTYPE;
      getReply = e ? `$${(e.val as { v: string }).v}` : '(nil)';
    }
    if ((this.cond === 'NX' && e) || (this.cond === 'XX' && !e)) return getReply ?? '(nil)';
    const keep = t.o === 'KEEPTTL' && e ? e.at : undefined;
    m.m.set(this.k, { val: { kind: 'string', v: this.v }, at: at ?? keep });
    return getReply ?? '+OK';
  }
}

class Expire extends Cmd {
  constructor(readonly cmd: 'EXPIRE' | 'PEXPIRE' | 'EXPIREAT' | 'PEXPIREAT', readonly k: string, readonly n: number, readonly cond: '' | 'NX' | 'XX' | 'GT' | 'LT') { super(); }
  argv(): string[] {
    const a = [this.cmd, this.k, String(this.n)];
    if (this.cond) a.push(this.cond);
    return a;
  }
  expect(m: Model): string {
    const sec = this.cmd === 'EXPIRE' || this.cmd === 'EXPIREAT';
    const rel = this.cmd === 'EXPIRE' || this.cmd === 'PEXPIRE';
    const when = BigInt(this.n) * (sec ? 1000n : 1n) + (rel ? BigInt(m.now) : 0n);
    const e = m.live(this.k);
    if (!e) return ':0';
    if (this.cond === 'NX' && e.at !== undefined) return ':0';
    if (this.cond === 'XX' && e.at === undefined) return ':0';
    if (this.cond === 'GT' && (e.at === undefined || when <= e.at)) return ':0';
    if (this.cond === 'LT' && e.at !== undefined && when >= e.at) return ':0';
    if (when <= BigInt(m.now)) m.m.delete(this.k);
    else e.at = when;
    return ':1';
  }
}

class Ttl extends Cmd {
  constructor(readonly cmd: 'TTL' | 'PTTL' | 'EXPIRETIME' | 'PEXPIRETIME', readonly k: string) { super(); }
  argv(): string[] { return [this.cmd, this.k]; }
  expect(m: Model): string {
    const e = m.live(this.k);
    if (!e) return ':-2';
    if (e.at === undefined) return ':-1';
    const abs = this.cmd === 'EXPIRETIME' || this.cmd === 'PEXPIRETIME';
    const ms = abs ? e.at : e.at - BigInt(m.now);
    const inMs = this.cmd === 'PTTL' || this.cmd === 'PEXPIRETIME';
    return `:${inMs ? ms : (ms + 500n) / 1000n}`;
  }
}

class Persist extends Cmd {
  constructor(readonly k: string) { super(); }
  argv(): string[] { return ['PERSIST', this.k]; }
  expect(m: Model): string {
    const e = m.live(this.k);
    if (!e || e.at === undefined) return ':0';
    e.at = undefined;
    return ':1';
  }
}

class Incr extends Cmd {
  constructor(readonly k: string) { super(); }
  argv(): string[] { return ['INCR', this.k]; }
  expect(m: Model): string {
    const e = m.live(this.k);
    if (!e) {
      m.m.set(this.k, { val: { kind: 'string', v: '1' }, at: undefined });
      return ':1';
    }
    if (e.val.kind !== 'string') return WRONGTYPE;
    if (!/^(0|-?[1-9][0-9]*)$/.test(e.val.v)) return NOTINT;
    const n = BigInt(e.val.v) + 1n;
    if (n > 9223372036854775807n) return '-ERR increment or decrement would overflow';
    e.val = { kind: 'string', v: n.toString() };
    return `:${n}`;
  }
}

class Rpush extends Cmd {
  constructor(readonly k: string, readonly v: string) { super(); }
  argv(): string[] { return ['RPUSH', this.k, this.v]; }
  expect(m: Model): string {
    const e = m.live(this.k);
    if (!e) {
      m.m.set(this.k, { val: { kind: 'list', v: [this.v] }, at: undefined });
      return ':1';
    }
    if (e.val.kind !== 'list') return WRONGTYPE;
    e.val.v.push(this.v);
    return `:${e.val.v.length}`;
  }
}

class Del extends Cmd {
  constructor(readonly ks: string[]) { super(); }
  argv(): string[] { return ['DEL', ...this.ks]; }
  expect(m: Model): string {
    let n = 0;
    for (const k of this.ks) if (m.live(k)) { m.m.delete(k); n++; }
    return `:${n}`;
  }
}

class Exists extends Cmd {
  constructor(readonly ks: string[]) { super(); }
  argv(): string[] { return ['EXISTS', ...this.ks]; }
  expect(m: Model): string {
    return `:${this.ks.filter((k) => m.live(k)).length}`;
  }
}

class Getex extends Cmd {
  constructor(readonly k: string, readonly opt: { o: 'EX' | 'PXAT'; n: number } | { o: 'PERSIST' } | { o: 'none' }) { super(); }
  argv(): string[] {
    const a = ['GETEX', this.k];
    if (this.opt.o === 'PERSIST') a.push('PERSIST');
    else if (this.opt.o !== 'none') a.push(this.opt.o, String(this.opt.n));
    return a;
  }
  expect(m: Model): string {
    const o = this.opt;
    // t_string.c getexCommand: lookup and type check first, then the expire time (peer-verified).
    const e = m.live(this.k);
    if (!e) return '(nil)';
    if (e.val.kind !== 'string') return WRONGTYPE;
    let when: bigint | undefined;
    if (o.o === 'EX' || o.o === 'PXAT') {
      if (o.n <= 0) return "-ERR invalid expire time in 'getex' command";
      when = o.o === 'EX' ? BigInt(o.n) * 1000n + BigInt(m.now) : BigInt(o.n);
    }
    const r = `$${e.val.v}`;
    if (when !== undefined && when <= BigInt(m.now)) m.m.delete(this.k);
    else if (when !== undefined) e.at = when;
    else if (o.o === 'PERSIST') e.at = undefined;
    return r;
  }
}

class Getdel extends Cmd {
  constructor(readonly k: string) { super(); }
  argv(): string[] { return ['GETDEL', this.k]; }
  expect(m: Model): string {
    const e = m.live(this.k);
    if (!e) return '(nil)';
    if (e.val.kind !== 'string') return WRONGTYPE;
    m.m.delete(this.k);
    return `$${e.val.v}`;
  }
}

class Type extends Cmd {
  constructor(readonly k: string) { super(); }
  argv(): string[] { return ['TYPE', this.k]; }
  expect(m: Model): string {
    const e = m.live(this.k);
    return `+${e ? e.val.kind : 'none'}`;
  }
}

const START = 1_700_000_000_000;
const small = fc.integer({ min: -3, max: 30 });
const ttlOpt: fc.Arbitrary<TtlOpt> = fc.oneof(
  fc.constant({ o: 'none' as const }),
  fc.constant({ o: 'KEEPTTL' as const }),
  fc.record({ o: fc.constantFrom('EX' as const, 'PX' as const), n: fc.oneof(fc.constantFrom(1, 2, 500, 1000, 1001), fc.integer({ min: -2, max: 3000 })) }),
  fc.record({ o: fc.constant('PXAT' as const), n: fc.oneof(fc.constantFrom(START + 500, START + 1000, START + 2000), fc.integer({ min: START - 3000, max: START + 60_000 })) }),
  fc.record({ o: fc.constant('EXAT' as const), n: fc.integer({ min: START / 1000 - 3, max: START / 1000 + 60 }) }),
);

const commands = [
  key.map((k) => new Get(k)),
  fc.tuple(key, value, ttlOpt, fc.constantFrom('' as const, 'NX' as const, 'XX' as const), fc.boolean()).map(([k, v, t, c, g]) => new Set_(k, v, t, c, g)),
  fc.tuple(fc.constantFrom('EXPIRE' as const, 'PEXPIRE' as const), key, fc.oneof(small, fc.integer({ min: -5000, max: 30_000 })), fc.constantFrom('' as const, 'NX' as const, 'XX' as const, 'GT' as const, 'LT' as const)).map(([c, k, n, o]) => new Expire(c, k, n, o)),
  fc.tuple(fc.constantFrom('EXPIREAT' as const, 'PEXPIREAT' as const), key, fc.integer({ min: -1, max: 60_000 }), fc.constantFrom('' as const, 'GT' as const, 'LT' as const)).map(([c, k, d, o]) =>
    new Expire(c, k, c === 'EXPIREAT' ? START / 1000 + d - 1 : START + d * 10 - 1000, o)),
  fc.tuple(fc.constantFrom('TTL' as const, 'PTTL' as const, 'EXPIRETIME' as const, 'PEXPIRETIME' as const), key).map(([c, k]) => new Ttl(c, k)),
  key.map((k) => new Persist(k)),
  key.map((k) => new Incr(k)),
  fc.tuple(key, value).map(([k, v]) => new Rpush(k, v)),
  fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => new Del(ks)),
  fc.array(key, { minLength: 1, maxLength: 3 }).map((ks) => new Exists(ks)),
  fc.tuple(key, fc.oneof(fc.constant({ o: 'none' as const }), fc.constant({ o: 'PERSIST' as const }), fc.record({ o: fc.constant('EX' as const), n: fc.integer({ min: -1, max: 20 }) }), fc.record({ o: fc.constant('PXAT' as const), n: fc.integer({ min: START - 10, max: START + 30_000 }) }))).map(([k, o]) => new Getex(k, o)),
  key.map((k) => new Getdel(k)),
  key.map((k) => new Type(k)),
  fc.constantFrom(0, 1, 499, 500, 501, 999, 1000, 1001, 2500, 10_000).map((ms) => new Advance(ms)),
  fc.integer({ min: 0, max: 40_000 }).map((ms) => new Advance(ms)),
  fc.constantFrom('slow' as const, 'fast' as const).map((t) => new Cycle(t)),
  fc.constantFrom(0 as const, 1 as const).map((d) => new AdvanceToDeadline(d)),
  fc.constantFrom(0 as const, 1 as const).map((d) => new AdvanceToDeadline(d)),
];

function dataset(ks: Keyspace): string[] {
  return [...ks.entries()].map((e) => `${e.db}/${Buffer.from(e.key).toString()} ${JSON.stringify(e.value.type === 'string' ? Buffer.from(e.value.value).toString() : e.value.value.map((x) => Buffer.from(x as Uint8Array).toString()))} @${e.expireAtMs ?? '-'}`).sort();
}

describe('Keyspace vs a map of value + deadline (fc.commands, clock jumps, active cycles)', () => {
  it('db.c expireIfNeeded: no read returns a key past its deadline; TTL rounding; what each write does to a TTL; AOF replay reproduces the dataset', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const clock = { now: START };
        const ops: Real['ops'] = [];
        const ks = new Keyspace({ now: () => clock.now, onPropagate: (db, argv) => ops.push({ db, argv }) });
        fc.modelRun(() => ({ model: new Model(START), real: { ks, clock, ops } }), cmds);
        // aof.c loadAppendOnlyFile: replaying the propagated stream (nothing expires while loading)
        // must rebuild the same keys, values and deadlines, expired-but-unreclaimed ones included.
        const replica = new Keyspace({ now: () => clock.now });
        replica.loading = true;
        let db = 0;
        for (const op of ops) {
          if (op.db !== db) {
            replica.execute(['SELECT', String(op.db)]);
            db = op.db;
          }
          const r: RespValue = replica.execute(op.argv);
          expect(r.type).not.toBe('error');
        }
        replica.loading = false;
        expect(dataset(replica)).toEqual(dataset(ks));
      }),
      { numRuns: 150 },
    );
  });
});
