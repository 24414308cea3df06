import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sentinelDeployment, type InstanceNode, type SentinelSimNode } from '../src/index.js';

/**
 * Acknowledged writes across a Sentinel fail-over, measured on the real replication core: a client
 * asks s1 for the master (SENTINEL get-master-addr-by-name), sends SET, and after each +OK sends
 * WAIT 1 <timeout> (waitCommand). A write is "confirmed" when WAIT answered ≥ 1 (numreplicas reached).
 */
interface Client {
  readonly acked: string[];
  readonly confirmed: Set<string>;
  readonly pending: { addr: string; waitId: number; key: string }[];
}

type Deployment = ReturnType<typeof sentinelDeployment>;

function masterOf(d: Deployment): string {
  return d.sim.node<SentinelSimNode>(d.sentinels[0] ?? 's1').core.getMasterAddrByName('mymaster');
}

function clientWrite(d: Deployment, c: Client, key: string, waitTimeoutMs: number): void {
  const addr = masterOf(d);
  if (!d.sim.isUp(addr)) return;
  const inst = d.sim.node<InstanceNode>(addr);
  const w = inst.write(['SET', key, 'v']);
  if (w.reply.type !== 'ok') return;
  c.acked.push(key);
  const r = inst.wait(1, waitTimeoutMs, w.woff);
  if (r.reply === undefined) c.pending.push({ addr, waitId: r.waitId, key });
  else if (r.reply.type === 'int' && r.reply.value >= 1) c.confirmed.add(key);
}

/** Blocked WAITs that have answered since (their instance is still the same incarnation here). */
function collectWaits(d: Deployment, c: Client): void {
  for (let i = c.pending.length - 1; i >= 0; i--) {
    const p = c.pending[i];
    if (p === undefined || !d.sim.isUp(p.addr)) continue;
    const n = d.sim.node<InstanceNode>(p.addr).waitReplies.get(p.waitId);
    if (n === undefined) continue;
    if (n >= 1) c.confirmed.add(p.key);
    c.pending.splice(i, 1);
  }
}

function newClient(): Client {
  return { acked: [], confirmed: new Set(), pending: [] };
}

interface WaitRunOptions {
  readonly seed: number;
  readonly crashAfterMs: number;
  readonly extraDelayMs: number;
  readonly replicas: number;
  /** The last replica is cut off from m while the client writes (it lags), healed as m crashes. */
  readonly lag: boolean;
  readonly planted?: 'select-ignores-offset';
}

/**
 * Writes with WAIT 1 for 2 s + crashAfterMs, then m's process crashes (delay and jitter on every
 * link, no loss: TCP), then 60 s for the fail-over. Returns the WAIT-confirmed keys the promoted
 * replica lacks.
 */
function waitRun(o: WaitRunOptions): { promoted: string; confirmed: number; missing: string[] } {
  const d = sentinelDeployment({ seed: o.seed, replicas: o.replicas, link: { maxExtraDelayMs: o.extraDelayMs }, ...(o.planted ? { planted: o.planted } : {}) });
  d.sim.runFor(12_000);
  const lagging = o.lag && o.replicas >= 2 ? `r${String(o.replicas)}` : undefined;
  if (lagging !== undefined) d.sim.partition(['m'], [lagging]);
  const c = newClient();
  let i = 0;
  for (let t = 0; t < 2000 + o.crashAfterMs; t += 10) {
    clientWrite(d, c, `k${String(i++)}`, 50);
    d.sim.runFor(10);
    collectWaits(d, c);
  }
  d.sim.crash('m');
  d.sim.heal();
  d.sim.runFor(60_000);
  const promoted = masterOf(d);
  const held = d.sim.node<InstanceNode>(promoted).core.data;
  return { promoted, confirmed: c.confirmed.size, missing: [...c.confirmed].filter((k) => !held.has(k)) };
}

describe('acknowledged writes across a Sentinel fail-over (redis-replication cores, WAIT)', () => {
  test('after a Sentinel fail-over with no partition (one replica may have lagged, cut off from m, while the client wrote), every write the old master acknowledged to a client that also waited WAIT 1 (numreplicas reached) is on the new master', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), (seed, crashAfterMs, extraDelayMs, replicas, lag) => {
        const o = waitRun({ seed, crashAfterMs, extraDelayMs, replicas, lag });
        expect(o.promoted, 'the sentinels failed over').not.toBe('m');
        expect(o.confirmed, 'some writes were confirmed by WAIT').toBeGreaterThan(0);
        expect(o.missing, `WAIT-confirmed keys missing on ${o.promoted}`).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  test('planted bug: a selection that ignores the replication offset promotes the lagging replica, and the check above finds WAIT-confirmed writes missing', () => {
    let caught = 0;
    for (let seed = 1; seed <= 40 && caught === 0; seed++) {
      const o = waitRun({ seed, crashAfterMs: 1000, extraDelayMs: 5, replicas: 2, lag: true, planted: 'select-ignores-offset' });
      if (o.missing.length > 0) caught++;
    }
    expect(caught).toBeGreaterThan(0);
  });

  test('plain acknowledged writes can be lost: seed 3, m cut off from its replicas and the sentinels (its client still reaches it) for 30 s; the sentinels promote a replica, m rejoins as its replica and its full resync drops what it acknowledged alone, while WAIT 1 had answered 0 for every one of those writes', () => {
    const d = sentinelDeployment({ seed: 3, replicas: 2 });
    d.sim.runFor(12_000);
    const c = newClient();
    let i = 0;
    const step = (addr: string | undefined): void => {
      const key = `k${String(i++)}`;
      if (addr === undefined) clientWrite(d, c, key, 50);
      else {
        // The client on m's side of the partition keeps its connection to m.
        const inst = d.sim.node<InstanceNode>(addr);
        const w = inst.write(['SET', key, 'v']);
        if (w.reply.type === 'ok') {
          c.acked.push(key);
          const r = inst.wait(1, 50, w.woff);
          if (r.reply === undefined) c.pending.push({ addr, waitId: r.waitId, key });
          else if (r.reply.type === 'int' && r.reply.value >= 1) c.confirmed.add(key);
        }
      }
      d.sim.runFor(20);
      collectWaits(d, c);
    };
    for (let t = 0; t < 2000; t += 20) step(undefined);
    d.sim.partition(['m'], [...d.instances.filter((n) => n !== 'm'), ...d.sentinels]);
    const cutAt = i;
    for (let t = 0; t < 30_000; t += 20) step('m');
    const cutEnd = i;
    d.sim.heal();
    for (let t = 0; t < 30_000; t += 20) step(undefined);
    d.sim.runFor(200);
    collectWaits(d, c);
    const promoted = masterOf(d);
    expect(promoted).not.toBe('m');
    expect(d.sim.node<InstanceNode>('m').state).toMatchObject({ role: 'slave', master: promoted });
    const held = d.sim.node<InstanceNode>(promoted).core.data;
    const lost = c.acked.filter((k) => !held.has(k));
    const cutOff = new Set(Array.from({ length: cutEnd - cutAt }, (_, j) => `k${String(cutAt + j)}`));
    // Every write m acknowledged during the partition is gone, and only those.
    expect(lost.length).toBe(1500);
    expect(lost.every((k) => cutOff.has(k))).toBe(true);
    expect(lost.filter((k) => c.confirmed.has(k))).toEqual([]);
    // The client that waited was told: WAIT 1 confirmed every write outside the partition.
    expect(c.acked.filter((k) => !cutOff.has(k) && !c.confirmed.has(k))).toEqual([]);
    expect(d.sim.node<InstanceNode>('m').core.data.size).toBe(held.size);
  });
});
