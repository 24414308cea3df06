import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseSentinelConfig, rewriteSentinelConfig, Sentinel, sentinelConfigOf, SentinelNode, type SentinelConfig } from '../src/index.js';

/**
 * sentinel.c sentinelFlushConfig / sentinelHandleConfiguration (7.0): what a sentinel writes into
 * its config file and reads back at start. Expected values come from the state the test built.
 */
const ip = fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 255 })).map(([a, b]) => `10.0.${a}.${b}`);
const addr = fc.tuple(ip, fc.integer({ min: 1024, max: 65535 })).map(([i, p]) => `${i}:${p}`);

function node(config: Partial<SentinelConfig> = {}): SentinelNode {
  return new SentinelNode('10.9.9.9:26379', 'e'.repeat(40), { masterName: 'mymaster', masterAddr: '10.0.0.1:6379', quorum: 2, downAfterMs: 5000, failoverTimeoutMs: 60_000, ...config }, () => 0);
}

describe('sentinel.c sentinelFlushConfig, read back by sentinelHandleConfiguration', () => {
  test('a rewritten file read back gives a sentinel with the same master address, epochs, replicas and sentinels; rewriting it again changes nothing; the user\'s lines stay', () => {
    fc.assert(
      fc.property(addr, fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.uniqueArray(addr, { maxLength: 5 }), fc.uniqueArray(addr, { maxLength: 4 }), (master, cur, cfg, lead, replicas, sentinels) => {
        const saved = { currentEpoch: cur, configEpoch: cfg, leaderEpoch: lead, knownReplicas: replicas.filter((r) => r !== master), knownSentinels: sentinels.map((a, i) => ({ addr: a, runid: String(i).repeat(40).slice(0, 40) })) };
        const n = node({ masterAddr: master, saved });
        const original = 'port 26379\nsentinel monitor mymaster 10.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 5000\nlogfile ""\n';
        const text = rewriteSentinelConfig(original, n);
        expect(text.split('\n').slice(0, 4)).toEqual(['port 26379', `sentinel monitor mymaster ${master.replace(':', ' ')} 2`, 'sentinel down-after-milliseconds mymaster 5000', 'logfile ""']);
        const back = parseSentinelConfig(text);
        expect(`${back.masterIp}:${back.masterPort}`).toBe(master);
        expect(back.myid).toBe('e'.repeat(40));
        expect(back.saved).toEqual(saved);
        expect(back.downAfterMs).toBe(5000);
        expect(rewriteSentinelConfig(text, n)).toBe(text);
      }),
    );
  });

  test('after a fail-over the monitor line names the promoted replica and the epochs are the fail-over\'s (the seed\'s "a restarted sentinel follows the new master")', () => {
    const n = node({ quorum: 1 });
    n.tick(0);
    n.onMessage('10.0.0.1:6379', { type: 'INFO_REPLY', info: { runid: 'm'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: ['10.0.0.2:6379'], master_link_down_time: 0 } }, 0);
    for (let t = 1000; t <= 12_000; t += 500) {
      for (const o of n.tick(t)) {
        if (o.to !== '10.0.0.2:6379') continue; // the master never answers again
        if (o.msg.type === 'PING') n.onMessage(o.to, { type: 'PONG' }, t);
        if (o.msg.type === 'INFO') n.onMessage(o.to, { type: 'INFO_REPLY', info: { runid: 'r'.repeat(40), role: n.master.promoted_slave === o.to ? 'master' : 'slave', master_host: '10.0.0.1:6379', slave_repl_offset: 5, slave_priority: 100, slaves: [], master_link_down_time: 0 } }, t);
      }
    }
    expect(n.events).toContain('+switch-master mymaster 10.0.0.1:6379 10.0.0.2:6379');
    const back = parseSentinelConfig(rewriteSentinelConfig('sentinel monitor mymaster 10.0.0.1 6379 1\n', n));
    expect([back.masterIp, back.masterPort]).toEqual(['10.0.0.2', 6379]);
    expect(back.saved).toEqual({ currentEpoch: 1, configEpoch: 1, leaderEpoch: 1, knownReplicas: ['10.0.0.1:6379'], knownSentinels: [] });
    const restarted = node({ masterAddr: '10.0.0.2:6379', quorum: 1, saved: back.saved });
    expect(restarted.vote.current_epoch).toBe(1);
    expect(restarted.master.config_epoch).toBe(1);
    expect([...restarted.slaves.keys()]).toEqual(['10.0.0.1:6379']);
    restarted.tick(1_765_000_000_000); // a wall-clock first tick: the known replica is not SDOWN at once
    expect(restarted.slaves.get('10.0.0.1:6379')?.s_down_since_time).toBeUndefined();
  });

  test('several masters: each monitor line keeps its place with its master\'s address, each master\'s state lines come back to it, and the one current-epoch to all', () => {
    fc.assert(
      fc.property(addr, addr, fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.uniqueArray(addr, { maxLength: 3 }), (a, b, cur, cfgB, leadA, replicasB) => {
        const known = replicasB.filter((r) => r !== b);
        const s = new Sentinel('10.9.9.9:26379', 'e'.repeat(40), [
          { masterName: 'alpha', masterAddr: a, quorum: 2, downAfterMs: 5000, failoverTimeoutMs: 60_000, saved: { currentEpoch: cur, configEpoch: 0, leaderEpoch: leadA, knownReplicas: [], knownSentinels: [] } },
          { masterName: 'beta', masterAddr: b, quorum: 1, downAfterMs: 30_000, failoverTimeoutMs: 180_000, saved: { currentEpoch: cur, configEpoch: cfgB, leaderEpoch: 0, knownReplicas: known, knownSentinels: [] } },
        ], () => 0);
        const original = 'port 26379\nsentinel monitor alpha 10.0.0.1 6379 2\nsentinel down-after-milliseconds alpha 5000\nsentinel monitor beta 10.0.0.2 6379 1\n';
        const text = rewriteSentinelConfig(original, s);
        expect(text.split('\n').slice(0, 4)).toEqual(['port 26379', `sentinel monitor alpha ${a.replace(':', ' ')} 2`, 'sentinel down-after-milliseconds alpha 5000', `sentinel monitor beta ${b.replace(':', ' ')} 1`]);
        expect(text.trimEnd().split('\n').at(-1)).toBe(`sentinel current-epoch ${cur}`);
        const back = parseSentinelConfig(text);
        expect(back.masters.map((m) => m.saved)).toEqual([
          { currentEpoch: cur, configEpoch: 0, leaderEpoch: leadA, knownReplicas: [], knownSentinels: [] },
          { currentEpoch: cur, configEpoch: cfgB, leaderEpoch: 0, knownReplicas: known, knownSentinels: [] },
        ]);
        const again = new Sentinel('10.9.9.9:26379', 'e'.repeat(40), back.masters.map(sentinelConfigOf), () => 0);
        expect(again.current_epoch).toBe(cur);
        expect(rewriteSentinelConfig(text, again)).toBe(text);
      }),
    );
  });

  test('during RECONF_SLAVES the monitor line already names the promoted replica and the old master is written as the known replica (rewriteConfigSentinelOption with sentinelGetCurrentMasterAddress)', () => {
    const n = node({ quorum: 1 });
    n.tick(0);
    n.onMessage('10.0.0.1:6379', { type: 'INFO_REPLY', info: { runid: 'm'.repeat(40), role: 'master', master_host: undefined, slave_repl_offset: 0, slave_priority: 100, slaves: ['10.0.0.2:6379', '10.0.0.3:6379'], master_link_down_time: 0 } }, 0);
    for (let t = 1000; t <= 12_000 && n.master.failover_state !== 'SENTINEL_FAILOVER_STATE_RECONF_SLAVES'; t += 500) {
      for (const o of n.tick(t)) {
        if (o.to === '10.0.0.1:6379') continue; // the master never answers again
        if (o.msg.type === 'PING') n.onMessage(o.to, { type: 'PONG' }, t);
        if (o.msg.type === 'INFO') n.onMessage(o.to, { type: 'INFO_REPLY', info: { runid: o.to.endsWith('2:6379') ? 'r'.repeat(40) : 's'.repeat(40), role: n.master.promoted_slave === o.to ? 'master' : 'slave', master_host: '10.0.0.1:6379', slave_repl_offset: o.to.endsWith('2:6379') ? 9 : 5, slave_priority: 100, slaves: [], master_link_down_time: 0 } }, t);
      }
    }
    expect(n.master.failover_state).toBe('SENTINEL_FAILOVER_STATE_RECONF_SLAVES');
    expect(n.master.addr).toBe('10.0.0.1:6379');
    const back = parseSentinelConfig(rewriteSentinelConfig('sentinel monitor mymaster 10.0.0.1 6379 1\n', n));
    expect([back.masterIp, back.masterPort]).toEqual(['10.0.0.2', 6379]);
    expect([...back.saved.knownReplicas].sort()).toEqual(['10.0.0.1:6379', '10.0.0.3:6379']);
  });

  test('the state lines need their master: known-replica for an unknown name is refused as 7.0.15 refuses it', () => {
    expect(() => parseSentinelConfig('sentinel monitor mymaster 10.0.0.1 6379 1\nsentinel known-replica other 10.0.0.2 6379\n')).toThrow('No such master with specified name.');
    expect(() => parseSentinelConfig('sentinel monitor mymaster 10.0.0.1 6379 1\nsentinel current-epoch\n')).toThrow('Unrecognized sentinel configuration statement.');
  });
});
