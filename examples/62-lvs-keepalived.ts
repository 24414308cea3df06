// keepalived: the operator notes' keepalived.conf loaded as written, a real server failing its TCP_CHECK, and the VRRP pair failing over
//
//   npx tsx examples/62-lvs-keepalived.ts
import { readFileSync } from 'node:fs';
import { Sim, renderTrace } from '@protolab/sim';
import { keepalivedChecker, masterDownIntervalMs, parseKeepalivedConf, VirtualService, vrrpNode, type HealthEvent, type VrrpAdvert, type VrrpHandlers } from '@protolab/lvs';

const text = readFileSync(new URL('../packages/lvs/fixtures/keepalived-notes.conf', import.meta.url), 'utf8');
const conf = parseKeepalivedConf(text);
const vs = conf.virtualServers[0]!;
console.log(`parsed: router_id ${conf.globalDefs.routerId}; vrrp_instance ${conf.vrrpInstances[0]!.name} (vrid ${conf.vrrpInstances[0]!.virtualRouterId}, priority ${conf.vrrpInstances[0]!.priority}) holding ${conf.vrrpInstances[0]!.virtualIpaddress.join(', ')}`);
for (const w of conf.warnings) console.log(`keepalived would report (and carry on): line ${w.line}: ${w.message}`);
console.log(`virtual_server ${vs.address}:${vs.port} lb_algo ${vs.lbAlgo} lb_kind ${vs.lbKind} delay_loop ${vs.delayLoopSec}s`);
for (const r of vs.realServers) {
  const t = r.tcpCheck!;
  console.log(`  real_server ${r.address}:${r.port} weight ${r.weight} TCP_CHECK connect_timeout ${t.connectTimeoutMs / 1000}s retry ${t.retry} delay_before_retry ${t.delayBeforeRetryMs / 1000}s`);
}

// The IPVS service keepalived builds from it, and the health checker on the sim clock.
const svc = new VirtualService({ scheduler: vs.lbAlgo });
for (const r of [...vs.realServers].reverse()) svc.addDest({ name: r.address, weight: r.weight });
const failing = vs.realServers[1]!.address;
const log: HealthEvent[] = [];
const servers = vs.realServers.map((r) => ({
  name: r.address,
  weight: r.weight,
  config: r.tcpCheck!,
  // the second real server stops answering SYNs (black hole) from t = 10 s to t = 45 s
  behaviour: (t: number) => (r.address === failing && t >= 10_000 && t < 45_000 ? ('blackhole' as const) : ('accept' as const)),
}));
const sim = new Sim({ seed: 1 });
sim.addNode('keepalived', keepalivedChecker(svc, servers, log));
const sample = (): string => svc.dests.map((d) => `${d.name}(w${d.weight})`).join(' ');
console.log(`\nt=0 s     IPVS dests: ${sample()}`);
let shown = 0;
for (let t = 1000; t <= 60_000; t += 1000) {
  sim.runUntil(t);
  for (; shown < log.length; shown++) {
    const e = log[shown]!;
    if (e.server !== failing) continue;
    const what = e.kind === 'attempt-failed' ? 'connect attempt timed out' : e.kind === 'attempt-ok' ? 'connect ok' : e.kind === 'down' ? `DOWN → removed from IPVS; dests now: ${sample()}` : `UP → added back; dests now: ${sample()}`;
    console.log(`t=${(e.t / 1000).toFixed(3).padStart(7)} s  ${e.server}: ${what}`);
  }
}
const c = vs.realServers[1]!.tcpCheck!;
console.log(`\nDetection: ${c.retry + 1} failed attempts × ${c.connectTimeoutMs / 1000} s + ${c.retry} × ${c.delayBeforeRetryMs / 1000} s between them after the first failing check;
recovery: a single successful connect at the next delay_loop tick.`);

// VRRP: two directors, the higher priority holds the VIP; kill it and watch the backup take over.
const vsim = new Sim<VrrpAdvert>({ seed: 2, link: { minDelayMs: 1, maxExtraDelayMs: 0 } });
vsim.addNode('lvs1', vrrpNode({ vrid: 51, priority: 100, ip: '192.168.1.2', advertIntMs: 1000, initialState: 'MASTER', peers: ['lvs2'] }));
vsim.addNode('lvs2', vrrpNode({ vrid: 51, priority: 90, ip: '192.168.1.3', advertIntMs: 1000, initialState: 'BACKUP', peers: ['lvs1'] }));
const st = (n: string): string => vsim.node<VrrpHandlers<VrrpAdvert>>(n).state();
vsim.runUntil(3500);
console.log(`\nVRRP at t=3.5 s: lvs1 ${st('lvs1')}, lvs2 ${st('lvs2')}`);
vsim.crash('lvs1');
const at = vsim.now();
vsim.runUntil(() => st('lvs2') === 'MASTER', { maxSteps: 1000 });
console.log(`lvs1 crashed at ${at / 1000} s; lvs2 became MASTER at ${vsim.now() / 1000} s (master-down interval for priority 90: ${masterDownIntervalMs(90, 1000)} ms)`);
vsim.restart('lvs1');
vsim.runUntil(vsim.now() + 3000);
console.log(`lvs1 restarted: lvs1 ${st('lvs1')}, lvs2 ${st('lvs2')} (preemption: the higher priority takes the VIP back)\n`);
// the protocol's own notes, and the crash and restart the simulator injected
console.log(renderTrace(vsim.trace.filter((e) => e.kind === 'note' || e.kind === 'crash' || e.kind === 'restart')));
