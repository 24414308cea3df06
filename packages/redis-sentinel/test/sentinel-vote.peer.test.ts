import { afterEach, expect, test } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { ask, ourSentinel, pair, realSentinel, stopAll, str, until } from './peer-helpers.js';

/**
 * protolab's sentinel and a real redis-sentinel 7.0.15 as the two sentinels of one deployment,
 * quorum 2: neither reaches ODOWN alone, and with two voters the leader needs both votes, so a
 * fail-over happens only if each side reads the other's `SENTINEL is-master-down-by-addr`
 * replies over TCP (ours answered by our SENTINEL server, theirs asked by RealSentinel).
 */
afterEach(stopAll);

describePeer('redis-sentinel', 'protolab sentinel and real redis-sentinel in one quorum', (sentinelBin) => {
  test('with quorum 2 of 2 sentinels (one ours, one real), killing the master still ends in one promoted replica both sentinels agree on', async () => {
    const { master, replica } = await pair();
    const ours = await ourSentinel(master.port, 4000, 2);
    const real = await realSentinel(sentinelBin, master.port, 2, 4000);
    // Each has found the other through the hellos on the master's __sentinel__:hello channel.
    await until('the real sentinel knows ours', async () => {
      const r = await ask(real.port, 'SENTINEL', 'sentinels', 'mymaster');
      return r.type === 'array' && r.value.length === 1;
    });
    await until('ours knows the real one and the replica', () => ours.sentinel.core.sentinels.size === 1 && [...ours.sentinel.core.slaves.values()].some((s) => s.runid !== undefined));
    await master.stop();
    const addrOf = async (port: number): Promise<string> => {
      const r = await ask(port, 'SENTINEL', 'get-master-addr-by-name', 'mymaster');
      return r.type === 'array' ? r.value.map(str).join(':') : '';
    };
    const promoted = `127.0.0.1:${replica.port}`;
    await until('both sentinels name the replica as master', async () => (await addrOf(real.port)) === promoted && (await addrOf(ours.port)) === promoted, 120_000);
    const role = await ask(replica.port, 'ROLE');
    expect(role.type === 'array' ? str(role.value[0]) : '').toBe('master');
    const ev = ours.sentinel.core.events;
    // ODOWN needed the other sentinel's "down" (#quorum 2/2), whoever led.
    const leaderIsOurs = ev.some((e) => e.startsWith('+elected-leader'));
    if (leaderIsOurs) expect(ev.some((e) => e.startsWith('+odown') && e.endsWith('#quorum 2/2'))).toBe(true);
    // Otherwise the real sentinel led, which with two voters needed ours: asked over TCP, answered by our server.
    else expect(ev).toContain(`+vote-for-leader ${str(await ask(real.port, 'SENTINEL', 'myid'))} 1`);
  });
});
