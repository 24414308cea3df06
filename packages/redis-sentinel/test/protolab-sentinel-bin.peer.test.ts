import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { parseSentinelConfig } from '../src/index.js';
import { ask, pair, protolabSentinelBin, stopAll, str, until } from './peer-helpers.js';

/**
 * `protolab-sentinel <sentinel.conf>` (src/bin) on a file with two `sentinel monitor` lines, each
 * a real master with one real replica: it monitors both (INFO sentinel, SENTINEL replicas per
 * name) and rewrites its file with both masters' state lines (sentinelFlushConfig per master).
 * Run as one node process with tsx's loader, so that stopping it stops the sentinel.
 */
afterEach(stopAll);

describePeer('redis-server', 'protolab-sentinel with two masters in its file', () => {
  test('monitors both masters of its file and rewrites the file with both masters\' state lines', async () => {
    const alpha = await pair();
    const beta = await pair();
    const s = await protolabSentinelBin([`sentinel monitor alpha 127.0.0.1 ${alpha.master.port} 1`, 'sentinel down-after-milliseconds alpha 5000', `sentinel monitor beta 127.0.0.1 ${beta.master.port} 1`]);
    const port = s.port;
    await until('both replicas known', async () => {
      const a = await ask(port, 'SENTINEL', 'replicas', 'alpha');
      const b = await ask(port, 'SENTINEL', 'replicas', 'beta');
      return a.type === 'array' && a.value.length === 1 && b.type === 'array' && b.value.length === 1;
    });
    const info = str(await ask(port, 'INFO', 'sentinel'));
    expect(info).toContain('sentinel_masters:2\r\n');
    expect(info).toContain(`master0:name=alpha,status=ok,address=127.0.0.1:${alpha.master.port},slaves=1,sentinels=1\r\n`);
    expect(info).toContain(`master1:name=beta,status=ok,address=127.0.0.1:${beta.master.port},slaves=1,sentinels=1\r\n`);
    await until('the file names both replicas', () => {
      const c = parseSentinelConfig(readFileSync(join(s.dir, 'sentinel.conf'), 'utf8'));
      return c.masters.every((m) => m.saved.knownReplicas.length === 1);
    });
    const c = parseSentinelConfig(readFileSync(join(s.dir, 'sentinel.conf'), 'utf8'));
    expect(c.masters.map((m) => [m.masterName, m.masterPort, m.downAfterMs, m.saved.knownReplicas])).toEqual([
      ['alpha', alpha.master.port, 5000, [`127.0.0.1:${alpha.replica.port}`]],
      ['beta', beta.master.port, 30000, [`127.0.0.1:${beta.replica.port}`]],
    ]);
    expect(c.myid).toMatch(/^[0-9a-f]{40}$/);
  }, 60_000);
});
