import { afterEach, expect, test } from 'vitest';
import { RespClient } from '@protolab/resp';
import { describePeer } from '@protolab/testkit';
import { ask, ourSentinel, pair, realSentinel, stopAll, stops, str, until } from './peer-helpers.js';

/**
 * What a `PSUBSCRIBE *` client sees across one fail-over, from a real redis-sentinel 7.0.15 and
 * from ours, each alone on an identical deployment (a real master and replica, the master
 * killed): the same channels and messages in the same order, ports and run ids normalised, once
 * the events protolab does not model are left out (`-role-change` / `+role-change`, and the
 * `+sdown` of the old master after it is listed as a replica: replicas' SDOWN is not tracked).
 */
afterEach(stopAll);

const NOT_MODELLED = [/^[-+]role-change /, /^\+sdown slave /];

async function eventsAcrossFailover(port: number, replicaPort: number, kill: () => Promise<void>): Promise<string[]> {
  await until('the sentinel knows the replica', async () => {
    const r = await ask(port, 'SENTINEL', 'replicas', 'mymaster');
    return r.type === 'array' && r.value.length === 1;
  });
  const c = await RespClient.connect(port, '127.0.0.1', { replyTimeoutMs: 0 });
  stops.push(() => c.close());
  const seen: string[] = [];
  c.onPush((v) => {
    if (v.type === 'array' || v.type === 'push') seen.push(`${str(v.value[2])} ${str(v.value[3])}`);
  });
  await c.call('PSUBSCRIBE', '*');
  await kill();
  await until('+switch-master', () => seen.some((e) => e.startsWith('+switch-master ')), 60_000);
  await new Promise((r) => setTimeout(r, 1000)); // the +slave events that follow it
  const addr = await ask(port, 'SENTINEL', 'get-master-addr-by-name', 'mymaster');
  expect(addr.type === 'array' ? str(addr.value[1]) : '').toBe(String(replicaPort));
  return seen.filter((e) => !NOT_MODELLED.some((r) => r.test(e))).map((e) => e.replace(/\b[0-9a-f]{40}\b/g, '<id>').replace(/\b\d{4,5}\b/g, '<port>'));
}

describePeer('redis-sentinel', 'sentinel events on Pub/Sub: ours beside a real redis-sentinel', (sentinelBin) => {
  test('across one fail-over, a PSUBSCRIBE * client gets the same events in the same order (what protolab does not model left out)', async () => {
    const a = await pair();
    const real = await realSentinel(sentinelBin, a.master.port, 1, 5000);
    const realEvents = await eventsAcrossFailover(real.port, a.replica.port, () => a.master.stop());
    const b = await pair();
    const ours = await ourSentinel(b.master.port, 5000);
    const ourEvents = await eventsAcrossFailover(ours.port, b.replica.port, () => b.master.stop());
    expect(ourEvents).toEqual(realEvents);
    expect(realEvents).toContain('+switch-master mymaster 127.0.0.1 <port> 127.0.0.1 <port>');
  });
});
