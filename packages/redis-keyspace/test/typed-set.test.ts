// The typed `set` (typed-api.ts setFast, the fast path of Keyspace.set for SET k v [PX ms]) against
// the SET command run through the command table (t_string.c setGenericCommand): after the same
// operations both keyspaces must hold the same keys, values, exact deadlines, LRU times (OBJECT
// IDLETIME), expires table (activeExpireCycle's scan order), counters and propagated commands.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Keyspace } from '../src/index.js';
import type { KeyspaceOptions } from '../src/index.js';
import type { Db } from '../src/db.js';

type Key = string | Uint8Array;
type Op =
  | { op: 'set'; key: Key; value: Key; px: number | undefined }
  | { op: 'get'; key: Key }
  | { op: 'del'; key: Key }
  | { op: 'tick'; ms: number };

/** Text keys whose UTF-8 forms collide or need conversion, plus raw bytes. */
const KEYS: Key[] = ['a', 'b', 'key:12:34', 'é', '\uD800', '\uFFFD', new Uint8Array([0xc3, 0xa9]), new Uint8Array([0xff, 0x00])];
const VALUES: Key[] = ['v', 'value', 'ü', new Uint8Array([0x80]), 'x'.repeat(40)];

const key = fc.constantFrom(...KEYS);
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('set' as const), key, value: fc.constantFrom(...VALUES), px: fc.option(fc.integer({ min: 1, max: 3000 }), { nil: undefined }) }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('get' as const), key }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('del' as const), key }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 2500 }) }), weight: 2 },
);

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

function pair(opts: Partial<KeyspaceOptions>): { typed: Keyspace; cmd: Keyspace; logs: string[][]; clock: { now: number } } {
  const clock = { now: 1_700_000_000_000 };
  const logs: string[][] = [[], []];
  const make = (log: string[]): Keyspace =>
    new Keyspace({ now: () => clock.now, onPropagate: (db, argv) => log.push(`${db} ${argv.map(latin1).join(' ')}`), ...opts });
  return { typed: make(logs[0] ?? []), cmd: make(logs[1] ?? []), logs, clock };
}

/** Everything observable about db 0, keys and slots in the expires table's scan order. */
function snapshot(ks: Keyspace): unknown {
  const db: Db | undefined = ks.core.dbs[0];
  if (db === undefined) throw new Error('no db 0');
  const entries = [...db.dict].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, slot]) => ({
    k,
    slot,
    v: db.valOf[slot],
    deadline: db.hasExpire(slot) ? db.getExpireExact(slot).toString() : 'none',
    lru: db.lruAt(slot),
  }));
  const scanned: string[] = [];
  let cursor = 0;
  do cursor = db.expires.scan(cursor, (slot) => scanned.push(db.keyOf[slot] ?? '?'));
  while (cursor !== 0);
  const s = ks.core.stats;
  const mm = ks.core.maxmemory;
  return {
    entries,
    scanned,
    expiresUsed: db.expires.used,
    expiresSize: db.expires.size,
    dirty: ks.core.dirty,
    stats: [s.expiredKeys, s.keyspaceHits, s.keyspaceMisses],
    memory: mm === undefined ? 'off' : mm.usedMemory(),
    freq: entries.map((e) => ks.execute(['OBJECT', 'FREQ', e.k]).type === 'integer'),
  };
}

function replay(opts: Partial<KeyspaceOptions>, ops: Op[], replica = false): void {
  const { typed, cmd, logs, clock } = pair(opts);
  typed.replica = replica;
  cmd.replica = replica;
  for (const o of ops) {
    if (o.op === 'tick') clock.now += o.ms;
    else if (o.op === 'del') {
      typed.execute(['DEL', o.key]);
      cmd.execute(['DEL', o.key]);
    } else if (o.op === 'get') {
      // the reference reads with the GET command; the typed side with the typed get
      const viaCmd = cmd.execute(['GET', o.key]);
      const viaTyped = typed.getBuffer(o.key);
      expect(viaTyped === undefined ? 'nil' : latin1(viaTyped)).toBe(viaCmd.type === 'bulk' ? latin1(viaCmd.value) : 'nil');
    } else {
      const r = cmd.execute(o.px === undefined ? ['SET', o.key, o.value] : ['SET', o.key, o.value, 'PX', String(o.px)]);
      let typedReply = 'OK';
      try {
        typed.set(o.key, o.value, o.px === undefined ? undefined : { px: o.px });
      } catch (e) {
        typedReply = (e as Error).message;
      }
      expect(typedReply).toBe(r.type === 'simple' ? r.value : r.type === 'error' ? r.value : r.type);
    }
    expect(snapshot(typed)).toEqual(snapshot(cmd));
    expect(logs[0]).toEqual(logs[1]);
  }
}

describe('the typed set is SET through the command table (t_string.c setGenericCommand)', () => {
  it('the typed set and SET through the command table leave the same keyspace, deadlines, LRU times, expires table and propagation', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => { replay({}, ops); }), { numRuns: 300 });
  });

  it('on a replica too (db.c expireIfNeeded with a master link: what a write to an expired key sees)', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => { replay({}, ops, true); }), { numRuns: 200 });
  });

  it('under maxmemory the typed set evicts, refuses and counts memory as SET does (server.c processCommand, evict.c performEvictions)', () => {
    for (const policy of ['allkeys-lru', 'volatile-ttl', 'allkeys-lfu', 'noeviction'] as const) {
      fc.assert(fc.property(fc.array(op, { maxLength: 60 }), (ops) => { replay({ maxmemory: 400, maxmemoryPolicy: policy }, ops); }), { numRuns: 60 });
    }
  });

  it('a new key set through the typed API is stamped with the time of the set: OBJECT IDLETIME 0, as after SET', () => {
    let now = 1_700_000_000_000;
    const ks = new Keyspace({ now: () => now });
    ks.set('k', 'v');
    expect(ks.execute(['OBJECT', 'IDLETIME', 'k'])).toEqual({ type: 'integer', value: 0n });
    now += 9_000;
    ks.set('k', 'w', { px: 60_000 });
    expect(ks.execute(['OBJECT', 'IDLETIME', 'k'])).toEqual({ type: 'integer', value: 0n });
  });
});
