import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { ask, ourSentinel, pair, realSentinel, stopAll, str, until } from './peer-helpers.js';

/**
 * `sentinel notification-script` and `sentinel client-reconfig-script` (redis/redis src/sentinel.c,
 * 7.0) beside a real redis-sentinel 7.0.15: the same deployment (a real master and replica, quorum
 * 1), the same two shell scripts that append their arguments to a file, the master killed. Each
 * sentinel must run the notification script for the same events with the same two arguments, and
 * the reconfiguration script once with `mymaster leader start <old> <new>`. Scripts run in parallel,
 * so their lines are compared as multisets (sorted), with ports and run ids normalised.
 */
afterEach(stopAll);

function scripts(): { dir: string; log: string; notify: string; reconf: string } {
  const dir = mkdtempSync(join(tmpdir(), 'protolab-scripts-'));
  const log = join(dir, 'calls.log');
  const notify = join(dir, 'notify.sh');
  const reconf = join(dir, 'reconf.sh');
  writeFileSync(notify, `#!/bin/sh\necho "notify $*" >> ${log}\n`);
  writeFileSync(reconf, `#!/bin/sh\necho "reconf $*" >> ${log}\n`);
  chmodSync(notify, 0o755);
  chmodSync(reconf, 0o755);
  return { dir, log, notify, reconf };
}

const lines = (log: string): string[] => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '') : []);

async function callsAcrossFailover(port: number, log: string, kill: () => Promise<void>): Promise<string[]> {
  await until('the sentinel knows the replica', async () => {
    const r = await ask(port, 'SENTINEL', 'replicas', 'mymaster');
    return r.type === 'array' && r.value.length === 1;
  });
  await kill();
  await until('+failover-end and the reconfiguration script ran', () => lines(log).some((l) => l.startsWith('notify +failover-end ')) && lines(log).some((l) => l.startsWith('reconf ')), 60_000);
  await until('the old master is seen down as a replica', () => lines(log).some((l) => l.startsWith('notify +sdown slave ')), 20_000);
  await until('no script pending', async () => str(await ask(port, 'INFO', 'sentinel')).includes('sentinel_scripts_queue_length:0'), 10_000);
  return lines(log).map((l) => l.replace(/\b[0-9a-f]{40}\b/g, '<id>').replace(/\b\d{4,5}\b/g, '<port>')).sort();
}

describePeer('redis-sentinel', 'notification and client reconfiguration scripts: ours beside a real redis-sentinel', (sentinelBin) => {
  test('across one fail-over both run the notification script for the same WARNING events with the same arguments, and the reconfiguration script once as leader', async () => {
    const a = await pair();
    const ra = scripts();
    const real = await realSentinel(sentinelBin, a.master.port, 1, 5000, [`sentinel notification-script mymaster ${ra.notify}`, `sentinel client-reconfig-script mymaster ${ra.reconf}`]);
    const realCalls = await callsAcrossFailover(real.port, ra.log, () => a.master.stop());
    const b = await pair();
    const rb = scripts();
    const ours = await ourSentinel(b.master.port, 5000, 1, { notificationScript: rb.notify, clientReconfigScript: rb.reconf });
    const ourCalls = await callsAcrossFailover(ours.port, rb.log, () => b.master.stop());
    expect(realCalls).toContain('reconf mymaster leader start 127.0.0.1 <port> 127.0.0.1 <port>');
    expect(realCalls).toContain('notify +monitor master mymaster 127.0.0.1 <port> quorum 1');
    expect(realCalls).toContain('notify +switch-master mymaster 127.0.0.1 <port> 127.0.0.1 <port>');
    expect(realCalls.some((l) => l.startsWith('notify +slave '))).toBe(false); // a NOTICE event runs no script
    expect(ourCalls).toEqual(realCalls);
  }, 120_000);
});
