/**
 * The real `redis-cli` (7.0) against startRedisCluster: `--cluster check` reports the cluster
 * OK, `-c` follows MOVED, and `redis-cli --cluster reshard` itself moves slots (and keys) between
 * protolab nodes; our own `reshard` leaves a cluster that `--cluster check` accepts too.
 * redis-cli is spawned asynchronously (a sync spawn would block the loop the nodes run on).
 */
import { execFile, spawn } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, expect, test } from 'vitest';
import { keyHashSlot } from '@protolab/redis-cluster';
import { describePeer } from '@protolab/testkit';
import { reshard, startRedisCluster } from '../src/index.js';
import type { RunningRedisCluster } from '../src/index.js';

let cluster: RunningRedisCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** redis-cli's output without its ANSI colours. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plainText = (s: string): string => s.replace(ANSI, '');
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
const tsxCli = `${repoRoot}node_modules/tsx/dist/cli.mjs`;
const cliPath = 'packages/redis-server/src/bin/protolab-redis.ts';

/** Can something listen on 127.0.0.1:port right now? */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => {
      resolve(false);
    });
    s.listen(port, '127.0.0.1', () => {
      s.close(() => {
        resolve(true);
      });
    });
  });
}

/** A base port with `n` free consecutive ports (and their +10000 bus ports unused by us). */
async function consecutiveFreePorts(n: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const free = await Promise.all(Array.from({ length: n }, (_, i) => portFree(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free consecutive ports');
}

describePeer('redis-cli', 'redis-cli against a protolab cluster', (redisCli) => {
  const cli = async (...args: string[]): Promise<string> => plainText((await promisify(execFile)(redisCli, args, { encoding: 'utf8', timeout: 120_000 })).stdout);

  async function start(): Promise<RunningRedisCluster & { first: { port: number; id: string }; second: { port: number; id: string } }> {
    const c = await startRedisCluster({ masters: 3, port: 0 });
    cluster = c;
    const [first, second] = c.nodes;
    if (first === undefined || second === undefined) throw new Error('no nodes');
    return Object.assign(c, { first, second });
  }

  test('redis-cli --cluster check reports every slot covered and every node agreeing', async () => {
    const c = await start();
    const out = await cli('--cluster', 'check', `127.0.0.1:${c.first.port}`);
    expect(out).toContain('[OK] All nodes agree about slots configuration.');
    expect(out).toContain('[OK] All 16384 slots covered.');
    expect(out).toContain(`M: ${c.first.id} 127.0.0.1:${c.first.port}\n   slots:[0-5460] (5461 slots) master`);
  });

  test('redis-cli -c follows MOVED: SET and GET of a key another node owns', async () => {
    const c = await start();
    expect(await cli('-c', '-p', String(c.first.port), 'SET', 'foo', 'bar')).toBe('OK\n');
    expect(await cli('-c', '-p', String(c.first.port), 'GET', 'foo')).toBe('bar\n');
    expect(await cli('-p', String(c.first.port), 'GET', 'foo')).toMatch(/^MOVED 12182 127\.0\.0\.1:\d+\n+$/);
    expect(c.nodes[0]?.cluster.redirects.get('moved')).toBeGreaterThanOrEqual(3);
  });

  test('redis-cli --cluster reshard moves slots and their keys between protolab nodes; check stays OK', async () => {
    const c = await start();
    const keys: string[] = [];
    for (let i = 0; keys.length < 40; i++) if (keyHashSlot(`k${i}`) < 60) keys.push(`k${i}`);
    for (const k of keys) await cli('-c', '-p', String(c.first.port), 'SET', k, `v-${k}`);
    const out = await cli('--cluster', 'reshard', `127.0.0.1:${c.first.port}`, '--cluster-from', c.first.id, '--cluster-to', c.second.id, '--cluster-slots', '60', '--cluster-yes');
    expect(out).toContain('Moving slot 59 from');
    const check = await cli('--cluster', 'check', `127.0.0.1:${c.second.port}`);
    expect(check).toContain('[OK] All nodes agree about slots configuration.');
    expect(check).toContain('slots:[0-59],[5461-10922] (5522 slots) master');
    for (const k of keys) expect(await cli('-p', String(c.second.port), 'GET', k)).toBe(`v-${k}\n`);
  });

  test('after our reshard (from every other master), redis-cli --cluster check still reports OK', async () => {
    const c = await start();
    const r = await reshard({ port: c.first.port }, { from: 'all', to: c.first.id, slots: 100 });
    expect(r.moved.length).toBe(100);
    const check = await cli('--cluster', 'check', `127.0.0.1:${c.first.port}`);
    expect(check).toContain('[OK] All nodes agree about slots configuration.');
    expect(check).toContain('[OK] All 16384 slots covered.');
    expect(check).toContain('(5561 slots) master');
  });

  test('the CLI: protolab-redis --cluster 3 --port P, then protolab-redis --cluster-reshard; redis-cli --cluster check is OK', async () => {
    const base = await consecutiveFreePorts(3);
    const child = spawn(process.execPath, [tsxCli, cliPath, '--cluster', '3', '--port', String(base)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const ids = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const found = [...out.matchAll(/cluster node ([0-9a-f]{40}) ready on 127\.0\.0\.1:(\d+)/g)];
          if (found.length === 3) resolve(found.map((m) => m[1] ?? ''));
        });
        child.once('exit', (code) => {
          reject(new Error(`protolab-redis --cluster exited with ${String(code)}: ${out}`));
        });
      });
      const [from = '', , to = ''] = ids;
      const run = await promisify(execFile)(process.execPath, [tsxCli, cliPath, '--cluster-reshard', `127.0.0.1:${base}`, '--from', from, '--to', to, '--slots', '10'], { cwd: repoRoot, encoding: 'utf8' });
      expect(run.stdout).toContain('[OK] 10 slots moved, 0 keys.');
      const check = await cli('--cluster', 'check', `127.0.0.1:${base + 2}`);
      expect(check).toContain('[OK] All nodes agree about slots configuration.');
      expect(check).toContain('slots:[0-9],[10923-16383] (5471 slots) master');
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });
});
