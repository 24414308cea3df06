/**
 * CLIENT UNBLOCK <id> [TIMEOUT|ERROR] of a client blocked in WAIT, side by side (redis/redis
 * src/networking.c clientCommand "unblock", src/blocked.c replyToBlockedClientTimedOut BLOCKED_WAIT,
 * src/replication.c waitCommand / unblockClientWaitingReplicas, 7.0): a real redis-server 7.0.15
 * master and a protolab master, each with one real redis-server 7.0.15 replica, run the same
 * script over two connections; after each step the bytes each connection received are recorded
 * and compared (WAIT inside MULTI/EXEC, which never blocks, included). Commands pipelined behind
 * a blocked WAIT, released by CLIENT UNBLOCK: wait-pipelined.peer.test.ts.
 */
import { expect, test } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { masterPairsForSuite, type Step as ScriptStep } from './connection-script.js';

/** A step: connection (a or w), commands (`$w` stands for w's CLIENT ID), then wait `ms`. */
type Step = ScriptStep<'a' | 'w'>;

const SCRIPT: readonly Step[] = [
  // One replica, which acks the SET: WAIT 2 blocks; unblocked it gets :1 (replicas acked so far).
  // No PING into the stream during the script (replicationCron, every repl-ping-replica-period
  // seconds): one fed just before the MULTI below would be in w's offset but not yet acked.
  ['w', ['CONFIG SET repl-ping-replica-period 3600', 'SET k v', 'WAIT 2 0'], 300],
  ['a', ['CLIENT UNBLOCK $w', 'CLIENT UNBLOCK $w']],
  ['w', ['SET k v2', 'WAIT 3 0'], 300],
  ['a', ['CLIENT UNBLOCK $w ERROR']],
  ['w', ['PING']],
  ['w', ['WAIT 2 100000'], 300],
  ['a', ['CLIENT UNBLOCK $w timeout']],
  // Enough replicas: WAIT answers at once and there is nothing to unblock.
  ['w', ['WAIT 1 0']],
  ['a', ['CLIENT UNBLOCK $w TIMEOUT', 'CLIENT UNBLOCK $w ERROR', 'CLIENT UNBLOCK 999999 ERROR']],
  // A WAIT whose own timeout fires first: :1 at the deadline, then CLIENT UNBLOCK finds nothing.
  ['w', ['WAIT 2 300'], 700],
  ['a', ['CLIENT UNBLOCK $w']],
  ['w', ['WAIT 5 0'], 300],
  // The wait lets the replica's once-a-second ACK cover the GETACK sent for WAIT 5 0, which w's
  // offset includes from its MULTI on (server.c processCommand sets c->woff after every command).
  ['a', ['CLIENT UNBLOCK $w eRRoR', 'INFO errorstats'], 1_100],
  // Inside MULTI/EXEC WAIT never blocks (waitCommand: CLIENT_MULTI): the count in EXEC's reply.
  ['w', ['MULTI', 'WAIT 2 0', 'EXEC'], 300],
  ['a', ['CLIENT UNBLOCK $w']],
];

describePeer('redis-server', 'CLIENT UNBLOCK of a client blocked in WAIT against redis-server 7.0.15', () => {
  const { scriptOnBoth } = masterPairsForSuite();

  test('the same script gives the same bytes to both connections at every step (the waiter\'s :<acked> or -UNBLOCKED, the caller\'s :1 / :0)', async () => {
    const { want, got } = await scriptOnBoth(['a', 'w'], SCRIPT);
    expect(got).toEqual(want);
    // The script did unblock WAITs on the real server: the waiter's count and the error.
    expect(want[1]).toBe('a ["CLIENT UNBLOCK $w","CLIENT UNBLOCK $w"] -> a: ":1\\r\\n:0\\r\\n" | w: ":1\\r\\n"');
    expect(want[3]).toContain('w: "-UNBLOCKED client unblocked via CLIENT UNBLOCK\\r\\n"');
    expect(want[12]).toContain('errorstat_UNBLOCKED:count=2');
    expect(want[13]).toContain('w: "+OK\\r\\n+QUEUED\\r\\n*1\\r\\n:1\\r\\n"');
  }, 60_000);
});
