import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encode } from '@protolab/resp';
import { newSentinelClient, sentinelDispatch, sentinelEventMessage, SentinelNode, type InfoReply, type SentinelContext, type SentinelOutput } from '../src/index.js';

/**
 * sentinel.c sentinelCheckSubjectivelyDown (Redis 7.0) for every instance, not only the master:
 * a replica or another sentinel with no valid PING reply for down-after-milliseconds gets
 * SRI_S_DOWN (`+sdown slave …` / `+sdown sentinel …`), sentinelSelectSlave skips it, SENTINEL
 * ckquorum (sentinelIsQuorumReachable) does not count it, and `-sdown` follows its next reply.
 * The expected values come from the test's own record of who answered when, not from the core.
 */
const M = '127.0.0.1:16400';
const R1 = '127.0.0.1:16401';
const R2 = '127.0.0.1:16402';
const S2 = '127.0.0.1:26401';
const S3 = '127.0.0.1:26402';

const info = (over: Partial<InfoReply>): InfoReply => ({ runid: 'r'.repeat(40), role: 'slave', master_host: M, slave_repl_offset: 0, slave_priority: 100, slaves: [], master_link_down_time: 0, ...over });
const INFOS = new Map<string, InfoReply>([
  [M, info({ runid: 'm'.repeat(40), role: 'master', master_host: undefined, slaves: [R1, R2] })],
  // R1 has the greater offset: while it answers, it is the one sentinelSelectSlave prefers.
  [R1, info({ runid: '1'.repeat(40), slave_repl_offset: 900 })],
  [R2, info({ runid: '2'.repeat(40), slave_repl_offset: 100 })],
]);

function core(downAfterMs: number, quorum = 2): SentinelNode {
  const n = new SentinelNode('127.0.0.1:26400', 'a'.repeat(40), { masterName: 'mymaster', masterAddr: M, quorum, downAfterMs, failoverTimeoutMs: 60_000 }, () => 0);
  n.tick(0);
  // The first INFO: the master lists both replicas (created with last_avail_time 0), then theirs.
  for (const [addr, i] of INFOS) n.onMessage(addr, { type: 'INFO_REPLY', info: i }, 0);
  return n;
}

/** Answers the core's PING / INFO as the instances would, except those in `silent`; returns who answered a PING. */
function answer(n: SentinelNode, outs: readonly SentinelOutput[], nowMs: number, silent: ReadonlySet<string>): string[] {
  const answered: string[] = [];
  for (const o of outs) {
    if (silent.has(o.to)) continue;
    if (o.msg.type === 'PING') {
      n.onMessage(o.to, { type: 'PONG' }, nowMs);
      answered.push(o.to);
    }
    const i = INFOS.get(o.to);
    if (o.msg.type === 'INFO' && i !== undefined) n.onMessage(o.to, { type: 'INFO_REPLY', info: i }, nowMs);
  }
  return answered;
}

const hello = (n: SentinelNode, from: string, runid: string, nowMs: number): void => {
  n.onMessage(from, { type: 'HELLO', hello: { sentinel: from, runid, current_epoch: 0, master_name: 'mymaster', master_addr: M, master_config_epoch: 0 } }, nowMs);
};

const count = (n: SentinelNode, text: string): number => n.events.filter((e) => e === text).length;

describe('sentinel.c sentinelCheckSubjectivelyDown for replicas (Redis 7.0)', () => {
  test('a replica that answers no PING for down-after ms is S_DOWN and is never selected, and is -sdown again after its next reply', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1200, max: 3000 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 9 }), (downAfterMs, silentFromTenths, extraTenths) => {
        // down-after above the PING period and its jitter (1100 ms): the core measures the age of the
        // last valid reply, not act_ping_time, so a shorter one flags healthy instances between PINGs.
        const n = core(downAfterMs);
        const lastReply = new Map<string, number>([[R1, 0]]);
        let expectDown = false;
        let transitions = 0;
        // Silent from `silentFrom` until just past down-after (always less than the 5 s PING-age
        // filter of sentinelSelectSlave, so only S_DOWN keeps it out), then a forced fail-over.
        const silentFrom = silentFromTenths * 100;
        const failoverAt = Math.ceil((silentFrom + downAfterMs + 1100) / 100) * 100 + extraTenths * 100;
        let selected: string | undefined;
        for (let t = 100; t <= failoverAt + 3000; t += 100) {
          const silent = new Set(t >= silentFrom && t < failoverAt + 2000 ? [R1] : []);
          const outs = n.tick(t);
          const down = t - (lastReply.get(R1) ?? 0) > downAfterMs;
          if (down !== expectDown) transitions++;
          expectDown = down;
          expect(n.slaves.get(R1)?.s_down_since_time !== undefined).toBe(expectDown);
          for (const who of answer(n, outs, t, silent)) lastReply.set(who, t);
          if (t === failoverAt) {
            expect(expectDown).toBe(true);
            expect(n.failover(t)).toBe('OK');
          }
          const sel = n.events.find((e) => e.startsWith('+selected-slave'));
          if (selected === undefined && sel !== undefined) {
            selected = sel;
            expect(n.slaves.get(R1)?.s_down_since_time).not.toBeUndefined();
          }
        }
        expect(selected).toBe(`+selected-slave slave ${R2}`);
        // R1 answered again in the last second: up, and every change was announced once.
        expect(expectDown).toBe(false);
        expect(n.slaves.get(R1)?.s_down_since_time).toBeUndefined();
        expect(count(n, `+sdown slave ${R1}`) + count(n, `-sdown slave ${R1}`)).toBe(transitions);
        expect(count(n, `-sdown slave ${R1}`)).toBeGreaterThanOrEqual(1);
        expect(n.events.filter((e) => e.endsWith(`slave ${R2}`) && e.includes('sdown'))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  test('SENTINEL replicas shows s_down first in the flags and an s-down-time field, as addReplySentinelRedisInstance', () => {
    const n = core(2000);
    for (let t = 100; t <= 3500; t += 100) answer(n, n.tick(t), t, new Set([R1]));
    const c: SentinelContext = { core: n, nowMs: 3500, process: { run_id: 'c'.repeat(40), tcp_port: 26400, process_id: 1, started_ms: 0, os: 'Linux', executable: '', config_file: '', connected_clients: () => 1 } };
    const [rows] = sentinelDispatch(c, newSentinelClient(1), ['SENTINEL', 'replicas', 'mymaster']);
    const text = rows === undefined ? '' : Buffer.from(encode(rows, { protocol: 2 })).toString('latin1');
    expect(text).toContain('$5\r\nflags\r\n$12\r\ns_down,slave\r\n');
    expect(text).toContain('$15\r\nlast-ping-reply\r\n');
    expect(text).toContain('$11\r\ns-down-time\r\n');
    expect(sentinelEventMessage(n, `+sdown slave ${R1}`)).toEqual({ channel: '+sdown', message: 'slave 127.0.0.1:16401 127.0.0.1 16401 @ mymaster 127.0.0.1 16400' });
  });
});

describe('sentinel.c sentinelIsQuorumReachable (SENTINEL ckquorum) with sentinels in S_DOWN', () => {
  const ctxAt = (n: SentinelNode, nowMs: number): SentinelContext => ({ core: n, nowMs, process: { run_id: 'c'.repeat(40), tcp_port: 26400, process_id: 1, started_ms: 0, os: 'Linux', executable: '', config_file: '', connected_clients: () => 1 } });
  const ckquorum = (n: SentinelNode, nowMs: number): string => {
    const [r] = sentinelDispatch(ctxAt(n, nowMs), newSentinelClient(1), ['SENTINEL', 'ckquorum', 'mymaster']);
    return r === undefined ? '' : Buffer.from(encode(r, { protocol: 2 })).toString('latin1');
  };
  /** Three sentinels (us, S2, S3); the ones in `silent` stop answering PING at t = 1000. */
  const run = (quorum: number, silent: readonly string[], untilMs: number): SentinelNode => {
    const n = core(2000, quorum);
    hello(n, S2, 'b'.repeat(40), 50);
    hello(n, S3, 'd'.repeat(40), 50);
    for (let t = 100; t <= untilMs; t += 100) answer(n, n.tick(t), t, new Set(t >= 1000 ? silent : []));
    return n;
  };

  test('all three answering: OK 3 usable', () => {
    expect(ckquorum(run(2, [], 5000), 5000)).toBe('+OK 3 usable Sentinels. Quorum and failover authorization can be reached\r\n');
  });

  test('one silent sentinel past down-after: +sdown sentinel, flags s_down,sentinel, OK 2 usable (quorum 2, majority 2 of 3)', () => {
    const n = run(2, [S3], 5000);
    expect(n.events).toContain(`+sdown sentinel ${S3}`);
    expect(sentinelEventMessage(n, `+sdown sentinel ${S3}`)).toEqual({ channel: '+sdown', message: `sentinel ${'d'.repeat(40)} 127.0.0.1 26402 @ mymaster 127.0.0.1 16400` });
    expect(ckquorum(n, 5000)).toBe('+OK 2 usable Sentinels. Quorum and failover authorization can be reached\r\n');
    const [rows] = sentinelDispatch(ctxAt(n, 5000), newSentinelClient(1), ['SENTINEL', 'sentinels', 'mymaster']);
    const text = rows === undefined ? '' : Buffer.from(encode(rows, { protocol: 2 })).toString('latin1');
    expect(text).toContain('$5\r\nflags\r\n$15\r\ns_down,sentinel\r\n');
    expect(text).toContain('$5\r\nflags\r\n$8\r\nsentinel\r\n');
  });

  test('one silent sentinel with quorum 3: NOQUORUM (quorum), the majority still reachable', () => {
    expect(ckquorum(run(3, [S3], 5000), 5000)).toBe('-NOQUORUM 2 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master\r\n');
  });

  test('both other sentinels silent: NOQUORUM for the quorum and the majority; INFO still counts all known', () => {
    const n = run(2, [S2, S3], 5000);
    expect(ckquorum(n, 5000)).toBe(
      '-NOQUORUM 1 usable Sentinels. Not enough available Sentinels to reach the specified quorum for this master. Not enough available Sentinels to reach the majority and authorize a failover\r\n',
    );
    const [infoReply] = sentinelDispatch(ctxAt(n, 5000), newSentinelClient(1), ['INFO', 'sentinel']);
    const text = infoReply === undefined ? '' : Buffer.from(encode(infoReply, { protocol: 2 })).toString('latin1');
    expect(text).toContain(',sentinels=3\r\n');
  });

  test('a silent sentinel that answers again is -sdown and counts again', () => {
    const n = run(2, [S3], 5000);
    answer(n, [{ to: S3, msg: { type: 'PING' } }], 5100, new Set());
    n.tick(5200);
    expect(n.events).toContain(`-sdown sentinel ${S3}`);
    expect(ckquorum(n, 5200)).toBe('+OK 3 usable Sentinels. Quorum and failover authorization can be reached\r\n');
  });

  test('a sentinel answers PING with PONG (other sentinels PING it too)', () => {
    const n = core(2000);
    expect(n.onMessage(S2, { type: 'PING' }, 10)).toEqual([{ to: S2, msg: { type: 'PONG' } }]);
  });
});
