import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import fc from 'fast-check';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import { startPersistentRedisServer, startReplicatedRedisServer } from '../src/index.js';
import { commandName, lockstep } from './differential-harness.js';
import type { Step, StepResult } from './differential-harness.js';

/**
 * Commands both servers answer deterministically (no ids, times, addresses or hash-table order:
 * so no CLIENT LIST/ID, INFO sections, LASTSAVE, SMEMBERS, PUBSUB CHANNELS over several channels,
 * COMMAND LIST; no BGSAVE/BGREWRITEAOF whose replies race the fork; QUIT, SHUTDOWN and CLIENT
 * REPLY OFF/SKIP only in forms that answer).
 */
const DATA = [
  'SET k 1', 'GET k', 'INCR k', 'DEL k', 'LPUSH l a b', 'RPUSH l c', 'LRANGE l 0 -1', 'RPOP l', 'LPOP l', 'EXISTS k l', 'TYPE l',
  'MGET k l', 'SADD s x', 'SCARD s', 'ZADD z 1.5 a 2 b', 'ZRANGE z 0 -1 WITHSCORES', 'ZSCORE z a', 'HSET h f v', 'HGETALL h',
  'EXPIRE k 100', 'PERSIST k', 'FOO bar', 'GET',
  'SETBIT b 7 1', 'SETBIT k 3 0', 'GETBIT b 7', 'BITCOUNT b', 'BITPOS b 1', 'BITFIELD b INCRBY u8 0 1 GET i4 4', 'BITOP OR b b k', 'BITFIELD_RO l GET u8 0',
  'PFADD p a b c', 'PFADD p d', 'PFCOUNT p', 'PFCOUNT p k', 'PFMERGE p2 p', 'PFDEBUG TODENSE p2', 'PFDEBUG ENCODING p', 'GET p', 'PFADD k x',
  'GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania', 'GEOADD g XX CH 13.4 38.1 Palermo', 'GEOPOS g Palermo x', 'GEOHASH g Catania', 'GEODIST g Palermo Catania km', 'GEOSEARCH g FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST WITHCOORD WITHHASH ASC', 'GEORADIUS g 15 37 200 km STORE gd', 'GEOSEARCHSTORE gd g FROMMEMBER Palermo BYBOX 400 400 km STOREDIST', 'GEORADIUSBYMEMBER_RO g Catania 1 km COUNT 1', 'GEOADD k 1 2 m',
];
const SERVER = [
  'PING', 'PING hi', 'ECHO hi', 'SELECT 0', 'SELECT 1', 'SELECT 99', 'DBSIZE', 'FLUSHDB', 'FLUSHALL', 'SWAPDB 0 1',
  'WATCH k', 'WATCH l s', 'UNWATCH', 'MULTI', 'EXEC', 'DISCARD', 'RESET', 'AUTH x', 'AUTH a b', 'HELLO 4',
  'CLIENT SETNAME n1', 'CLIENT GETNAME', 'CLIENT NO-EVICT on', 'CLIENT REPLY on', 'CLIENT FOO', 'CLIENT KILL 1.2.3.4:5',
  'CONFIG GET maxmemory-policy', 'CONFIG GET hz', 'CONFIG GET save', 'CONFIG GET appendonly', 'CONFIG GET maxclients',
  'CONFIG GET client-output-buffer-limit', 'CONFIG GET nosuch', 'CONFIG SET hz 10', 'CONFIG SET hz abc', 'CONFIG SET nosuch 1',
  'CONFIG RESETSTAT', 'CONFIG REWRITE', 'CONFIG FOO', 'INFO nosuchsection',
  'COMMAND INFO subscribe psubscribe unsubscribe punsubscribe', 'COMMAND INFO echo select hello auth quit reset publish', 'COMMAND INFO nosuch',
  'COMMAND GETKEYS blpop a b 0', 'COMMAND GETKEYS blmpop 0 2 a b LEFT', 'COMMAND GETKEYS watch a b', 'COMMAND GETKEYS ping',
  'COMMAND GETKEYS bzmpop 1 2 a b MIN', 'COMMAND COUNT x', 'COMMAND HELP', 'COMMAND FOO',
  'SUBSCRIBE ch', 'SUBSCRIBE ch ch2', 'PSUBSCRIBE c*', 'UNSUBSCRIBE ch ch2', 'UNSUBSCRIBE ch', 'PUNSUBSCRIBE', 'PUBLISH ch m', 'PUBLISH ch2 m2',
  'PUBSUB NUMPAT', 'PUBSUB CHANNELS ch2', 'PUBSUB NUMSUB ch ch2', 'PUBSUB FOO',
  'BLPOP l 0.01', 'BRPOP l 0.01', 'BLMOVE l m LEFT RIGHT 0.01', 'BRPOPLPUSH l m 0.01', 'BLMPOP 0.01 2 m l RIGHT COUNT 2',
  'BZPOPMIN z 0.01', 'BZPOPMAX z 0.01', 'BZMPOP 0.01 1 z MAX',
  // debug.c: the whole dataset's digest (any divergence in any key shows), values, and the test replies.
  'DEBUG DIGEST', 'DEBUG DIGEST', 'DEBUG DIGEST-VALUE k l s z h b p p2 g gd m nosuch', 'DEBUG POPULATE 3 pop', 'DEBUG POPULATE 2 k 30',
  'DEBUG POPULATE -1', 'DEBUG PROTOCOL map', 'DEBUG PROTOCOL attrib', 'DEBUG PROTOCOL push', 'DEBUG PROTOCOL bignum', 'DEBUG PROTOCOL nope',
  'DEBUG ERROR boom', 'DEBUG SET-ACTIVE-EXPIRE 1',
  // HELP subcommands, sharded Pub/Sub introspection (no shard channel has subscribers), TIME's arity, COMMAND LIST filters with one answer.
  'CONFIG HELP', 'CONFIG HELP x', 'CLIENT HELP x', 'PUBSUB HELP', 'PUBSUB HELP x', 'PUBSUB SHARDCHANNELS', 'PUBSUB SHARDCHANNELS a b',
  'PUBSUB SHARDNUMSUB a b', 'PUBSUB CHANNELS a b', 'TIME x', 'COMMAND LIST FILTERBY PATTERN CONFIG|G*', 'COMMAND LIST FILTERBY MODULE x',
  'COMMAND LIST FILTERBY ACLCAT nosuch', 'COMMAND LIST FILTERBY pattern', 'COMMAND INFO config|help pubsub|help x|y config|nope',
  'COMMAND INFO get zunionstore georadius time lmpop config|get',
  // networking.c CLIENT PAUSE / UNPAUSE / UNBLOCK in their deterministic forms (PAUSE 0 pauses nothing; no id 999999 exists).
  'CLIENT PAUSE abc', 'CLIENT PAUSE -1', 'CLIENT PAUSE 10 foo', 'CLIENT PAUSE 10 write x', 'CLIENT PAUSE 0 ALL', 'CLIENT PAUSE 0 write',
  'CLIENT UNPAUSE', 'CLIENT UNPAUSE x', 'CLIENT UNBLOCK abc', 'CLIENT UNBLOCK 1 foo', 'CLIENT UNBLOCK 999999 ERROR', 'CLIENT UNBLOCK 1 timeout x',
  'COMMAND INFO client|pause client|unpause client|unblock',
];
const PERSISTENCE = ['SHUTDOWN FOO', 'SAVE', 'DEBUG SLEEP 0', 'DEBUG RELOAD', 'DEBUG FOO', 'LASTSAVE x', 'BGSAVE x', 'BGSAVE SCHEDULE x', 'BGREWRITEAOF x'];
const REPLICATION = [
  'ROLE', 'WAIT 0 0', 'WAIT 0', 'REPLICAOF NO ONE', 'SLAVEOF NO ONE', 'REPLCONF listening-port 6380',
  // The replication parameters (replication/config.ts): set, refused and read back; left at their defaults.
  'CONFIG GET repl-backlog-size', 'CONFIG SET repl-backlog-size 2mb', 'CONFIG SET repl-backlog-size 1kb', 'CONFIG GET repl-backlog-size',
  'CONFIG SET repl-backlog-size 1mb', 'CONFIG SET repl-timeout 0', 'CONFIG SET slave-priority 10', 'CONFIG GET replica-priority',
  'CONFIG SET replica-priority 100', 'CONFIG SET min-slaves-to-write x', 'CONFIG GET min-replicas-max-lag', 'CONFIG SET replica-read-only maybe',
  'CONFIG GET repl-ping-slave-period', 'CONFIG GET replicaof', 'CONFIG SET replicaof x', 'CONFIG GET repl-diskless-sync-delay',
];
/** Blocking pop on connection 0, the push that serves it on connection 1 (keys made fresh per step). */
const HANDOFFS: readonly (readonly [string, string])[] = [
  ['BLPOP K 1', 'RPUSH K v'], ['BRPOP K 1', 'LPUSH K v w'], ['BLMOVE K D RIGHT LEFT 1', 'RPUSH K v'], ['BRPOPLPUSH K D 1', 'RPUSH K v'],
  ['BLMPOP 1 1 K LEFT COUNT 3', 'RPUSH K a b'], ['BZPOPMIN K 1', 'ZADD K 1 a 2 b'], ['BZPOPMAX K 1', 'ZADD K 1 a'], ['BZMPOP 1 1 K MIN COUNT 2', 'ZADD K 3 c 1 a'],
];

/** Close a transaction the step left open (multi.c: MULTI nests as an error, EXEC/DISCARD/RESET end it). */
function closeMulti(cmds: string[], end: string): string[] {
  let inMulti = false;
  for (const c of cmds) {
    const w = commandName(c);
    if (w === 'MULTI') inMulti = true;
    else if (w === 'EXEC' || w === 'DISCARD' || w === 'RESET') inMulti = false;
  }
  return inMulti ? [...cmds, end] : cmds;
}

function script(pool: readonly string[]): fc.Arbitrary<Step[]> {
  const pipeline = fc
    .tuple(fc.constantFrom<0 | 1>(0, 1), fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 6 }), fc.constantFrom('EXEC', 'DISCARD'))
    .map(([conn, cmds, end]): Step => ({ kind: 'pipeline', conn, cmds: closeMulti(cmds, end) }));
  const handoff = fc.constantFrom(...HANDOFFS).map(([block, push]): Step => ({ kind: 'handoff', block, push }));
  return fc.array(fc.oneof({ weight: 12, arbitrary: pipeline }, { weight: 1, arbitrary: handoff }), { minLength: 20, maxLength: 40 });
}

describePeer('redis-server', 'differential: the same two-connection command streams to protolab-redis and redis-server 7.0.15 get the same bytes', () => {
  let real: PeerServer;
  let persistent: { port: number; close: () => Promise<void> };
  let replicated: { port: number; close: () => Promise<void> };
  let dir = '';
  beforeAll(async () => {
    real = await startServer({
      name: 'redis-server',
      command: 'redis-server',
      args: ({ port, dir: d }) => ['--port', String(port), '--dir', d, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'],
    });
    dir = mkdtempSync(join(tmpdir(), 'protolab-diff-'));
    persistent = await startPersistentRedisServer({ port: 0, persistence: { dir, save: [] } });
    replicated = await startReplicatedRedisServer({ port: 0, config: new Map([['save', '']]) });
  });
  afterAll(async () => {
    await real.stop();
    await persistent.close();
    await replicated.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('random pipelines of data, server, Pub/Sub, CONFIG, COMMAND, persistence and replication commands, MULTI/EXEC/WATCH and blocking pops across two connections: byte-identical replies (≥ 5,000 commands)', async () => {
    const counts = new Map<string, number>();
    const mismatches: StepResult[] = [];
    let handoffKey = 0;
    let run = 0;
    const count = (cmd: string): void => void counts.set(commandName(cmd), (counts.get(commandName(cmd)) ?? 0) + 1);
    await fc.assert(
      fc.asyncProperty(script([...DATA, ...SERVER]), async (steps0) => {
        const steps = steps0.map((s): Step => {
          if (s.kind === 'pipeline') return s;
          const k = `hand${++handoffKey}`;
          return { kind: 'handoff', block: s.block.replaceAll('K', k).replaceAll(' D', ` ${k}d`), push: s.push.replace('K', k) };
        });
        // Runs alternate between the persistent server and the replicated one; each sends its
        // unit's commands once, on connection 0 after the first step.
        const persist = run++ % 2 === 0;
        steps.splice(1, 0, { kind: 'pipeline', conn: 0, cmds: persist ? PERSISTENCE : REPLICATION });
        const ours = persist ? persistent.port : replicated.port;
        await lockstep([ours, real.port], [{ kind: 'pipeline', conn: 0, cmds: ['FLUSHALL'] }]);
        const results = await lockstep([ours, real.port], steps);
        const bad: StepResult[] = [];
        for (const r of results) {
          if (r.step.kind === 'pipeline') r.step.cmds.forEach(count);
          else [r.step.block, r.step.push].forEach(count);
          counts.set('PING (step marker)', (counts.get('PING (step marker)') ?? 0) + r.bytes.length);
          if (r.bytes.some(([a, b]) => a !== b)) bad.push(r);
        }
        mismatches.push(...bad);
        expect(bad.map((m) => ({ step: m.step, bytes: m.bytes }))).toEqual([]);
      }),
      { numRuns: 45, endOnFailure: true },
    );
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const table = [...counts].sort((a, b) => b[1] - a[1]).map(([n, c]) => `  ${n.padEnd(28)} ${c}`).join('\n');
    console.log(`differential: ${total} commands, ${mismatches.length} mismatches (${run} runs)\n${table}`);
    expect(total).toBeGreaterThanOrEqual(5000);
  });
});
