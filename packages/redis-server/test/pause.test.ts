/**
 * CLIENT PAUSE / UNPAUSE / UNBLOCK on the virtual clock (src/pause.ts, src/client-unblock.ts).
 * Expected bytes are redis-server 7.0.15's (observed with the same requests); the test names in
 * quotes are redis/redis 7.0 tests/unit/pause.tcl and tests/unit/type/list.tcl cases.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { RedisServer } from '../src/index.js';
import type { ServerOutput } from '../src/index.js';
import { ReplPump, text } from './replication-pump.js';

function pausedHarness() {
  let now = 1_700_000_000_000;
  const srv = new RedisServer({ now: () => now });
  const byId = (out: ServerOutput[]): Map<number, string> => {
    const m = new Map<number, string>();
    for (const o of out) if (o.type === 'write') m.set(o.id, (m.get(o.id) ?? '') + Buffer.from(o.bytes).toString('latin1'));
    return m;
  };
  return {
    srv,
    advance(ms: number) {
      now += ms;
    },
    connect(...ids: number[]) {
      for (const id of ids) srv.connect(id);
    },
    /** What every connection got from this request of `id`. */
    send(id: number, request: string): Map<number, string> {
      return byId(srv.data(id, Buffer.from(request, 'latin1')));
    },
    tick(): Map<number, string> {
      return byId(srv.tick().outputs);
    },
    blockedClients(): string {
      const info = byId(srv.data(9, Buffer.from('INFO clients\r\n'))).get(9) ?? '';
      return /blocked_clients:(\d+)/.exec(info)?.[1] ?? '?';
    },
  };
}

describe('CLIENT PAUSE (networking.c pauseClients, server.c processCommand)', () => {
  test('argument errors answer as redis-server 7.0.15 (the mode is checked before the timeout)', () => {
    const h = pausedHarness();
    h.connect(1);
    expect(h.send(1, 'CLIENT PAUSE\r\nCLIENT PAUSE abc\r\nCLIENT PAUSE -1\r\nCLIENT PAUSE 10 foo\r\nCLIENT PAUSE -1 foo\r\nCLIENT PAUSE 1.5\r\nCLIENT PAUSE 10 write x\r\nCLIENT Pause 10 write x\r\nCLIENT UNPAUSE x\r\n').get(1)).toBe(
      "-ERR wrong number of arguments for 'client|pause' command\r\n-ERR timeout is not an integer or out of range\r\n-ERR timeout is negative\r\n" +
        '-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n-ERR timeout is not an integer or out of range\r\n' +
        "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n-ERR unknown subcommand or wrong number of arguments for 'Pause'. Try CLIENT HELP.\r\n" +
        "-ERR wrong number of arguments for 'client|unpause' command\r\n",
    );
    // 0 pauses nothing (the end is in the past at once); an end past int64 wraps and ends at once too (7.0 does not check).
    expect(h.send(1, 'CLIENT PAUSE 0 ALL\r\nGET x\r\nCLIENT PAUSE 9223372036854775807\r\nGET x\r\n').get(1)).toBe('+OK\r\n$-1\r\n+OK\r\n$-1\r\n');
    expect(h.srv.pause.type).toBe(0);
  });

  test('"Test read commands are not blocked by client pause"', () => {
    const h = pausedHarness();
    h.connect(1, 2, 9);
    expect(h.send(1, 'CLIENT PAUSE 100000000 WRITE\r\n').get(1)).toBe('+OK\r\n');
    expect(h.send(2, 'GET FOO\r\nPING\r\n').get(2)).toBe('$-1\r\n+PONG\r\n');
    expect(h.blockedClients()).toBe('0');
  });

  test('"Test write commands are paused by RO": SET waits for CLIENT UNPAUSE, GET still answers', () => {
    const h = pausedHarness();
    h.connect(1, 2, 3, 9);
    h.send(1, 'SET k v\r\nCLIENT PAUSE 100000000 WRITE\r\n');
    expect(h.send(2, 'SET k w\r\nGET k\r\n').get(2)).toBeUndefined();
    expect(h.send(3, 'GET k\r\n').get(3)).toBe('$1\r\nv\r\n');
    expect(h.blockedClients()).toBe('1');
    const out = h.send(1, 'CLIENT UNPAUSE\r\n');
    expect(out.get(1)).toBe('+OK\r\n');
    expect(out.get(2)).toBe('+OK\r\n$1\r\nw\r\n');
    expect(h.blockedClients()).toBe('0');
  });

  test('a WRITE pause ends by itself at its timeout, checked by serverCron (tick), not by the next command', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    h.send(1, 'CLIENT PAUSE 100 WRITE\r\n');
    h.advance(300);
    // processCommand does not look at the clock: the SET waits (7.0.15 with hz 1 answers it at the next cron).
    expect(h.send(2, 'SET k 1\r\n').get(2)).toBeUndefined();
    expect(h.tick().get(2)).toBe('+OK\r\n');
  });

  test('"Test special commands are paused by RO": PFCOUNT and PUBLISH (may_replicate) wait, MULTI/PING/EXEC does not', () => {
    const h = pausedHarness();
    h.connect(1, 2, 3, 4);
    h.send(1, 'PFADD pause-hll test\r\nCLIENT PAUSE 100000000 WRITE\r\n');
    expect(h.send(2, 'PFCOUNT pause-hll\r\n').get(2)).toBeUndefined();
    expect(h.send(3, 'PUBLISH ch m\r\n').get(3)).toBeUndefined();
    expect(h.send(4, 'MULTI\r\nPING\r\nEXEC\r\n').get(4)).toBe('+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n');
    const out = h.send(1, 'CLIENT UNPAUSE\r\n');
    expect(out.get(2)).toBe(':1\r\n');
    expect(out.get(3)).toBe(':0\r\n');
  });

  test('"Test write multi-execs are blocked by pause RO": a write waits before MULTI queues it (7.0.15)', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    h.send(1, 'CLIENT PAUSE 100000000 WRITE\r\n');
    expect(h.send(2, 'MULTI\r\nSET x 1\r\nEXEC\r\n').get(2)).toBe('+OK\r\n');
    expect(h.send(1, 'CLIENT UNPAUSE\r\n').get(2)).toBe('+QUEUED\r\n*1\r\n+OK\r\n');
  });

  test('"Test that client pause starts at the end of a transaction": writes queued before and after CLIENT PAUSE in one EXEC run', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    expect(h.send(1, 'MULTI\r\nSET FOO1 BAR\r\nCLIENT PAUSE 60000 WRITE\r\nSET FOO2 BAR\r\nEXEC\r\n').get(1)).toBe('+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+OK\r\n+OK\r\n+OK\r\n');
    expect(h.send(2, 'SET FOO3 BAR\r\n').get(2)).toBeUndefined();
    expect(h.send(1, 'GET FOO2\r\nCLIENT UNPAUSE\r\n').get(2)).toBe('+OK\r\n');
  });

  test('"Test clients with syntax errors will get responses immediately"', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    h.send(1, 'CLIENT PAUSE 100000 WRITE\r\n');
    expect(h.send(2, 'SET FOO\r\nNOSUCH x\r\n').get(2)).toBe("-ERR wrong number of arguments for 'set' command\r\n-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n");
  });

  test('"Test multiple clients can be queued up and unblocked": postponed clients resume in arrival order', () => {
    const h = pausedHarness();
    h.connect(1, 2, 3, 4, 9);
    h.send(1, 'CLIENT PAUSE 100000 WRITE\r\n');
    h.send(3, 'RPUSH l c3\r\n');
    h.send(2, 'RPUSH l c2\r\n');
    h.send(4, 'RPUSH l c4\r\n');
    expect(h.blockedClients()).toBe('3');
    const out = h.send(1, 'CLIENT UNPAUSE\r\nLRANGE l 0 -1\r\n');
    // LRANGE ran in 1's pipeline before the released clients (they run at beforeSleep).
    expect(out.get(1)).toBe('+OK\r\n*0\r\n');
    expect([out.get(3), out.get(2), out.get(4)]).toEqual([':1\r\n', ':2\r\n', ':3\r\n']);
    expect(h.send(1, 'LRANGE l 0 -1\r\n').get(1)).toBe('*3\r\n$2\r\nc3\r\n$2\r\nc2\r\n$2\r\nc4\r\n');
  });

  test('ALL postpones every command of a normal client, GET included, until the timeout', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    h.send(1, 'SET k v\r\nCLIENT PAUSE 1000 ALL\r\n');
    expect(h.send(2, 'GET k\r\n').get(2)).toBeUndefined();
    expect(h.send(1, 'PING\r\n').get(1)).toBeUndefined();
    h.advance(1000);
    expect(h.tick().size).toBe(0); // end == now: not over yet (end < mstime)
    h.advance(1);
    const out = h.tick();
    expect(out.get(2)).toBe('$1\r\nv\r\n');
    expect(out.get(1)).toBe('+PONG\r\n');
  });

  test('a second CLIENT PAUSE neither shortens nor weakens the first (max of type and end)', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    expect(h.send(1, 'MULTI\r\nCLIENT PAUSE 5000 ALL\r\nCLIENT PAUSE 10 WRITE\r\nEXEC\r\n').get(1)).toBe('+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n+OK\r\n');
    h.advance(11);
    expect(h.send(2, 'GET k\r\n').get(2)).toBeUndefined();
    expect(h.tick().get(2)).toBeUndefined();
    h.advance(4990);
    expect(h.tick().get(2)).toBe('$-1\r\n');
  });

  test('evict.c isSafeToPerformEvictions: no key is evicted while clients are paused, eviction resumes after', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    for (let i = 0; i < 50; i++) h.send(1, `SET key:${i} ${'x'.repeat(100)}\r\n`);
    h.send(1, 'CONFIG SET maxmemory-policy allkeys-lru\r\nCLIENT PAUSE 100000 WRITE\r\n');
    expect(h.send(1, 'CONFIG SET maxmemory 1\r\nGET key:1\r\nDBSIZE\r\n').get(1)).toBe(`+OK\r\n$100\r\n${'x'.repeat(100)}\r\n:50\r\n`);
    expect(h.send(1, 'INFO stats\r\n').get(1)).toContain('evicted_keys:0\r\n');
    h.send(1, 'CLIENT UNPAUSE\r\n');
    expect(h.send(1, 'GET key:1\r\nDBSIZE\r\n').get(1)).toBe('$-1\r\n:0\r\n');
    expect(h.send(1, 'INFO stats\r\n').get(1)).toContain('evicted_keys:50\r\n');
  });

  test('"Test both active and passive expires are skipped during client pause"', () => {
    const h = pausedHarness();
    h.connect(1);
    const expired = (): number => Number(/expired_keys:(\d+)/.exec(h.send(1, 'INFO stats\r\n').get(1) ?? '')?.[1]);
    const before = expired();
    h.send(1, 'MULTI\r\nSET foo{t} bar{t} PX 10\r\nSET bar{t} foo{t} PX 10\r\nCLIENT PAUSE 50000 WRITE\r\nEXEC\r\n');
    h.advance(20);
    for (let i = 0; i < 5; i++) h.tick();
    expect(h.send(1, 'GET foo{t}\r\nGET bar{t}\r\nEXISTS foo{t}\r\nDBSIZE\r\n').get(1)).toBe('$-1\r\n$-1\r\n:0\r\n:2\r\n');
    expect(expired()).toBe(before);
    h.send(1, 'CLIENT UNPAUSE\r\n');
    h.send(1, 'GET foo{t}\r\nGET bar{t}\r\n');
    expect(expired()).toBe(before + 2);
    expect(h.send(1, 'DBSIZE\r\n').get(1)).toBe(':0\r\n');
  });

  test('property: any interleaving of writers during a WRITE pause gets every reply, in each client\'s order, only after UNPAUSE', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2, max: 5 }), { minLength: 1, maxLength: 20 }), (senders) => {
        const h = pausedHarness();
        h.connect(1, 2, 3, 4, 5);
        h.send(1, 'CLIENT PAUSE 100000 WRITE\r\n');
        for (const s of senders) if (h.send(s, `INCR c${s}\r\n`).get(s) !== undefined) return false;
        const out = h.send(1, 'CLIENT UNPAUSE\r\n');
        for (const s of new Set(senders)) {
          const n = senders.filter((x) => x === s).length;
          const want = Array.from({ length: n }, (_, i) => `:${i + 1}\r\n`).join('');
          if (out.get(s) !== want) return false;
        }
        return true;
      }),
    );
  });
});

describe('CLIENT UNBLOCK (networking.c clientCommand, blocked.c replyToBlockedClientTimedOut)', () => {
  test('argument errors and :0 answer as redis-server 7.0.15 (the reason is checked before the id)', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    expect(h.send(1, 'CLIENT UNBLOCK\r\nCLIENT UNBLOCK abc\r\nCLIENT UNBLOCK 1 foo\r\nCLIENT UNBLOCK abc foo\r\nCLIENT UNBLOCK -5\r\nCLIENT UNBLOCK 99999 error\r\nCLIENT UNBLOCK 1 timeout x\r\nCLIENT UNBLOCK 2\r\n').get(1)).toBe(
      "-ERR wrong number of arguments for 'client|unblock' command\r\n-ERR value is not an integer or out of range\r\n" +
        '-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n:0\r\n:0\r\n' +
        "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n:0\r\n",
    );
  });

  test('"CLIENT UNBLOCK ... TIMEOUT": a blocked BLPOP answers as its timeout (null array), its next command runs', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    expect(h.send(2, 'BLPOP l 0\r\nPING\r\n').get(2)).toBeUndefined();
    const out = h.send(1, 'CLIENT UNBLOCK 2 TIMEOUT\r\nCLIENT UNBLOCK 2\r\n');
    expect(out.get(1)).toBe(':1\r\n:0\r\n');
    expect(out.get(2)).toBe('*-1\r\n+PONG\r\n');
    h.send(2, 'HELLO 3\r\n');
    h.send(2, 'BRPOP l 0\r\n');
    expect(h.send(1, 'CLIENT UNBLOCK 2\r\n').get(2)).toBe('_\r\n');
  });

  test('"CLIENT UNBLOCK ... ERROR": -UNBLOCKED client unblocked via CLIENT UNBLOCK (BZPOPMIN too)', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    h.send(2, 'BZPOPMIN z 0\r\n');
    const out = h.send(1, 'CLIENT UNBLOCK 2 ERROR\r\n');
    expect(out.get(1)).toBe(':1\r\n');
    expect(out.get(2)).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(h.send(1, 'ZADD z 1 a\r\nZCARD z\r\n').get(1)).toBe(':1\r\n:1\r\n');
  });

  test('a client postponed by CLIENT PAUSE: ERROR answers -UNBLOCKED and its command still runs after the pause (7.0.15); TIMEOUT :0', () => {
    const h = pausedHarness();
    h.connect(1, 2);
    h.send(1, 'CLIENT PAUSE 100000 WRITE\r\n');
    expect(h.send(2, 'SET k z\r\nGET k\r\n').get(2)).toBeUndefined();
    expect(h.send(1, 'CLIENT UNBLOCK 2 TIMEOUT\r\n').get(1)).toBe(':0\r\n');
    const out = h.send(1, 'CLIENT UNBLOCK 2 ERROR\r\n');
    expect(out.get(1)).toBe(':1\r\n');
    expect(out.get(2)).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    expect(h.send(1, 'CLIENT UNPAUSE\r\n').get(2)).toBe('+OK\r\n$1\r\nz\r\n');
  });

  test('list.tcl "client unblock tests" (BLPOP and BLMPOP RIGHT): default args and TIMEOUT answer nil, ERROR -UNBLOCKED', () => {
    for (const pop of ['BLPOP l 0', 'BLMPOP 0 1 l RIGHT']) {
      const h = pausedHarness();
      h.connect(1, 2);
      h.send(1, 'DEL l\r\n');
      h.send(2, `${pop}\r\n`);
      expect(h.send(1, 'CLIENT UNBLOCK 2\r\n').get(2)).toBe('*-1\r\n');
      h.send(2, `${pop}\r\n`);
      expect(h.send(1, 'CLIENT UNBLOCK 2 TIMEOUT\r\n').get(2)).toBe('*-1\r\n');
      h.send(2, `${pop}\r\n`);
      expect(h.send(1, 'CLIENT UNBLOCK 2 ERROR\r\n').get(2)).toBe('-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
      expect(h.send(2, 'PING\r\n').get(2)).toBe('+PONG\r\n');
    }
  });

  test('CLIENT HELP lists PAUSE, UNPAUSE and UNBLOCK where 7.0.15 does', () => {
    const h = pausedHarness();
    h.connect(1);
    const help = h.send(1, 'CLIENT HELP\r\n').get(1) ?? '';
    expect(help).toContain('+LIST [options ...]\r\n+    Return information about client connections. Options:\r\n+    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)\r\n+      Return clients of specified type.\r\n+UNPAUSE\r\n+    Stop the current client pause, resuming traffic.\r\n+PAUSE <timeout> [WRITE|ALL]\r\n+    Suspend all, or just write, clients for <timeout> milliseconds.\r\n+REPLY (ON|OFF|SKIP)\r\n');
    expect(help).toContain('+SETNAME <name>\r\n+    Assign the name <name> to the current connection.\r\n+UNBLOCK <clientid> [TIMEOUT|ERROR]\r\n+    Unblock the specified blocked client.\r\n+NO-EVICT (ON|OFF)\r\n');
  });
});

describe('CLIENT PAUSE and replication (server.c processCommand: CLIENT_SLAVE is never paused)', () => {
  test('under CLIENT PAUSE ALL a replica\'s connection is not postponed: its REPLCONF ACKs keep running', () => {
    const net = new ReplPump();
    const m = net.add(6379, {});
    net.add(6380, {});
    net.client(6380).send('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    const c = net.client(6379);
    c.send('SET', 'k', 'v');
    expect(text(c.send('CLIENT', 'PAUSE', '100000', 'ALL')[0])).toBe('OK');
    net.advance(3000);
    expect(m.srv.pause.type).toBe(2);
    expect(m.srv.pause.postponedClients.size).toBe(0);
    // A normal client waits.
    expect(net.client(6379).send('GET', 'k')).toEqual([]);
    expect(m.srv.pause.postponedClients.size).toBe(1);
  });
});
