import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { encode, encodeMany, type RespValue } from '@protolab/resp';
import {
  newSentinelClient, sentinelDispatch, sentinelEventMessage, SentinelNode, stringmatch,
  type InfoReply, type SentinelContext,
} from '../src/index.js';

/**
 * The SENTINEL command layer as a function from argv to replies. Expected wire bytes and field
 * lists below were read from redis-sentinel 7.0.15 (a master on 127.0.0.1, one replica, a second
 * sentinel) with a raw socket; see test/sentinel-server.peer.test.ts for the live comparison.
 */
const M = '127.0.0.1:16400';
const R = '127.0.0.1:16401';

function core(): SentinelNode {
  const n = new SentinelNode('127.0.0.1:26400', 'a'.repeat(40), { masterName: 'mymaster', masterAddr: M, quorum: 2, downAfterMs: 2000, failoverTimeoutMs: 10000 }, () => 0);
  const info = (over: Partial<InfoReply>): InfoReply => ({ runid: 'r'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: [], master_link_down_time: 0, ...over });
  n.onMessage(M, { type: 'INFO_REPLY', info: info({ runid: 'm'.repeat(40), slaves: [R] }) }, 1000);
  n.onMessage(R, { type: 'INFO_REPLY', info: info({ runid: 's'.repeat(40), role: 'slave', master_host: M, slave_repl_offset: 291 }) }, 1000);
  n.onMessage('127.0.0.1:26401', { type: 'HELLO', hello: { sentinel: '127.0.0.1:26401', runid: 'b'.repeat(40), current_epoch: 0, master_name: 'mymaster', master_addr: M, master_config_epoch: 0 } }, 1000);
  return n;
}

function ctx(n = core(), nowMs = 1500): SentinelContext {
  return {
    core: n,
    nowMs,
    process: { run_id: 'c'.repeat(40), tcp_port: 26400, process_id: 1, started_ms: 0, os: 'Linux', executable: '', config_file: '', connected_clients: () => 1 },
  };
}

const wire = (v: RespValue | RespValue[], protocol: 2 | 3 = 2): string => Buffer.from(Array.isArray(v) ? encodeMany(v, { protocol }) : encode(v, { protocol })).toString('latin1');
const run = (c: SentinelContext, ...cmd: string[]): string => wire(sentinelDispatch(c, newSentinelClient(7), cmd));

/** The field names of a row, in order (a RESP2 flat array or a RESP3 map). */
function fieldNames(v: RespValue | undefined): string[] {
  if (v?.type !== 'map') return [];
  return v.value.map(([k]) => (k.type === 'bulk' ? Buffer.from(k.value).toString() : '?'));
}

describe('sentinel.c addReplySentinelRedisInstance: the rows, field by field, as redis-sentinel 7.0.15 writes them', () => {
  test('SENTINEL master <name> of a healthy master', () => {
    const [row] = sentinelDispatch(ctx(), newSentinelClient(1), ['SENTINEL', 'master', 'mymaster']);
    expect(fieldNames(row)).toEqual([
      'name', 'ip', 'port', 'runid', 'flags', 'link-pending-commands', 'link-refcount', 'last-ping-sent', 'last-ok-ping-reply',
      'last-ping-reply', 'down-after-milliseconds', 'info-refresh', 'role-reported', 'role-reported-time', 'config-epoch',
      'num-slaves', 'num-other-sentinels', 'quorum', 'failover-timeout', 'parallel-syncs',
    ]);
    expect(run(ctx(), 'SENTINEL', 'master', 'mymaster')).toMatch(/^\*40\r\n\$4\r\nname\r\n\$8\r\nmymaster\r\n\$2\r\nip\r\n\$9\r\n127\.0\.0\.1\r\n\$4\r\nport\r\n\$5\r\n16400\r\n\$5\r\nrunid\r\n\$40\r\nm{40}\r\n\$5\r\nflags\r\n\$6\r\nmaster\r\n/);
  });

  test('SENTINEL replicas <name>: one row per replica, with the replica fields after role-reported-time', () => {
    const [rows] = sentinelDispatch(ctx(), newSentinelClient(1), ['SENTINEL', 'replicas', 'mymaster']);
    expect(rows?.type === 'array' ? rows.value.length : -1).toBe(1);
    const row = rows?.type === 'array' ? rows.value[0] : undefined;
    expect(fieldNames(row)).toEqual([
      'name', 'ip', 'port', 'runid', 'flags', 'link-pending-commands', 'link-refcount', 'last-ping-sent', 'last-ok-ping-reply',
      'last-ping-reply', 'down-after-milliseconds', 'info-refresh', 'role-reported', 'role-reported-time', 'master-link-down-time',
      'master-link-status', 'master-host', 'master-port', 'slave-priority', 'slave-repl-offset', 'replica-announced',
    ]);
    expect(run(ctx(), 'SENTINEL', 'slaves', 'mymaster')).toContain('$4\r\nname\r\n$15\r\n127.0.0.1:16401\r\n');
    expect(run(ctx(), 'SENTINEL', 'slaves', 'mymaster')).toContain('$17\r\nslave-repl-offset\r\n$3\r\n291\r\n');
  });

  test('SENTINEL sentinels <name>: another sentinel is named by its run id', () => {
    const [rows] = sentinelDispatch(ctx(), newSentinelClient(1), ['SENTINEL', 'sentinels', 'mymaster']);
    const row = rows?.type === 'array' ? rows.value[0] : undefined;
    expect(fieldNames(row)).toEqual([
      'name', 'ip', 'port', 'runid', 'flags', 'link-pending-commands', 'link-refcount', 'last-ping-sent', 'last-ok-ping-reply',
      'last-ping-reply', 'down-after-milliseconds', 'last-hello-message', 'voted-leader', 'voted-leader-epoch',
    ]);
    expect(run(ctx(), 'SENTINEL', 'sentinels', 'mymaster')).toContain(`$4\r\nname\r\n$40\r\n${'b'.repeat(40)}\r\n$2\r\nip\r\n$9\r\n127.0.0.1\r\n$4\r\nport\r\n$5\r\n26401\r\n`);
  });

  test('a master in SDOWN with a fail-over running shows s_down, failover_in_progress, failover-state and s-down-time', () => {
    const n = core();
    for (let t = 0; t < 5000; t += 1000) n.tick(t); // the timer runs (a gap over 2 s would be TILT)
    n.onMessage(R, { type: 'PONG' }, 5000); // the replica answers (else it would be S_DOWN too, and not selectable)
    n.tick(5000); // no PONG from the master since t=0 and down-after 2000: +sdown
    n.onMessage(R, { type: 'INFO_REPLY', info: { runid: 's'.repeat(40), role: 'slave', master_host: M, slave_repl_offset: 291, slave_priority: 100, slaves: [], master_link_down_time: 0 } }, 5000);
    expect(n.failover(5000)).toBe('OK');
    const [row] = sentinelDispatch(ctx(n, 5100), newSentinelClient(1), ['SENTINEL', 'master', 'mymaster']);
    const names = fieldNames(row);
    expect(names.slice(5, 12)).toEqual(['link-pending-commands', 'link-refcount', 'failover-state', 'last-ping-sent', 'last-ok-ping-reply', 'last-ping-reply', 's-down-time']);
    expect(run(ctx(n, 5100), 'SENTINEL', 'master', 'mymaster')).toContain('$5\r\nflags\r\n$49\r\ns_down,master,failover_in_progress,force_failover\r\n');
    expect(run(ctx(n, 5100), 'SENTINEL', 'master', 'mymaster')).toContain('$14\r\nfailover-state\r\n$10\r\nwait_start\r\n');
  });
});

describe('sentinel.c sentinelCommand: the other subcommands, byte for byte as 7.0.15 answers', () => {
  test('get-master-addr-by-name: ip and port as bulks, a null array for an unknown name', () => {
    expect(run(ctx(), 'SENTINEL', 'get-master-addr-by-name', 'mymaster')).toBe('*2\r\n$9\r\n127.0.0.1\r\n$5\r\n16400\r\n');
    expect(run(ctx(), 'SENTINEL', 'get-master-addr-by-name', 'nope')).toBe('*-1\r\n');
  });

  test('myid, ckquorum, ROLE, PING', () => {
    expect(run(ctx(), 'SENTINEL', 'myid')).toBe(`$40\r\n${'a'.repeat(40)}\r\n`);
    expect(run(ctx(), 'SENTINEL', 'ckquorum', 'mymaster')).toBe('+OK 2 usable Sentinels. Quorum and failover authorization can be reached\r\n');
    expect(run(ctx(), 'ROLE')).toBe('*2\r\n$8\r\nsentinel\r\n*1\r\n$8\r\nmymaster\r\n');
    expect(run(ctx(), 'PING')).toBe('+PONG\r\n');
    expect(run(ctx(), 'PING', 'hi')).toBe('$2\r\nhi\r\n');
  });

  test('is-master-down-by-addr: `*3 :down $leader :epoch`, and a vote is given once per epoch', () => {
    const c = ctx();
    expect(run(c, 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', '16400', '0', '*')).toBe('*3\r\n:0\r\n$1\r\n*\r\n:0\r\n');
    expect(run(c, 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', '16400', '5', 'abcdef')).toBe('*3\r\n:0\r\n$6\r\nabcdef\r\n:5\r\n');
    // Same epoch, another candidate: the vote already given is repeated.
    expect(run(c, 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', '16400', '5', 'ffffff')).toBe('*3\r\n:0\r\n$6\r\nabcdef\r\n:5\r\n');
    expect(run(c, 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', '1', '5', 'abcdef')).toBe('*3\r\n:0\r\n$1\r\n*\r\n:0\r\n');
    expect(run(c, 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', 'x', '5', 'abcdef')).toBe('-ERR value is not an integer or out of range\r\n');
  });

  test('errors: unknown command, unknown subcommand, arity, unknown master', () => {
    expect(run(ctx(), 'FOO', 'bar')).toBe("-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n");
    expect(run(ctx(), 'SET', 'x', 'y')).toBe("-ERR unknown command 'SET', with args beginning with: 'x' 'y' \r\n");
    expect(run(ctx(), 'SENTINEL')).toBe("-ERR wrong number of arguments for 'sentinel' command\r\n");
    expect(run(ctx(), 'SENTINEL', 'foo')).toBe("-ERR unknown subcommand 'foo'. Try SENTINEL HELP.\r\n");
    expect(run(ctx(), 'SENTINEL', 'master', 'a', 'b')).toBe("-ERR wrong number of arguments for 'sentinel|master' command\r\n");
    expect(run(ctx(), 'SENTINEL', 'myid', 'x')).toBe("-ERR wrong number of arguments for 'sentinel|myid' command\r\n");
    expect(run(ctx(), 'SENTINEL', 'is-master-down-by-addr', '127.0.0.1', '16400')).toBe("-ERR wrong number of arguments for 'sentinel|is-master-down-by-addr' command\r\n");
    expect(run(ctx(), 'PING', 'a', 'b')).toBe("-ERR wrong number of arguments for 'ping' command\r\n");
    expect(run(ctx(), 'ROLE', 'x')).toBe("-ERR wrong number of arguments for 'role' command\r\n");
    expect(run(ctx(), 'SENTINEL', 'master', 'nope')).toBe('-ERR No such master with that name\r\n');
    expect(run(ctx(), 'SENTINEL', 'failover', 'nope')).toBe('-ERR No such master with that name\r\n');
    expect(run(ctx(), 'PUBLISH', 'a', 'b')).toBe('-ERR Only HELLO messages are accepted by Sentinel instances.\r\n');
    expect(run(ctx(), 'SUBSCRIBE')).toBe("-ERR wrong number of arguments for 'subscribe' command\r\n");
  });

  test('CLIENT SETNAME / GETNAME / ID and HELLO, one client', () => {
    const c = ctx();
    const cl = newSentinelClient(47);
    const say = (...cmd: string[]): string => wire(sentinelDispatch(c, cl, cmd), cl.resp);
    expect(say('CLIENT', 'SETNAME', 'abc') + say('CLIENT', 'GETNAME') + say('CLIENT', 'ID')).toBe('+OK\r\n$3\r\nabc\r\n:47\r\n');
    expect(say('CLIENT', 'foo')).toBe("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
    expect(say('CLIENT', 'SETNAME', 'a b')).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    expect(say('HELLO', '4')).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(say('HELLO', '3')).toBe('%6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:47\r\n$4\r\nmode\r\n$8\r\nsentinel\r\n$7\r\nmodules\r\n*0\r\n');
    expect(say('SENTINEL', 'get-master-addr-by-name', 'nope')).toBe('_\r\n');
  });
});

describe('pubsub.c in sentinel mode', () => {
  test('a RESP2 subscriber may only (un)subscribe and PING, which answers `pong` and its argument', () => {
    const c = ctx();
    const cl = newSentinelClient(1);
    const say = (...cmd: string[]): string => wire(sentinelDispatch(c, cl, cmd));
    expect(say('SUBSCRIBE', '+switch-master', '+sdown')).toBe('*3\r\n$9\r\nsubscribe\r\n$14\r\n+switch-master\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$6\r\n+sdown\r\n:2\r\n');
    expect(say('PING')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n');
    expect(say('SENTINEL', 'myid')).toBe("-ERR Can't execute 'sentinel|myid': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
    expect(say('INFO', 'sentinel')).toBe("-ERR Can't execute 'info': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
    expect(say('UNSUBSCRIBE', '+sdown')).toBe('*3\r\n$11\r\nunsubscribe\r\n$6\r\n+sdown\r\n:1\r\n');
    say('UNSUBSCRIBE');
    expect(say('UNSUBSCRIBE')).toBe('*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n');
    expect(say('PING')).toBe('+PONG\r\n');
  });

  test('sentinelEvent messages: %@ is `<type> <name> <ip> <port>`, with `@ <master> <ip> <port>` for replicas and sentinels', () => {
    const n = core();
    expect(sentinelEventMessage(n, `+sdown master mymaster ${M}`)).toEqual({ channel: '+sdown', message: 'master mymaster 127.0.0.1 16400' });
    expect(sentinelEventMessage(n, `+odown master mymaster ${M} #quorum 2/2`)).toEqual({ channel: '+odown', message: 'master mymaster 127.0.0.1 16400 #quorum 2/2' });
    expect(sentinelEventMessage(n, `+slave slave ${R}`)).toEqual({ channel: '+slave', message: 'slave 127.0.0.1:16401 127.0.0.1 16401 @ mymaster 127.0.0.1 16400' });
    expect(sentinelEventMessage(n, '+sentinel sentinel 127.0.0.1:26401')).toEqual({ channel: '+sentinel', message: `sentinel ${'b'.repeat(40)} 127.0.0.1 26401 @ mymaster 127.0.0.1 16400` });
    expect(sentinelEventMessage(n, `+switch-master mymaster ${M} ${R}`)).toEqual({ channel: '+switch-master', message: 'mymaster 127.0.0.1 16400 127.0.0.1 16401' });
    expect(sentinelEventMessage(n, '+new-epoch 3')).toEqual({ channel: '+new-epoch', message: '3' });
  });

  test('util.c stringmatchlen: a pattern that escapes every character of a string matches that string and no other', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (s, t) => {
        const escaped = Array.from({ length: s.length }, (_, i) => `\\${s.charAt(i)}`).join('');
        expect(stringmatch(escaped, s)).toBe(true);
        expect(stringmatch(escaped, t)).toBe(s === t);
        expect(stringmatch('*', t)).toBe(true);
        expect(stringmatch(`*${escaped}*`, t)).toBe(t.includes(s));
      }),
    );
    expect(stringmatch('+s?own', '+sdown')).toBe(true);
    expect(stringmatch('+[a-f]down', '+sdown')).toBe(false);
    expect(stringmatch('+[^a-f]down', '+sdown')).toBe(true);
  });
});

describe('the command layer never throws on bad input', () => {
  test('any argv of up to 7 words, in either protocol, gets replies that encode', () => {
    const words = fc.oneof(
      fc.constantFrom('SENTINEL', 'sentinel', 'master', 'replicas', 'sentinels', 'mymaster', 'is-master-down-by-addr', 'ckquorum', 'failover', 'INFO', 'HELLO', '3', '2', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PSUBSCRIBE', 'PING', 'CLIENT', 'SETNAME', 'PUBLISH', '__sentinel__:hello', '127.0.0.1', '16400', '*', 'QUIT'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(words, { maxLength: 7 }), { maxLength: 6 }), (cmds) => {
        const c = ctx();
        const cl = newSentinelClient(1);
        for (const argv of cmds) {
          const replies = sentinelDispatch(c, cl, argv);
          expect(argv.length === 0 || replies.length > 0).toBe(true);
          expect(() => encodeMany(replies, { protocol: cl.resp })).not.toThrow();
        }
      }),
    );
  });
});
