// The cluster node's db 0 is a @protolab/redis-keyspace Keyspace (issue 15 item 2): every command
// of the keyspace's table runs on the node, routing reads the keys from that table (COMMAND
// GETKEYS), slots_to_keys follows the keyspace's propagation stream, and MIGRATE ships DUMP
// payloads. Real-server comparisons of the same commands: cluster.peer.test.ts.
import type { RespValue } from '@protolab/resp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Arg, CLUSTER_ONLY_COMMANDS, ClusterNode, type ClusterNodeInfo, commandKeys, type Connection, DATA_COMMANDS, keyHashSlot,
  KEYSPACE_COMMAND_NAMES, newConnection, SlotMap,
} from '@protolab/redis-cluster';
import { show as showReply } from './show.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const infos: ClusterNodeInfo[] = [
  { id: A, ip: '127.0.0.1', port: 7000, role: 'master', replicationOffset: 1, health: 'online' },
  { id: B, ip: '127.0.0.1', port: 7001, role: 'master', replicationOffset: 1, health: 'online' },
];
function pair(clock = { now: 1_000_000 }): [ClusterNode, ClusterNode] {
  const slots = SlotMap.evenly([A, B]);
  const now = (): number => clock.now;
  return [new ClusterNode({ id: A, nodes: infos, slots, now }), new ClusterNode({ id: B, nodes: infos, slots, now })];
}
function run(n: ClusterNode, c: Connection, ...argv: Arg[]): RespValue {
  const out = n.execute(c, argv);
  if (!('reply' in out)) throw new Error('unexpected MIGRATE job');
  return out.reply;
}
const show = (r: RespValue): unknown => showReply(r);

describe('ClusterNode: data commands run on the keyspace', () => {
  it('INCRBY k -0 is refused as Redis 7.0 refuses it (t_string.c incrbyCommand: string2ll rejects "-0"), and the value is unchanged', () => {
    const [a] = pair();
    const c = newConnection();
    expect(show(run(a, c, 'SET', '{b}k', '5'))).toBe('+OK');
    expect(show(run(a, c, 'INCRBY', '{b}k', '-0'))).toBe('-ERR value is not an integer or out of range');
    expect(show(run(a, c, 'GET', '{b}k'))).toBe('5');
  });

  it('lists, hashes, sets and sorted sets work on owned keys, and redirect like strings do', () => {
    const [a] = pair();
    const c = newConnection();
    expect(show(run(a, c, 'RPUSH', '{b}l', 'x', 'y', 'z'))).toBe(3);
    expect(show(run(a, c, 'LPOP', '{b}l'))).toBe('x');
    expect(show(run(a, c, 'HSET', '{b}h', 'f', '1'))).toBe(1);
    expect(show(run(a, c, 'HINCRBY', '{b}h', 'f', '41'))).toBe(42);
    expect(show(run(a, c, 'ZADD', '{b}z', '2', 'm'))).toBe(1);
    expect(show(run(a, c, 'ZRANGE', '{b}z', '0', '-1', 'WITHSCORES'))).toEqual(['m', '2']);
    expect(show(run(a, c, 'SADD', '{b}s', 'p', 'q'))).toBe(2);
    expect(show(run(a, c, 'GET', '{b}h'))).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
    // foo → 12182 is B's: any type's command is MOVED.
    expect(show(run(a, c, 'LPUSH', 'foo', 'v'))).toBe(`-MOVED ${keyHashSlot('foo')} 127.0.0.1:7001`);
    // Keys found by the table's own key specs: movable keys (numkeys, STORE) are routed too.
    expect(show(run(a, c, 'ZUNIONSTORE', '{b}d', '2', '{b}z', 'foo'))).toBe("-CROSSSLOT Keys in request don't hash to the same slot");
    expect(show(run(a, c, 'SORT', '{b}l', 'ALPHA', 'STORE', 'foo'))).toBe("-CROSSSLOT Keys in request don't hash to the same slot");
    expect(show(run(a, c, 'SORT', '{b}l', 'ALPHA', 'STORE', '{b}sorted'))).toBe(2);
  });

  it('cluster mode refuses other databases with db.c texts (SELECT n, SWAPDB, MOVE, COPY … DB n); SELECT 0 is fine', () => {
    const [a] = pair();
    const c = newConnection();
    run(a, c, 'SET', '{b}k', 'v');
    expect(show(run(a, c, 'SELECT', '0'))).toBe('+OK');
    expect(show(run(a, c, 'SELECT', '1'))).toBe('-ERR SELECT is not allowed in cluster mode');
    expect(show(run(a, c, 'SELECT', 'x'))).toBe('-ERR value is not an integer or out of range');
    expect(show(run(a, c, 'SWAPDB', '0', '1'))).toBe('-ERR SWAPDB is not allowed in cluster mode');
    expect(show(run(a, c, 'MOVE', '{b}k', '1'))).toBe('-ERR MOVE is not allowed in cluster mode');
    expect(show(run(a, c, 'COPY', '{b}k', '{b}j', 'DB', '1'))).toBe('-ERR Copying to another database is not allowed in cluster mode');
    expect(show(run(a, c, 'COPY', '{b}k', '{b}j', 'DB', '99'))).toBe('-ERR DB index is out of range');
    expect(show(run(a, c, 'COPY', '{b}k', '{b}j', 'DB', '0'))).toBe(1);
  });

  it('MIGRATE ships a DUMP payload: a sorted set keeps its type, members and TTL on the target', () => {
    const clock = { now: 1_000_000 };
    const [a, b] = pair(clock);
    const c = newConnection();
    run(b, c, 'ZADD', 'foo', '1', 'one', '2', 'two');
    run(b, c, 'PEXPIRE', 'foo', '5000');
    const slot = String(keyHashSlot('foo'));
    run(a, newConnection(), 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', B);
    run(b, c, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', A);
    clock.now += 1000;
    const out = b.execute(c, ['MIGRATE', '127.0.0.1', '7000', 'foo', '0', '5000']);
    if (!('migrate' in out)) throw new Error('expected a MIGRATE job');
    const [restore] = out.migrate.restores;
    // RESTORE-ASKING key ttl payload: the ms left, and the value as RDB (a small zset: RDB_TYPE_ZSET_LISTPACK = 17).
    expect(restore?.slice(0, 3).map((x) => Buffer.from(x as Uint8Array).toString())).toEqual(['RESTORE-ASKING', 'foo', '4000']);
    expect((restore?.[3] as Uint8Array)[0]).toBe(17);
    const link = newConnection();
    expect(show(b.finishMigrate(out.migrate, out.migrate.restores.map((r) => run(a, link, ...r))))).toBe('+OK');
    const ca = newConnection();
    for (const [argv, want] of [[['TYPE', 'foo'], '+zset'], [['ZRANGE', 'foo', '0', '-1', 'WITHSCORES'], ['one', '1', 'two', '2']], [['PTTL', 'foo'], 4000]] as const) {
      run(a, ca, 'ASKING');
      expect(show(run(a, ca, ...argv))).toEqual(want);
    }
    expect(b.countKeysInSlot(keyHashSlot('foo'))).toBe(0);
    expect(a.countKeysInSlot(keyHashSlot('foo'))).toBe(1);
  });
});

describe('one command table', () => {
  it('no command is described twice: the cluster rows are only for names the keyspace table lacks', () => {
    const keyspace = new Set(KEYSPACE_COMMAND_NAMES);
    expect([...CLUSTER_ONLY_COMMANDS.keys()].filter((n) => keyspace.has(n))).toEqual([]);
    expect(DATA_COMMANDS).toEqual(KEYSPACE_COMMAND_NAMES);
    expect(KEYSPACE_COMMAND_NAMES).toContain('lpop');
    expect(KEYSPACE_COMMAND_NAMES).toContain('zunionstore');
  });
  it('keys come from the keyspace table key specs, movable keys included (db.c getKeysFromCommand)', () => {
    expect(commandKeys(['ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'])).toEqual(['d', 'a', 'b']);
    expect(commandKeys(['SORT', 'k', 'BY', 'nosort', 'STORE', 'd'])).toEqual(['k', 'd']);
    expect(commandKeys(['LMPOP', '2', 'a', 'b', 'LEFT'])).toEqual(['a', 'b']);
    expect(commandKeys(['OBJECT', 'ENCODING', 'k'])).toEqual(['k']);
    expect(commandKeys(['LMOVE', 's', 'd', 'LEFT', 'RIGHT'])).toEqual(['s', 'd']);
    // Commands routed by the cluster's own rows (the server runs them): blocking commands, WATCH.
    expect(commandKeys(['BLPOP', 'a', 'b', '0'])).toEqual(['a', 'b']);
    expect(commandKeys(['BLMPOP', '0', '2', 'a', 'b', 'LEFT'])).toEqual(['a', 'b']);
    expect(commandKeys(['BLMOVE', 's', 'd', 'LEFT', 'RIGHT', '0'])).toEqual(['s', 'd']);
    expect(commandKeys(['WATCH', 'a', 'b'])).toEqual(['a', 'b']);
    // A key equal to an earlier non-key argument still names the right bytes.
    expect(commandKeys(['ZUNIONSTORE', 'd', '2', '2', 'x'])).toEqual(['d', '2', 'x']);
    expect(() => commandKeys(['OBJECT', 'FOO', 'k'])).toThrow("ERR unknown subcommand 'FOO'. Try OBJECT HELP.");
    expect(() => commandKeys(['OBJECT', 'ENCODING'])).toThrow("ERR wrong number of arguments for 'object|encoding' command");
  });
});

/** A command on the keys of one node, drawn for the slots_to_keys property. */
const KEYS = ['{b}1', '{b}2', '{user1000}x', '{user1000}y'];
const key = fc.constantFrom(...KEYS);
const command: fc.Arbitrary<Arg[] | 'tick'> = fc.oneof(
  fc.tuple(key, fc.string({ maxLength: 3 })).map(([k, v]) => ['SET', k, v]),
  key.map((k) => ['DEL', k]),
  key.map((k) => ['GET', k]),
  fc.tuple(key, fc.string({ maxLength: 3 })).map(([k, v]) => ['LPUSH', k, v]),
  key.map((k) => ['LPOP', k]),
  fc.tuple(key, key).map(([k, j]) => ['RENAME', k, j]),
  fc.tuple(key, key).map(([k, j]) => ['RPOPLPUSH', k, j]),
  fc.tuple(key, key).map(([k, j]) => ['COPY', k, j]),
  fc.tuple(key, fc.integer({ min: -5, max: 50 })).map(([k, ms]) => ['PEXPIRE', k, String(ms)]),
  fc.tuple(key, key).map(([k, j]) => ['SINTERSTORE', k, j]),
  fc.constant<Arg[]>(['FLUSHALL']),
  fc.constant<Arg[]>(['SCAN', '0']),
  fc.constant('tick' as const),
);

describe('slots_to_keys (CLUSTER COUNTKEYSINSLOT / GETKEYSINSLOT) from the propagation stream', () => {
  it('slots_to_keys always holds exactly the keys of the keyspace dict, slot by slot, whatever commands, transactions and expiries ran (cluster.c slotToKeyAddEntry / slotToKeyDelEntry)', () => {
    const step = fc.oneof(command.map((cmd) => ({ tx: false, cmds: [cmd] })), fc.array(command, { maxLength: 4 }).map((cmds) => ({ tx: true, cmds })));
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        const clock = { now: 1_000_000 };
        const [a] = pair(clock);
        const c = newConnection();
        for (const { tx, cmds } of steps) {
          if (tx) run(a, c, 'MULTI');
          for (const cmd of cmds) {
            if (cmd === 'tick') clock.now += 10;
            else run(a, c, ...cmd);
          }
          if (tx) run(a, c, 'EXEC');
          // The truth: every key of db 0's dict (expired-but-unreclaimed keys included).
          const truth = new Map<number, string[]>();
          for (const e of a.keyspace.entries()) {
            const s = keyHashSlot(e.key);
            truth.set(s, [...(truth.get(s) ?? []), Buffer.from(e.key).toString('latin1')]);
          }
          for (const s of new Set(KEYS.map((k) => keyHashSlot(k)))) {
            const want = (truth.get(s) ?? []).sort();
            expect(a.countKeysInSlot(s)).toBe(want.length);
            expect(a.getKeysInSlot(s, 100).map((k) => Buffer.from(k).toString('latin1')).sort()).toEqual(want);
          }
          expect(a.store.size).toBe([...a.keyspace.entries()].length);
        }
      }),
      { numRuns: 150 },
    );
  });
});
