import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Sim } from '@protolab/sim';
import { describe, expect, it } from 'vitest';
import {
  backupOnAdvert,
  initialTcpCheck,
  keepalivedChecker,
  KeepalivedConfigError,
  masterDownIntervalMs,
  masterShouldYield,
  parseKeepalivedConf,
  tcpEpilog,
  TCP_CHECK_DEFAULTS,
  VirtualService,
  vrrpNode,
  type HealthEvent,
  type VrrpAdvert,
  type VrrpHandlers,
} from '../src/index.js';

describe('keepalived check_tcp.c tcp_epilog', () => {
  it('an up checker goes down after exactly retry + 1 consecutive failures and comes back after one success', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 5 }), fc.array(fc.boolean(), { maxLength: 40 }), (retry, outcomes) => {
      const cfg = { ...TCP_CHECK_DEFAULTS, retry };
      let s = initialTcpCheck(cfg);
      let up = true; // model: state + consecutive failures while up
      let fails = 0;
      for (const ok of outcomes) {
        const step = tcpEpilog(cfg, s, ok);
        s = step.state;
        let want: 'up' | 'down' | undefined;
        if (ok) {
          fails = 0;
          if (!up) want = 'up';
          up = true;
        } else if (up) {
          fails++;
          if (fails === retry + 1) {
            want = 'down';
            up = false;
            fails = 0;
          }
        }
        expect(step.event).toBe(want);
        expect(s.isUp).toBe(up);
        // retries only while up, after delay_before_retry; otherwise the next check waits delay_loop
        expect(step.nextDelayMs).toBe(up && !ok && fails > 0 ? cfg.delayBeforeRetryMs : cfg.delayLoopMs);
      }
    }));
  });
  it('defaults from check_data.c / the man page: connect_timeout 5 s, retry 1, delay_before_retry 1 s, delay_loop 60 s', () => {
    expect(TCP_CHECK_DEFAULTS).toEqual({ connectTimeoutMs: 5000, retry: 1, delayBeforeRetryMs: 1000, delayLoopMs: 60_000, alpha: false });
  });
});

const seedConf = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'keepalived.conf'), 'utf8');

describe('TCP_CHECK on the sim clock', () => {
  it('the seed conf: a real server that black-holes at t = 10 s is removed after 4 timed-out attempts and 3 retry gaps, re-added after one success', () => {
    const conf = parseKeepalivedConf(seedConf);
    const vs = conf.virtualServers[0]!;
    const svc = new VirtualService({ scheduler: vs.lbAlgo });
    const log: HealthEvent[] = [];
    const deadFrom = 10_000;
    const backAt = 60_000;
    const servers = vs.realServers.map((r) => ({
      name: r.address,
      weight: r.weight,
      config: r.tcpCheck!,
      behaviour: (t: number) => (r.address === '192.168.1.12' && t >= deadFrom && t < backAt ? ('blackhole' as const) : ('accept' as const)),
    }));
    for (const s of [...servers].reverse()) svc.addDest({ name: s.name, weight: s.weight });
    const sim = new Sim({ seed: 1 });
    sim.addNode('keepalived', keepalivedChecker(svc, servers, log));
    sim.runUntil(100_000);
    const ev = log.filter((e) => e.server === '192.168.1.12' && (e.kind === 'down' || e.kind === 'up'));
    // a check at t = 0 takes 1 ms, then delay_loop 6 s: checks start at 0, 6001, 12002 — the first one after 10 s
    const firstFailStart = 2 * (6000 + 1);
    const t = vs.realServers[1]!.tcpCheck!;
    expect(ev[0]).toEqual({ t: firstFailStart + (t.retry + 1) * t.connectTimeoutMs + t.retry * t.delayBeforeRetryMs, server: '192.168.1.12', kind: 'down' });
    expect(ev[1]!.kind).toBe('up');
    expect(ev[1]!.t).toBeGreaterThanOrEqual(backAt);
    expect(ev[1]!.t).toBeLessThan(backAt + 6_000 + 10);
    expect(svc.dests.map((d) => d.name)).toContain('192.168.1.12');
  });
  it('inhibit_on_failure sets the weight to 0 instead of removing the server', () => {
    const svc = new VirtualService({ scheduler: 'wlc' });
    svc.addDest({ name: 'rs', weight: 5 });
    const log: HealthEvent[] = [];
    const sim = new Sim({ seed: 2 });
    sim.addNode('k', keepalivedChecker(svc, [{ name: 'rs', weight: 5, config: TCP_CHECK_DEFAULTS, behaviour: () => 'refuse' }], log, { inhibitOnFailure: true }));
    sim.runUntil(5_000);
    expect(log.filter((e) => e.kind === 'down').map((e) => e.t)).toEqual([1 + 1000 + 1]); // 2 refused attempts, 1 s apart
    expect(svc.dest('rs').weight).toBe(0);
  });
});

describe('VRRP election (vrrp.c)', () => {
  it('a master yields to a higher priority, or to an equal priority from a higher primary IP; never to priority 0', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 0, max: 254 }), fc.nat(255), fc.nat(255), (p1, p2, a, b) => {
      const yieldIt = masterShouldYield({ priority: p1, ip: `10.0.0.${a}` }, { priority: p2, ip: `10.0.0.${b}` });
      expect(yieldIt).toBe(p2 !== 0 && (p2 > p1 || (p2 === p1 && b > a)));
    }));
  });
  it('a backup accepts adverts of priority ≥ its own (or any with nopreempt), ignores lower ones to preempt', () => {
    expect(backupOnAdvert({ priority: 100, ip: '10.0.0.1', nopreempt: false }, { priority: 90, ip: '10.0.0.2' })).toBe('ignore');
    expect(backupOnAdvert({ priority: 100, ip: '10.0.0.1', nopreempt: true }, { priority: 90, ip: '10.0.0.2' })).toBe('accept');
    expect(backupOnAdvert({ priority: 100, ip: '10.0.0.1', nopreempt: false }, { priority: 100, ip: '10.0.0.2' })).toBe('accept');
    expect(backupOnAdvert({ priority: 100, ip: '10.0.0.1', nopreempt: false }, { priority: 0, ip: '10.0.0.2' })).toBe('resign-timer');
    expect(masterDownIntervalMs(100, 1000)).toBe(3000 + 609);
  });
  it('on the sim: the higher priority wins, the backup takes over 3·advert_int + skew after the master dies, and preempts back', () => {
    const sim = new Sim<VrrpAdvert>({ seed: 4, link: { minDelayMs: 1, maxExtraDelayMs: 0 } });
    sim.addNode('lb1', vrrpNode({ vrid: 51, priority: 100, ip: '192.168.1.2', advertIntMs: 1000, initialState: 'BACKUP', peers: ['lb2'] }));
    sim.addNode('lb2', vrrpNode({ vrid: 51, priority: 150, ip: '192.168.1.3', advertIntMs: 1000, initialState: 'BACKUP', peers: ['lb1'] }));
    const state = (n: string): string => sim.node<VrrpHandlers<VrrpAdvert>>(n).state();
    sim.runUntil(10_000);
    expect([state('lb1'), state('lb2')]).toEqual(['BACKUP', 'MASTER']);
    sim.crash('lb2');
    const crashAt = sim.now();
    sim.runUntil(() => state('lb1') === 'MASTER', { maxSteps: 10_000 });
    expect(sim.now() - crashAt).toBeLessThanOrEqual(masterDownIntervalMs(100, 1000));
    sim.restart('lb2');
    sim.runUntil(sim.now() + 10_000);
    expect([state('lb1'), state('lb2')]).toEqual(['BACKUP', 'MASTER']);
  });
});

describe('keepalived.conf parser', () => {
  it('the seed configuration parses', () => {
    const c = parseKeepalivedConf(seedConf);
    expect(c.globalDefs.routerId).toBe('LVS_DEVEL');
    expect(c.vrrpInstances[0]).toMatchObject({ name: 'VI_1', state: 'MASTER', virtualRouterId: 51, priority: 100, virtualIpaddress: ['192.168.1.100'] });
    expect(c.virtualServers[0]).toMatchObject({ address: '192.168.1.100', port: 80, lbAlgo: 'wrr', lbKind: 'DR', delayLoopSec: 6 });
    expect(c.virtualServers[0]!.realServers.map((r) => [r.address, r.weight, r.tcpCheck!.retry, r.tcpCheck!.connectTimeoutMs])).toEqual([
      ['192.168.1.11', 3, 3, 3000],
      ['192.168.1.12', 1, 3, 3000],
    ]);
  });
  it('keywords outside the modelled subset are kept with their line (keepalived warns and carries on)', () => {
    const c = parseKeepalivedConf('global_defs {\n  router_id X\n}\nvrrp_script chk {\n  script "/bin/true"\n}\nvirtual_server 10.0.0.1 80 {\n  lb_algo rr\n  sorry_server 10.0.0.9 80\n}\n');
    expect(c.unknown).toEqual([
      { keyword: 'vrrp_script', line: 4 },
      { keyword: 'sorry_server', line: 9 },
    ]);
    expect(c.virtualServers[0]!.lbAlgo).toBe('rr');
  });
  const bad: [string, string, number][] = [
    ['virtual_server 10.0.0.1 80 {\n  lb_algo least\n}\n', 'expected one of rr', 2],
    ['virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    weight -1\n  }\n}\n', 'expected a weight', 3],
    ['vrrp_instance VI_1 {\n  priority 100\n', 'never closed', 1],
    ['global_defs {\n}\n}\n', "unexpected '}'", 3],
    ['virtual_server 10.0.0.999 80 {\n}\n', 'expected an IPv4 address', 1],
    ['vrrp_instance VI_1 {\n  state LEADER\n  virtual_router_id 1\n}\n', 'expected MASTER or BACKUP', 2],
    ['virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    TCP_CHECK {\n      connect_timeout soon\n    }\n  }\n}\n', 'in seconds', 4],
  ];
  for (const [text, msg, line] of bad) {
    it(`malformed input → KeepalivedConfigError at line ${line}: ${msg}`, () => {
      try {
        parseKeepalivedConf(text);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(KeepalivedConfigError);
        expect((e as KeepalivedConfigError).line).toBe(line);
        expect((e as Error).message).toContain(msg);
      }
    });
  }
});
