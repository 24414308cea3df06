import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encode } from '@protolab/resp';
import { newSentinelClient, Sentinel, sentinelDispatch, SentinelError, type InfoReply, type SentinelConfig, type SentinelContext, type SentinelOutput } from '../src/index.js';

/** A tiny deployment of instances answering the sentinel at once: PING, INFO, REPLICAOF. */
interface Instance { alive: boolean; role: 'master' | 'slave'; master_host: string | undefined; runid: string; offset: number }

function deployment(addrs: Readonly<Record<string, string | undefined>>): Map<string, Instance> {
  const d = new Map<string, Instance>();
  let i = 0;
  for (const [addr, masterHost] of Object.entries(addrs)) {
    d.set(addr, { alive: true, role: masterHost === undefined ? 'master' : 'slave', master_host: masterHost, runid: String(++i).repeat(40).slice(0, 40), offset: 100 });
  }
  return d;
}

function infoOf(d: Map<string, Instance>, addr: string, inst: Instance): InfoReply {
  const slaves = [...d].filter(([, r]) => r.alive && r.master_host === addr).map(([a]) => a);
  return { runid: inst.runid, role: inst.role, master_host: inst.master_host, slave_repl_offset: inst.offset, slave_priority: 100, slaves, master_link_down_time: 0 };
}

/** Hands every output to the deployment and the replies back to the sentinel, until quiet. */
function pump(s: Sentinel, d: Map<string, Instance>, outs: SentinelOutput[], now: number): void {
  const queue = [...outs];
  for (let o = queue.shift(); o !== undefined; o = queue.shift()) {
    const inst = d.get(o.to);
    if (inst === undefined || !inst.alive) continue;
    if (o.msg.type === 'PING') queue.push(...s.onMessage(o.to, { type: 'PONG' }, now));
    else if (o.msg.type === 'INFO') queue.push(...s.onMessage(o.to, { type: 'INFO_REPLY', info: infoOf(d, o.to, inst) }, now));
    else if (o.msg.type === 'REPLICAOF') {
      inst.role = o.msg.host === null ? 'master' : 'slave';
      inst.master_host = o.msg.host ?? undefined;
    }
  }
}

const cfg = (masterName: string, masterAddr: string, downAfterMs = 2000): SentinelConfig => ({ masterName, masterAddr, quorum: 1, downAfterMs, failoverTimeoutMs: 10_000 });

function twoMasters(seed: number, downA = 2000, downB = 2000): { s: Sentinel; d: Map<string, Instance> } {
  let x = seed >>> 0 || 1;
  const random = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  };
  const s = new Sentinel('me:26379', 'f'.repeat(40), [cfg('alpha', 'a:1', downA), cfg('beta', 'b:1', downB)], random);
  s.sentinelGenerateInitialMonitorEvents();
  return { s, d: deployment({ 'a:1': undefined, 'a:2': 'a:1', 'b:1': undefined, 'b:2': 'b:1' }) };
}

function run(s: Sentinel, d: Map<string, Instance>, from: number, to: number, each?: (now: number) => void): void {
  for (let now = from; now <= to; now += 100) {
    pump(s, d, s.tick(now), now);
    each?.(now);
  }
}

describe('one sentinel, several masters (sentinel.c struct sentinelState, sentinelTimer)', () => {
  test('a failure of one master never changes the other master\'s state, and every master reads one current_epoch', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 30 }), fc.integer({ min: 10, max: 80 }).map((t) => t * 100), fc.integer({ min: 2000, max: 5000 }), fc.integer({ min: 2000, max: 5000 }), (seed, killAt, downA, downB) => {
        // down-after ≥ 2 s: the core PINGs every 1–1.1 s, so below ~1.1 s healthy instances look down (README).
        const { s, d } = twoMasters(seed, downA, downB);
        const beta = s.master('beta');
        const alpha = s.master('alpha');
        if (beta === undefined || alpha === undefined) throw new Error('masters missing');
        run(s, d, 0, 45_000, (now) => {
          if (now === killAt) (d.get('a:1') as Instance).alive = false;
          expect(beta.master).toMatchObject({ addr: 'b:1', s_down_since_time: undefined, o_down: false, failover_state: 'SENTINEL_FAILOVER_STATE_NONE', config_epoch: 0 });
          expect(beta.vote.leader).toBeUndefined();
          expect(beta.vote.leader_epoch).toBe(0);
          expect([...beta.slaves.keys()]).toEqual(now < 1000 ? [...beta.slaves.keys()] : ['b:2']);
          expect(alpha.vote.current_epoch).toBe(s.current_epoch);
          expect(beta.vote.current_epoch).toBe(s.current_epoch);
        });
        // The failure did happen: alpha failed over to its replica in epoch 1, which beta reads too.
        expect(alpha.master.addr).toBe('a:2');
        expect(alpha.master.config_epoch).toBe(1);
        expect(beta.vote.current_epoch).toBe(1);
        expect(beta.events).toEqual(['+monitor master beta b:1 quorum 1', '+slave slave b:2']);
      }),
      { numRuns: 20 },
    );
  });

  test('the epoch is shared: a fail-over of beta after one of alpha runs in epoch 2', () => {
    const { s, d } = twoMasters(7);
    run(s, d, 0, 2000);
    (d.get('a:1') as Instance).alive = false;
    run(s, d, 2100, 30_000);
    const alpha = s.master('alpha');
    const beta = s.master('beta');
    expect(alpha?.master.addr).toBe('a:2');
    expect(alpha?.master.config_epoch).toBe(1);
    (d.get('b:1') as Instance).alive = false;
    run(s, d, 30_100, 60_000);
    expect(beta?.master.addr).toBe('b:2');
    expect(beta?.master.config_epoch).toBe(2);
    expect(beta?.events).toContain('+new-epoch 2');
    expect(beta?.events).toContain('+switch-master beta b:1 b:2');
    expect(alpha?.master.config_epoch).toBe(1);
    expect(s.current_epoch).toBe(2);
  });

  test('a hello raises the one current_epoch; a hello for a master we do not monitor is ignored', () => {
    const { s } = twoMasters(1);
    const hello = (master_name: string, current_epoch: number) => ({ sentinel: 'x:26379', runid: 'e'.repeat(40), current_epoch, master_name, master_addr: 'a:1', master_config_epoch: 0 });
    s.onMessage('a:1', { type: 'HELLO', hello: hello('gamma', 9) }, 0);
    expect(s.current_epoch).toBe(0);
    s.onMessage('a:1', { type: 'HELLO', hello: hello('alpha', 7) }, 0);
    expect(s.current_epoch).toBe(7);
    expect(s.master('beta')?.vote.current_epoch).toBe(7);
    expect(s.master('alpha')?.sentinels.has('x:26379')).toBe(true);
    expect(s.master('beta')?.sentinels.has('x:26379')).toBe(false);
  });

  test('is-master-down-by-addr goes to the master at that address, votes once per epoch per master, and answers 0 * 0 for an unknown address', () => {
    const { s } = twoMasters(1);
    // The asker's name for its master is handed back untouched, never used to find ours (it may differ).
    const ask = (addr: string, runid: string) => s.onMessage('x:26379', { type: 'IS_MASTER_DOWN', addr, current_epoch: 1, runid, master_name: 'theirs' }, 0);
    expect(ask('z:9', 'X'.repeat(40))).toEqual([{ to: 'x:26379', msg: { type: 'IS_MASTER_DOWN_REPLY', down: false, leader: '*', leader_epoch: 0, master_name: 'theirs' } }]);
    expect(ask('a:1', 'X'.repeat(40))).toEqual([{ to: 'x:26379', msg: { type: 'IS_MASTER_DOWN_REPLY', down: false, leader: 'X'.repeat(40), leader_epoch: 1, master_name: 'theirs' } }]);
    expect(ask('a:1', 'Y'.repeat(40))[0]?.msg).toMatchObject({ leader: 'X'.repeat(40), leader_epoch: 1 });
    // beta's vote in epoch 1 is its own (master->leader_epoch is per master).
    expect(ask('b:1', 'Y'.repeat(40))[0]?.msg).toMatchObject({ leader: 'Y'.repeat(40), leader_epoch: 1 });
    expect(s.master('alpha')?.events).toContain(`+vote-for-leader ${'X'.repeat(40)} 1`);
    expect(s.master('beta')?.events).toContain(`+vote-for-leader ${'Y'.repeat(40)} 1`);
  });

  test('an is-master-down reply is recorded by the master it was about only', () => {
    const { s } = twoMasters(1);
    const hello = (master_name: string, master_addr: string) => ({ sentinel: 'x:26379', runid: 'e'.repeat(40), current_epoch: 0, master_name, master_addr, master_config_epoch: 0 });
    s.onMessage('a:1', { type: 'HELLO', hello: hello('alpha', 'a:1') }, 0);
    s.onMessage('b:1', { type: 'HELLO', hello: hello('beta', 'b:1') }, 0);
    s.onMessage('x:26379', { type: 'IS_MASTER_DOWN_REPLY', down: true, leader: '*', leader_epoch: 0, master_name: 'beta' }, 50);
    expect(s.master('beta')?.sentinels.get('x:26379')).toMatchObject({ master_down: true, master_down_reply_time: 50 });
    expect(s.master('alpha')?.sentinels.get('x:26379')).toMatchObject({ master_down: false, master_down_reply_time: 0 });
    // About a master we do not monitor (any more): dropped, as Redis discards a released instance's replies.
    s.onMessage('x:26379', { type: 'IS_MASTER_DOWN_REPLY', down: true, leader: 'X'.repeat(40), leader_epoch: 3, master_name: 'gamma' }, 60);
    expect(s.master('alpha')?.sentinels.get('x:26379')).toMatchObject({ master_down: false, master_down_reply_time: 0, leader: undefined, leader_epoch: 0 });
    expect(s.master('beta')?.sentinels.get('x:26379')).toMatchObject({ master_down: true, master_down_reply_time: 50, leader: undefined, leader_epoch: 0 });
  });

  test('an is-master-down reply arriving after its master\'s address changed is recorded: master_down, leader and leader_epoch as sentinelReceiveIsMasterDownReply sets them', () => {
    // sentinel.c 7.0: the reply callback's privdata is the other sentinel's instance, an entry of
    // the master's `sentinels` dict, which sentinelResetMasterAndChangeAddress keeps.
    const { s, d } = twoMasters(1);
    const me = 'f'.repeat(40);
    const other = 'e'.repeat(40);
    // x monitors alpha too (quorum 2 and no fellow sentinel: it never starts a fail-over of its own).
    const x = new Sentinel('x:26379', other, [{ masterName: 'alpha', masterAddr: 'a:1', quorum: 2, downAfterMs: 2000, failoverTimeoutMs: 10_000 }], () => 0);
    const helloFrom = (sentinel: string, runid: string, master_addr: string, master_config_epoch: number) =>
      ({ type: 'HELLO' as const, hello: { sentinel, runid, current_epoch: 0, master_name: 'alpha', master_addr, master_config_epoch } });
    const aliveA1 = d.get('a:1');
    if (aliveA1 === undefined) throw new Error('deployment has a:1');
    aliveA1.alive = false;
    let question: SentinelOutput | undefined;
    let now = 0;
    for (; now <= 20_000 && question === undefined; now += 100) {
      s.onMessage('a:1', helloFrom('x:26379', other, 'a:1', 0), now);
      x.tick(now);
      const outs = s.tick(now);
      // alpha +sdown, +odown (quorum 1), fail-over started: votes are asked for with our run id.
      question = outs.find((o) => o.to === 'x:26379' && o.msg.type === 'IS_MASTER_DOWN' && o.msg.runid === me);
      pump(s, d, outs, now);
    }
    const q = question?.msg;
    if (q?.type !== 'IS_MASTER_DOWN') throw new Error('alpha never asked x for a vote');
    expect(q).toMatchObject({ addr: 'a:1', current_epoch: 1 });
    expect(s.master('alpha')?.master.addr).toBe('a:1');
    // Before the answer comes back, a third sentinel's hello with a newer config moves alpha to a:2.
    s.onMessage('a:1', helloFrom('y:26379', 'd'.repeat(40), 'a:2', 5), now);
    expect(s.master('alpha')?.events).toContain('+switch-master alpha a:1 a:2');
    expect(s.master('alpha')?.master.addr).toBe('a:2');
    // x answers the question it was asked (about a:1, which it sees down): down, and its vote for us in epoch 1.
    const answer = x.onMessage('me:26379', q, now);
    expect(answer).toHaveLength(1);
    expect(answer[0]?.msg).toMatchObject({ type: 'IS_MASTER_DOWN_REPLY', down: true, leader: me, leader_epoch: 1 });
    for (const o of answer) s.onMessage('x:26379', o.msg, now + 50);
    expect(s.master('alpha')?.sentinels.get('x:26379')).toMatchObject({ master_down: true, master_down_reply_time: now + 50, leader: me, leader_epoch: 1 });
    expect(s.master('beta')?.sentinels.has('x:26379')).toBe(false);
    // A later `0 * 0` answer (x asked about an address it does not monitor) clears master_down and
    // keeps the recorded vote: only a run id, not `*`, replaces leader and leader_epoch.
    for (const o of x.onMessage('me:26379', { ...q, addr: 'z:9' }, now + 60)) s.onMessage('x:26379', o.msg, now + 70);
    expect(s.master('alpha')?.sentinels.get('x:26379')).toMatchObject({ master_down: false, master_down_reply_time: now + 70, leader: me, leader_epoch: 1 });
  });

  test('a sentinel known under two masters gets one PING per timer run, and its PONG counts for both', () => {
    const { s } = twoMasters(1);
    for (const [name, addr] of [['alpha', 'a:1'], ['beta', 'b:1']] as const) {
      s.onMessage(addr, { type: 'HELLO', hello: { sentinel: 'x:26379', runid: 'e'.repeat(40), current_epoch: 0, master_name: name, master_addr: addr, master_config_epoch: 0 } }, 0);
    }
    const pings = s.tick(5000).filter((o) => o.msg.type === 'PING').map((o) => o.to);
    expect(pings.sort()).toEqual(['a:1', 'b:1', 'x:26379']);
    expect(s.onMessage('x:26379', { type: 'PING' }, 5000)).toEqual([{ to: 'x:26379', msg: { type: 'PONG' } }]);
    s.onMessage('x:26379', { type: 'PONG' }, 5100);
    expect(s.master('alpha')?.sentinels.get('x:26379')?.last_avail_time).toBe(5100);
    expect(s.master('beta')?.sentinels.get('x:26379')?.last_avail_time).toBe(5100);
  });

  test('TILT is the sentinel\'s: one +tilt and one -tilt, and no master acts while it lasts', () => {
    const { s, d } = twoMasters(1);
    run(s, d, 0, 1000);
    for (const inst of d.values()) inst.alive = false;
    pump(s, d, s.tick(5000), 5000); // a 4 s gap
    expect(s.events).toEqual(['+tilt #tilt mode entered']);
    expect(s.master('alpha')?.tilt).toBe(s.tilt);
    run(s, d, 5100, 34_900);
    expect(s.master('alpha')?.master.s_down_since_time).toBeUndefined();
    expect(s.master('beta')?.master.s_down_since_time).toBeUndefined();
    run(s, d, 35_000, 35_000);
    expect(s.events).toEqual(['+tilt #tilt mode entered', '-tilt #tilt mode exited']);
    expect(s.master('alpha')?.master.s_down_since_time).toBe(35_000);
    expect(s.master('beta')?.master.s_down_since_time).toBe(35_000);
  });

  test('notification scripts are per master, their jobs in the one queue of the sentinel', () => {
    const s = new Sentinel('me:1', 'f'.repeat(40), [{ ...cfg('alpha', '10.0.0.1:6379'), notificationScript: '/n' }, cfg('beta', '10.0.0.2:6379')], () => 0);
    s.master('beta')?.event('+sdown master beta 10.0.0.2:6379');
    expect(s.scripts.queue).toHaveLength(0);
    s.master('alpha')?.event('+sdown master alpha 10.0.0.1:6379');
    expect(s.scripts.queue.map((j) => j.argv)).toEqual([['/n', '+sdown', 'master alpha 10.0.0.1 6379']]);
    expect(s.master('beta')?.scripts).toBe(s.scripts);
  });

  test('a second master of the same name is refused, as sentinel.c refuses it', () => {
    expect(() => new Sentinel('me:1', 'f'.repeat(40), [cfg('alpha', 'a:1'), cfg('alpha', 'b:1')], () => 0)).toThrow(SentinelError);
  });

  test('the command layer over two masters: SENTINEL masters lists both, names are looked up, INFO has one masterN line each, ROLE names both (replies as redis-sentinel 7.0.15 wrote them)', () => {
    const { s, d } = twoMasters(3);
    run(s, d, 0, 1500);
    const ctx: SentinelContext = { core: s, nowMs: 1500, process: { run_id: 'c'.repeat(40), tcp_port: 26400, process_id: 1, started_ms: 0, os: 'Linux', executable: '', config_file: '', connected_clients: () => 1 } };
    const call = (...argv: string[]): string => sentinelDispatch(ctx, newSentinelClient(1), argv).map((r) => Buffer.from(encode(r)).toString('latin1')).join('');
    const masters = call('SENTINEL', 'masters');
    expect(masters.startsWith('*2\r\n*40\r\n$4\r\nname\r\n$5\r\nalpha\r\n')).toBe(true);
    expect(masters).toContain('$4\r\nname\r\n$4\r\nbeta\r\n');
    expect(call('SENTINEL', 'get-master-addr-by-name', 'beta')).toBe('*2\r\n$1\r\nb\r\n$1\r\n1\r\n');
    expect(call('SENTINEL', 'get-master-addr-by-name', 'gamma')).toBe('*-1\r\n');
    expect(call('SENTINEL', 'replicas', 'gamma')).toBe('-ERR No such master with that name\r\n');
    expect(call('SENTINEL', 'is-master-down-by-addr', 'z', '9', '0', '*')).toBe('*3\r\n:0\r\n$1\r\n*\r\n:0\r\n');
    expect(call('ROLE')).toBe('*2\r\n$8\r\nsentinel\r\n*2\r\n$5\r\nalpha\r\n$4\r\nbeta\r\n');
    const info = call('INFO', 'sentinel');
    expect(info).toContain('sentinel_masters:2\r\n');
    expect(info).toContain('master0:name=alpha,status=ok,address=a:1,slaves=1,sentinels=1\r\nmaster1:name=beta,status=ok,address=b:1,slaves=1,sentinels=1\r\n');
    expect(call('SENTINEL', 'myid')).toBe(`$40\r\n${'f'.repeat(40)}\r\n`);
  });
});
