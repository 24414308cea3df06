import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { describePeer, freePort, startServer } from '@protolab/testkit';
import { flushSentinelConfigFile, parseSentinelConfig, RealSentinel, SentinelServer, type SentinelFileConfig } from '../src/index.js';
import { ask, DOWN_AFTER_MS, ourSentinel, pair, realSentinel, stopAll, stops, str, until } from './peer-helpers.js';

/**
 * sentinelFlushConfig (redis/redis src/sentinel.c, 7.0) beside a real redis-sentinel 7.0.15: after
 * one fail-over each sentinel's config file names the promoted replica in `sentinel monitor` and
 * holds the fail-over's epochs and the old master as a known replica; our parser reads the real
 * sentinel's rewritten file; and each sentinel restarted from its own file answers the new master
 * at once, with config-epoch 1.
 */
afterEach(stopAll);

async function masterAddr(port: number): Promise<string> {
  const r = await ask(port, 'SENTINEL', 'get-master-addr-by-name', 'mymaster');
  return r.type === 'array' ? r.value.map(str).join(':') : '';
}

async function configEpoch(port: number): Promise<string> {
  const r = await ask(port, 'SENTINEL', 'master', 'mymaster');
  const f = r.type === 'array' ? r.value.map(str) : [];
  return f[f.indexOf('config-epoch') + 1] ?? '';
}

async function failOver(port: number, replicaPort: number, kill: () => Promise<void>): Promise<void> {
  await until('the sentinel knows the replica', async () => {
    const r = await ask(port, 'SENTINEL', 'replicas', 'mymaster');
    return r.type === 'array' && r.value.length === 1;
  });
  await kill();
  await until('+switch-master', async () => (await masterAddr(port)) === `127.0.0.1:${replicaPort}`, 60_000);
  await new Promise((r) => setTimeout(r, 1500)); // the +slave and config flush that follow
}

/** What a restart reads: the monitored address and the saved state, ports normalised. */
const view = (c: SentinelFileConfig, ports: Map<number, string>): unknown => ({
  monitor: `${c.masterIp}:${ports.get(c.masterPort) ?? c.masterPort}`,
  currentEpoch: c.saved.currentEpoch,
  configEpoch: c.saved.configEpoch,
  leaderEpoch: c.saved.leaderEpoch,
  knownReplicas: c.saved.knownReplicas.map((a) => a.replace(/\d+$/, (p) => ports.get(Number(p)) ?? p)),
});

describePeer('redis-sentinel', 'sentinelFlushConfig: a restart after a fail-over, ours beside a real redis-sentinel', (sentinelBin) => {
  test('both files name the promoted replica with epoch 1 and the old master as a known replica; both restarted sentinels answer the new master with config-epoch 1', async () => {
    // The real one rewrites its own file.
    const a = await pair();
    const real = await realSentinel(sentinelBin, a.master.port, 1, 5000);
    await failOver(real.port, a.replica.port, () => a.master.stop());
    const realText = readFileSync(join(real.dir, 'sentinel.conf'), 'utf8'); // its dir goes with it when stopped
    const realConf = parseSentinelConfig(realText);
    // Ours: the same deployment, its file flushed from the core (what protolab-sentinel does after each event).
    const b = await pair();
    const ourFile = join(mkdtempSync(join(tmpdir(), 'protolab-flush-')), 'sentinel.conf');
    writeFileSync(ourFile, `port 26379\nsentinel monitor mymaster 127.0.0.1 ${b.master.port} 1\nsentinel down-after-milliseconds mymaster ${DOWN_AFTER_MS}\nsentinel failover-timeout mymaster 5000\n`);
    const ours = await ourSentinel(b.master.port, 5000);
    await failOver(ours.port, b.replica.port, () => b.master.stop());
    expect(flushSentinelConfigFile(ourFile, ours.sentinel.core)).toBe('saved');
    const ourConf = parseSentinelConfig(readFileSync(ourFile, 'utf8'));
    const realView = view(realConf, new Map([[a.master.port, 'old'], [a.replica.port, 'new']]));
    expect(realView).toEqual({ monitor: '127.0.0.1:new', currentEpoch: 1, configEpoch: 1, leaderEpoch: 1, knownReplicas: ['127.0.0.1:old'] });
    expect(view(ourConf, new Map([[b.master.port, 'old'], [b.replica.port, 'new']]))).toEqual(realView);

    // Restarts: the real sentinel from its rewritten file, ours from its own.
    await real.stop();
    const real2 = await startServer({ name: 'redis-sentinel', command: sentinelBin, args: ({ dir, port }) => {
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(conf, realText.replace(/^port \d+$/m, `port ${port}`).replace(/^dir .*$/m, `dir ${dir}`));
      return [conf];
    } });
    stops.push(() => real2.stop());
    const port2 = await freePort();
    const again = new RealSentinel({ config: { masterName: ourConf.masterName, masterAddr: `${ourConf.masterIp}:${ourConf.masterPort}`, quorum: ourConf.quorum, downAfterMs: ourConf.downAfterMs, failoverTimeoutMs: ourConf.failoverTimeoutMs, saved: ourConf.saved }, myid: ourConf.myid ?? 'b2'.repeat(20), announce: `127.0.0.1:${port2}` });
    const server2 = await SentinelServer.listen(again, { port: port2 });
    again.start();
    stops.push(async () => { await server2.close(); await again.stop(); });
    expect(await masterAddr(real2.port)).toBe(`127.0.0.1:${a.replica.port}`);
    expect(await masterAddr(port2)).toBe(`127.0.0.1:${b.replica.port}`);
    expect(await configEpoch(real2.port)).toBe('1');
    expect(await configEpoch(port2)).toBe('1');
  }, 150_000);
});
