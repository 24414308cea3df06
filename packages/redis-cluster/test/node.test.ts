// A cluster master as a sans-I/O core: the migration protocol of `redis-cli --cluster reshard`
// replayed by hand (docs/redis-cluster.md §3 "Migration protocol"), ASKING one-shot, MULTI/EXEC
// under routing, and the CLUSTER subcommands' texts.
import type { RespValue } from '@protolab/resp';
import { describe, expect, it } from 'vitest';
import { type Arg, ClusterNode, type ClusterNodeInfo, type Connection, keyHashSlot, newConnection, SlotMap } from '@protolab/redis-cluster';
import { show as showReply } from './show.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const infos: ClusterNodeInfo[] = [
  { id: A, ip: '127.0.0.1', port: 7000, role: 'master', replicationOffset: 1, health: 'online' },
  { id: B, ip: '127.0.0.1', port: 7001, role: 'master', replicationOffset: 1, health: 'online' },
];
function pair(): [ClusterNode, ClusterNode] {
  const slots = SlotMap.evenly([A, B]);
  return [new ClusterNode({ id: A, nodes: infos, slots }), new ClusterNode({ id: B, nodes: infos, slots })];
}
function run(n: ClusterNode, c: Connection, ...argv: Arg[]): RespValue {
  const out = n.execute(c, argv);
  if (!('reply' in out)) throw new Error('unexpected MIGRATE job');
  return out.reply;
}
const show = (r: RespValue): unknown => showReply(r);
/** Carry out a MIGRATE job by running its RESTORE-ASKINGs on `target` (what the wire would do). */
function migrate(src: ClusterNode, dst: ClusterNode, c: Connection, ...argv: Arg[]): unknown {
  const out = src.execute(c, argv);
  if ('reply' in out) return show(out.reply);
  const link = newConnection();
  const replies = out.migrate.restores.map((r) => run(dst, link, ...r));
  return show(src.finishMigrate(out.migrate, replies));
}

// foo → 12182: owned by B in the evenly split 2-node cluster (8192-16383).
const SLOT = keyHashSlot('foo');

describe('ClusterNode: a slot migrated by hand, the way redis-cli --cluster reshard does', () => {
  it('walks IMPORTING → MIGRATING → MIGRATE → SETSLOT NODE with the redirects Redis gives at each stage', () => {
    const [a, b] = pair();
    const cb = newConnection();
    const ca = newConnection();
    expect(show(run(b, cb, 'SET', 'foo', 'v1'))).toBe('+OK');
    expect(show(run(b, cb, 'SET', '{foo}2', 'w'))).toBe('+OK');
    expect(show(run(a, ca, 'GET', 'foo'))).toBe(`-MOVED ${SLOT} 127.0.0.1:7001`);

    // 1. target IMPORTING, 2. source MIGRATING
    expect(show(run(a, ca, 'CLUSTER', 'SETSLOT', String(SLOT), 'IMPORTING', B))).toBe('+OK');
    expect(show(run(b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'MIGRATING', A))).toBe('+OK');
    // The target still redirects clients without ASKING back to the owner.
    expect(show(run(a, ca, 'GET', 'foo'))).toBe(`-MOVED ${SLOT} 127.0.0.1:7001`);

    // 3. GETKEYSINSLOT (newest first) and MIGRATE one key.
    expect(show(run(b, cb, 'CLUSTER', 'COUNTKEYSINSLOT', String(SLOT)))).toBe(2);
    expect(show(run(b, cb, 'CLUSTER', 'GETKEYSINSLOT', String(SLOT), '10'))).toEqual(['{foo}2', 'foo']);
    expect(migrate(b, a, cb, 'MIGRATE', '127.0.0.1', '7000', 'foo', '0', '5000')).toBe('+OK');
    // Source: a key it lacks → ASK; a key it has → served; both → TRYAGAIN.
    expect(show(run(b, cb, 'GET', 'foo'))).toBe(`-ASK ${SLOT} 127.0.0.1:7000`);
    expect(show(run(b, cb, 'GET', '{foo}2'))).toBe('w');
    expect(show(run(b, cb, 'MGET', 'foo', '{foo}2'))).toBe('-TRYAGAIN Multiple keys request during rehashing of slot');
    // Target: ASKING then GET served; ASKING is one-shot, so a second GET is MOVED again.
    expect(show(run(a, ca, 'ASKING'))).toBe('+OK');
    expect(show(run(a, ca, 'GET', 'foo'))).toBe('v1');
    expect(show(run(a, ca, 'GET', 'foo'))).toBe(`-MOVED ${SLOT} 127.0.0.1:7001`);
    // Assigning the slot away while keys remain is refused.
    expect(show(run(b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'NODE', A))).toBe(
      `-ERR Can't assign hashslot ${SLOT} to a different node while I still hold keys for this hash slot.`,
    );
    expect(migrate(b, a, cb, 'MIGRATE', '127.0.0.1', '7000', '', '0', '5000', 'KEYS', '{foo}2')).toBe('+OK');
    expect(migrate(b, a, cb, 'MIGRATE', '127.0.0.1', '7000', 'foo', '0', '5000')).toBe('+NOKEY');

    // 4. SETSLOT NODE on the target, then on the source.
    expect(show(run(a, ca, 'CLUSTER', 'SETSLOT', String(SLOT), 'NODE', A))).toBe('+OK');
    expect(show(run(b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'NODE', A))).toBe('+OK');
    expect(show(run(a, ca, 'GET', 'foo'))).toBe('v1');
    expect(show(run(b, cb, 'GET', 'foo'))).toBe(`-MOVED ${SLOT} 127.0.0.1:7000`);
    expect(a.migrating.size + a.importing.size + b.migrating.size + b.importing.size).toBe(0);
    // The slot now stands alone in CLUSTER SLOTS (a range split in the middle).
    const slots = show(run(b, cb, 'CLUSTER', 'SLOTS')) as unknown[][];
    expect(slots.map((e) => [e[0], e[1]])).toEqual([[0, 8191], [8192, SLOT - 1], [SLOT, SLOT], [SLOT + 1, 16383]]);
  });

  it('RESTORE-ASKING refuses to overwrite without REPLACE (BUSYKEY) and MIGRATE reports the target error', () => {
    const [a, b] = pair();
    const cb = newConnection();
    // The target already holds foo = "old" (restored from a DUMP payload, as MIGRATE sends it).
    run(b, cb, 'SET', 'foo', 'old');
    const payload = run(b, cb, 'DUMP', 'foo');
    if (payload.type !== 'bulk') throw new Error('expected a DUMP payload');
    run(b, cb, 'SET', 'foo', 'new');
    run(a, newConnection(), 'CLUSTER', 'SETSLOT', String(SLOT), 'IMPORTING', B);
    expect(show(run(a, newConnection(), 'RESTORE-ASKING', 'foo', '0', payload.value))).toBe('+OK');
    run(b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'MIGRATING', A);
    expect(migrate(b, a, cb, 'MIGRATE', '127.0.0.1', '7000', 'foo', '0', '5000')).toBe('-ERR Target instance replied with error: BUSYKEY Target key name already exists.');
    expect(show(run(b, cb, 'GET', 'foo'))).toBe('new');
    expect(migrate(b, a, cb, 'MIGRATE', '127.0.0.1', '7000', 'foo', '0', '5000', 'REPLACE')).toBe('+OK');
    const ca = newConnection();
    run(a, ca, 'ASKING');
    expect(show(run(a, ca, 'GET', 'foo'))).toBe('new');
  });

  it('a lost MIGRATE reply leaves the key on the source (IOERR), so nothing is lost', () => {
    const [, b] = pair();
    const cb = newConnection();
    run(b, cb, 'SET', 'foo', 'v');
    run(b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'MIGRATING', A);
    const out = b.execute(cb, ['MIGRATE', '127.0.0.1', '7000', 'foo', '0', '100']);
    if (!('migrate' in out)) throw new Error('expected a MIGRATE job');
    expect(show(b.finishMigrate(out.migrate, undefined))).toBe('-IOERR error or timeout reading to target instance');
    expect(show(run(b, cb, 'GET', 'foo'))).toBe('v');
  });
});

describe('ClusterNode: commands and texts', () => {
  it('MULTI: a redirected queued command aborts EXEC with EXECABORT', () => {
    const [a] = pair();
    const c = newConnection();
    expect(show(run(a, c, 'MULTI'))).toBe('+OK');
    expect(show(run(a, c, 'SET', '{b}1', '1'))).toBe('+QUEUED'); // slot 3300 → A
    // foo → 12182 is owned by B: the queued command is redirected at once…
    expect(show(run(a, c, 'SET', 'foo', '1'))).toBe(`-MOVED ${SLOT} 127.0.0.1:7001`);
    expect(show(run(a, c, 'EXEC'))).toBe('-EXECABORT Transaction discarded because of previous errors.');
  });

  it('MULTI: EXEC with keys in two slots is CROSSSLOT and discards the transaction', () => {
    const [a] = pair();
    const c = newConnection();
    // Two keys both owned by A (slots < 8192) but in different slots.
    const k1 = '{b}1'; // slot 3300
    const k2 = '{user1000}x'; // slot 3443
    run(a, c, 'MULTI');
    expect(show(run(a, c, 'SET', k1, '1'))).toBe('+QUEUED');
    expect(show(run(a, c, 'SET', k2, '1'))).toBe('+QUEUED');
    expect(show(run(a, c, 'EXEC'))).toBe("-CROSSSLOT Keys in request don't hash to the same slot");
    expect(show(run(a, c, 'EXEC'))).toBe('-ERR EXEC without MULTI');
  });

  it('ASKING sent before MULTI stays set until EXEC (resetClient keeps it inside MULTI)', () => {
    const [a] = pair();
    run(a, newConnection(), 'CLUSTER', 'SETSLOT', String(SLOT), 'IMPORTING', B);
    const c = newConnection();
    run(a, c, 'ASKING');
    run(a, c, 'MULTI');
    expect(show(run(a, c, 'SET', 'foo', 'x'))).toBe('+QUEUED');
    expect(show(run(a, c, 'GET', 'foo'))).toBe('+QUEUED');
    expect(show(run(a, c, 'EXEC'))).toEqual(['+OK', 'x']);
    expect(c.asking).toBe(false);
  });

  it('unknown commands, arity and CLUSTER errors carry Redis 7.0 texts', () => {
    const [a] = pair();
    const c = newConnection();
    expect(show(run(a, c, 'foo', 'a', 'b'))).toBe("-ERR unknown command 'foo', with args beginning with: 'a' 'b' ");
    expect(show(run(a, c, 'GET'))).toBe("-ERR wrong number of arguments for 'get' command");
    expect(show(run(a, c, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', '0'.repeat(40)))).toBe(`-ERR I don't know about node ${'0'.repeat(40)}`);
    expect(show(run(a, c, 'CLUSTER', 'SETSLOT', '9000', 'MIGRATING', B))).toBe("-ERR I'm not the owner of hash slot 9000");
    expect(show(run(a, c, 'CLUSTER', 'SETSLOT', '100', 'IMPORTING', B))).toBe("-ERR I'm already the owner of hash slot 100");
    expect(show(run(a, c, 'CLUSTER', 'SETSLOT', '16384', 'STABLE'))).toBe('-ERR Invalid or out of range slot');
    expect(show(run(a, c, 'CLUSTER', 'GETKEYSINSLOT', '1', '-1'))).toBe('-ERR Invalid slot or number of keys');
    expect(show(run(a, c, 'CLUSTER', 'COUNTKEYSINSLOT', '16384'))).toBe('-ERR Invalid slot');
    expect(show(run(a, c, 'CLUSTER', 'KEYSLOT', 'foo{}{bar}'))).toBe(8363);
    expect(show(run(a, c, 'CLUSTER', 'MYID'))).toBe(A);
  });

  it('string commands on owned keys: INCR overflow and non-integer texts', () => {
    const [a] = pair();
    const c = newConnection();
    const k = '{b}n'; // slot 3300, owned by A
    expect(show(run(a, c, 'INCR', k))).toBe(1);
    expect(show(run(a, c, 'INCRBY', k, '41'))).toBe(42);
    expect(show(run(a, c, 'SET', k, '9223372036854775807'))).toBe('+OK');
    expect(show(run(a, c, 'INCR', k))).toBe('-ERR increment or decrement would overflow');
    expect(show(run(a, c, 'SET', k, 'x'))).toBe('+OK');
    expect(show(run(a, c, 'INCR', k))).toBe('-ERR value is not an integer or out of range');
    expect(show(run(a, c, 'SET', k, 'y', 'NX'))).toBe(null);
    expect(show(run(a, c, 'SET', k, 'y', 'XX', 'GET'))).toBe('x');
    expect(show(run(a, c, 'APPEND', k, 'z'))).toBe(2);
    expect(show(run(a, c, 'DEL', k, k))).toBe(1);
    expect(show(run(a, c, 'EXISTS', k))).toBe(0);
  });
});
