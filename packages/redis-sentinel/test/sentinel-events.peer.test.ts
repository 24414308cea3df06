import { afterEach, expect, test } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { ask, eventsClient, ourSentinel, pair, realSentinel, stopAll, str, until } from './peer-helpers.js';

/**
 * What a `PSUBSCRIBE *` client sees across one fail-over, from a real redis-sentinel 7.0.15 and
 * from ours, each alone on an identical deployment (a real master and replica, the master
 * killed): the same channels and messages in the same order, ports and run ids normalised, once
 * the events protolab does not model are left out (`-role-change` / `+role-change`), and the
 * `+sdown` of the old master after it is listed as a replica (raised about down-after after
 * `+switch-master`, at the edge of the window read here; replicas' SDOWN on its own is compared by
 * the SIGSTOP test below).
 */
afterEach(stopAll);

const NOT_MODELLED = [/^[-+]role-change /, /^\+sdown slave /];

async function eventsAcrossFailover(port: number, replicaPort: number, kill: () => Promise<void>): Promise<string[]> {
  const { c, seen } = await eventsClient(port);
  await c.call('PSUBSCRIBE', '*');
  await kill();
  await until('+switch-master', () => seen.some((e) => e.startsWith('+switch-master ')), 60_000);
  await new Promise((r) => setTimeout(r, 1000)); // the +slave events that follow it
  const addr = await ask(port, 'SENTINEL', 'get-master-addr-by-name', 'mymaster');
  expect(addr.type === 'array' ? str(addr.value[1]) : '').toBe(String(replicaPort));
  return seen.filter((e) => !NOT_MODELLED.some((r) => r.test(e))).map((e) => e.replace(/\b[0-9a-f]{40}\b/g, '<id>').replace(/\b\d{4,5}\b/g, '<port>'));
}

/** The `±sdown` events while the replica is SIGSTOPped past down-after, then continued, and the replica's flags while it is down. */
async function sdownOfStoppedReplica(port: number, replicaPid: number): Promise<{ events: string[]; flags: string }> {
  const { c, seen } = await eventsClient(port);
  await c.call('SUBSCRIBE', '+sdown', '-sdown');
  process.kill(replicaPid, 'SIGSTOP');
  const flagsWhileDown = await (async (): Promise<string> => {
    try {
      await until('+sdown slave', () => seen.some((e) => e.startsWith('+sdown slave ')), 20_000);
      const rows = await ask(port, 'SENTINEL', 'replicas', 'mymaster');
      const row = rows.type === 'array' && rows.value[0]?.type === 'array' ? rows.value[0].value : [];
      return str(row[9]);
    } finally {
      process.kill(replicaPid, 'SIGCONT');
    }
  })();
  await until('-sdown slave', () => seen.some((e) => e.startsWith('-sdown slave ')), 20_000);
  return { events: seen.map((e) => e.replace(/\b\d{4,5}\b/g, '<port>')), flags: flagsWhileDown };
}

describePeer('redis-sentinel', 'sentinel events on Pub/Sub: ours beside a real redis-sentinel', (sentinelBin) => {
  test('a replica SIGSTOPped past down-after: both publish +sdown slave, then -sdown slave once it is continued', async () => {
    const a = await pair();
    const real = await realSentinel(sentinelBin, a.master.port, 1, 5000);
    const realEvents = await sdownOfStoppedReplica(real.port, a.replica.pid);
    const b = await pair();
    const ours = await ourSentinel(b.master.port, 5000);
    const ourEvents = await sdownOfStoppedReplica(ours.port, b.replica.pid);
    // `disconnected` comes and goes on both sides while the replica is stopped (a real sentinel
    // kills a link idle for down-after / 2 and reconnects: the kernel accepts, the process does not
    // answer; ours drops a link after a 2 s reply timeout), so it is left out of the comparison.
    const sansLink = (flags: string): string => flags.replace(',disconnected', '');
    expect(sansLink(realEvents.flags)).toBe('s_down,slave');
    expect(sansLink(ourEvents.flags)).toBe(sansLink(realEvents.flags));
    expect(realEvents.events).toEqual(['+sdown slave 127.0.0.1:<port> 127.0.0.1 <port> @ mymaster 127.0.0.1 <port>', '-sdown slave 127.0.0.1:<port> 127.0.0.1 <port> @ mymaster 127.0.0.1 <port>']);
    expect(ourEvents.events).toEqual(realEvents.events);
  });

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
