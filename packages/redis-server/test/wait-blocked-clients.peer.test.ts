/**
 * INFO clients and CLIENT LIST while clients are blocked in WAIT (and in BLPOP), side by side
 * (redis/redis src/blocked.c blockClient / unblockClient, src/timeout.c addClientToTimeoutTable,
 * src/networking.c catClientInfoString, src/server.c genRedisInfoString "clients", 7.0): a real
 * redis-server 7.0.15 master and a protolab master, each with one real 7.0.15 replica, run the
 * same script over four connections (a looks, w1 / w2 wait, b pops). After each step the bytes
 * each connection received are recorded, with a's INFO clients cut to its blocked_clients and
 * clients_in_timeout_table lines and its CLIENT LIST cut to the script's connections, fields that
 * differ between runs or by design masked (id → the connection's name; addr, laddr, fd, age, idle,
 * qbuf, qbuf-free, argv-mem, rbs, rbp, tot-mem: see client-command.ts; obl / oll / omem too, since
 * this server counts a pending reply in omem where 7.0 has it in the 16 KB static buffer, obl).
 * The replica's own line is left out. Commands pipelined behind a blocked WAIT: wait-pipelined.peer.test.ts.
 */
import { expect, test } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { masterPairsForSuite, type Step as ScriptStep } from './connection-script.js';

const NAMES = ['a', 'w1', 'w2', 'b'] as const;
type Name = (typeof NAMES)[number];

/** A step: connection, commands (`$w1` … stand for that connection's CLIENT ID), then wait `ms`; `close` ends the connection after. */
type Step = ScriptStep<Name>;

const LOOK = ['INFO clients', 'CLIENT LIST'];
const SCRIPT: readonly Step[] = [
  ['a', LOOK],
  // BLPOP with timeout 0: blocked, not in the timeout table.
  ['b', ['BLPOP nokey 0']],
  ['a', LOOK],
  // One replica, which acks the SET: WAIT 2 0 blocks (no timeout), WAIT 2 100000 blocks with one.
  // No PING into the stream during the script (replicationCron, every repl-ping-replica-period
  // seconds): one fed just before w2's MULTI below would be in its offset but not yet acked.
  ['w1', ['CONFIG SET repl-ping-replica-period 3600', 'SET k v', 'WAIT 2 0'], 300],
  ['w2', ['WAIT 2 100000'], 300],
  ['a', LOOK],
  ['a', ['CLIENT UNBLOCK $w2', ...LOOK]],
  // A WAIT whose timeout fires: counted while it waits, not after.
  ['w2', ['WAIT 3 400'], 150],
  ['a', LOOK, 500],
  ['a', LOOK],
  // The BLPOP served (its client's `u` lasts until beforeSleep, so it is looked at in a later step).
  ['a', ['RPUSH nokey x']],
  ['a', LOOK],
  // The first WAIT unblocked with an error: flag u (CLIENT_UNBLOCKED) in the same pipeline.
  // The wait after it lets the replica's once-a-second ACK cover the RPUSH and the GETACKs, which
  // w2's offset includes from its MULTI on (server.c processCommand sets c->woff after every
  // command): without it the EXEC below answers :0 or :1 by when each replica's ACK falls.
  ['a', ['CLIENT UNBLOCK $w1 ERROR', ...LOOK], 1_300],
  // Inside MULTI/EXEC WAIT never blocks.
  ['w2', ['MULTI', 'WAIT 2 0', 'EXEC'], 300],
  ['a', LOOK],
  // A waiter that disconnects.
  ['w1', ['WAIT 2 0'], 300, 'close'],
  ['a', LOOK],
];

const MASKED = new Set(['addr', 'laddr', 'fd', 'age', 'idle', 'qbuf', 'qbuf-free', 'argv-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem']);

/** One RESP bulk reply's body at the start of `s` and what follows it, or undefined if `s` is not one. */
function takeBulk(s: string): [string, string] | undefined {
  const m = /^\$(\d+)\r\n/.exec(s);
  if (m === null) return undefined;
  const start = m[0].length;
  const len = Number(m[1]);
  return [s.slice(start, start + len), s.slice(start + len + 2)];
}

/** a's replies cut down: INFO clients to two lines, CLIENT LIST to the script's connections, masked. */
function cut(got: string, ids: ReadonlyMap<string, Name>): string {
  const parts: string[] = [];
  let rest = got;
  while (rest.length > 0) {
    const bulk = takeBulk(rest);
    if (bulk === undefined) {
      const end = rest.indexOf('\r\n');
      parts.push(rest.slice(0, end + 2));
      rest = rest.slice(end + 2);
      continue;
    }
    const [body, after] = bulk;
    rest = after;
    if (body.startsWith('# Clients')) {
      parts.push(body.split('\r\n').filter((l) => /^(blocked_clients|clients_in_timeout_table):/.test(l)).join(' '));
      continue;
    }
    const lines = body.split('\n').filter((l) => l !== '');
    const kept = lines.flatMap((l) => {
      const id = /^id=(\d+) /.exec(l)?.[1] ?? '';
      const name = ids.get(id);
      if (name === undefined) return [];
      return [l.split(' ').map((f) => {
        const k = f.slice(0, f.indexOf('='));
        return k === 'id' ? `id=${name}` : MASKED.has(k) ? `${k}=*` : f;
      }).join(' ')];
    });
    parts.push(`[${kept.join('\n')}]`);
  }
  return parts.join('');
}

describePeer('redis-server', 'INFO blocked_clients and CLIENT LIST flags of clients blocked in WAIT against redis-server 7.0.15', () => {
  const { scriptOnBoth } = masterPairsForSuite();

  test('the same script gives the same (masked) INFO clients lines, CLIENT LIST lines and replies at every step', async () => {
    const show = (who: Name, got: string, ids: ReadonlyMap<string, Name>): string => (who === 'a' ? cut(got, ids) : got);
    const { want, got } = await scriptOnBoth(NAMES, SCRIPT, show);
    expect(got).toEqual(want);
    // The real server did count the WAITs: BLPOP 0 alone, then both WAITs (one with a timeout).
    expect(want[2]).toContain('blocked_clients:1 clients_in_timeout_table:0');
    expect(want[5]).toContain('blocked_clients:3 clients_in_timeout_table:1');
    expect(want[5]).toMatch(/id=w1 \S+ \S+ \S+ name= \S+ \S+ flags=b .* cmd=wait /);
    expect(want[12]).toMatch(/id=w1 \S+ \S+ \S+ name= \S+ \S+ flags=u /);
    expect(want[16]).toContain('blocked_clients:0 clients_in_timeout_table:0');
  }, 60_000);
});
