/**
 * Commands pipelined behind a WAIT that blocks, side by side (redis/redis src/networking.c
 * processInputBuffer stops while CLIENT_BLOCKED; src/blocked.c unblockClient →
 * queueClientForReprocessing, processUnblockedClients in beforeSleep; src/replication.c
 * waitCommand / processClientsWaitingReplicas; 7.0): a real redis-server 7.0.15 master and a
 * protolab master, each with one real 7.0.15 replica, run the same script over two connections;
 * after each step the bytes each connection received are recorded and compared. One replica, so
 * `WAIT 2 …` always blocks: until its timeout (:1), CLIENT UNBLOCK (:1 or -UNBLOCKED), or the
 * connection closing. Every step's window ends well away from a WAIT deadline (this server checks
 * them every 100 ms, 7.0 within a few ms), so the steps see the same replies.
 */
import { expect, test } from 'vitest';
import { decodeAll, type RespValue } from '@protolab/resp';
import { describePeer } from '@protolab/testkit';
import { masterPairsForSuite, type Step as ScriptStep } from './connection-script.js';

/** A step: connection (a or w), commands (`$w` stands for w's CLIENT ID), then wait `ms`; `close` ends the connection after. */
type Step = ScriptStep<'a' | 'w'>;

const SCRIPT: readonly Step[] = [
  // No PING into the stream during the script (repl-ping-replica-period): the counts stay :1.
  // WAIT 2 300 blocks: the GET / SET / GET sent with it wait, a's GET sees the old value.
  ['w', ['CONFIG SET repl-ping-replica-period 3600', 'SET k 1', 'WAIT 2 300', 'GET k', 'SET k 2', 'GET k'], 100],
  ['a', ['GET k'], 500],
  // WAIT then a second WAIT: :1 at 200 ms, the second blocks in its turn (:1 at ~800 ms), then GET.
  ['w', ['WAIT 2 200', 'WAIT 2 600', 'GET k'], 450],
  ['a', ['GET k'], 700],
  // CLIENT UNBLOCK of the waiter releases what it pipelined, and what it sent while blocked.
  ['w', ['WAIT 2 0', 'INCR k']],
  ['w', ['INCR k', 'PING']],
  ['a', ['GET k', 'CLIENT UNBLOCK $w']],
  ['w', ['WAIT 2 0', 'INCR k']],
  ['a', ['CLIENT UNBLOCK $w ERROR']],
  // The connection closes while blocked: its SET never runs.
  ['w', ['WAIT 2 0', 'SET k after'], 150, 'close'],
  ['a', ['GET k']],
];

describePeer('redis-server', 'commands pipelined behind a blocked WAIT against redis-server 7.0.15', () => {
  const { scriptOnBoth } = masterPairsForSuite();

  test('the same script gives the same bytes to both connections at every step: nothing after a blocked WAIT runs before its answer, all of it right after', async () => {
    const { want, got } = await scriptOnBoth(['a', 'w'], SCRIPT);
    expect(got).toEqual(want);
    // What the real server did, pinned: held, then released in order.
    expect(want[0]).toBe('w ["CONFIG SET repl-ping-replica-period 3600","SET k 1","WAIT 2 300","GET k","SET k 2","GET k"] -> a: "" | w: "+OK\\r\\n+OK\\r\\n"');
    expect(want[1]).toBe('a ["GET k"] -> a: "$1\\r\\n1\\r\\n" | w: ":1\\r\\n$1\\r\\n1\\r\\n+OK\\r\\n$1\\r\\n2\\r\\n"');
    expect(want[2]).toContain('w: ":1\\r\\n"');
    expect(want[3]).toContain('w: ":1\\r\\n$1\\r\\n2\\r\\n"');
    expect(want[6]).toBe('a ["GET k","CLIENT UNBLOCK $w"] -> a: "$1\\r\\n2\\r\\n:1\\r\\n" | w: ":1\\r\\n:3\\r\\n:4\\r\\n+PONG\\r\\n"');
    expect(want[8]).toContain('w: "-UNBLOCKED client unblocked via CLIENT UNBLOCK\\r\\n:5\\r\\n"');
    expect(want[10]).toBe('a ["GET k"] -> a: "$1\\r\\n5\\r\\n" | w: ""');
  }, 60_000);

  test('a WAIT that blocked stays out of the slow log and the latency histogram on both (server.c call: CLIENT_BLOCKED), one that answers at once is in them', async () => {
    const script: readonly Step[] = [
      ['a', ['CONFIG SET slowlog-log-slower-than 0', 'SLOWLOG RESET', 'CONFIG RESETSTAT']],
      ['w', ['SET k v', 'WAIT 2 200', 'GET k', 'WAIT 0 0'], 500],
      ['a', ['SLOWLOG GET 20', 'INFO latencystats', 'CONFIG SET slowlog-log-slower-than 10000']],
    ];
    // The SET / GET / WAIT entries of the slow log (oldest first), and whether INFO latencystats has a wait line.
    const seen = (record: string[]): { log: string[]; waitLatency: boolean } => {
      const last = record[2] ?? '';
      const a = JSON.parse(last.slice(last.indexOf('a: ') + 3, last.indexOf(' | w: '))) as string;
      const [log, latency] = decodeAll(new TextEncoder().encode(a));
      const argv = (e: RespValue): string => (e.type === 'array' && e.value[3]?.type === 'array' ? e.value[3].value.map((x) => (x.type === 'bulk' ? new TextDecoder().decode(x.value) : '?')).join(' ') : '?');
      const entries = log?.type === 'array' ? log.value.map(argv).filter((x) => /^(SET|GET|WAIT) /.test(x)).reverse() : [];
      const text = latency?.type === 'bulk' ? new TextDecoder().decode(latency.value) : '';
      return { log: entries, waitLatency: text.includes('latency_percentiles_usec_wait:') };
    };
    const both = await scriptOnBoth(['a', 'w'], script);
    const want = seen(both.want);
    const got = seen(both.got);
    expect(want).toEqual({ log: ['SET k v', 'GET k', 'WAIT 0 0'], waitLatency: true });
    expect(got).toEqual(want);
  }, 30_000);
});
