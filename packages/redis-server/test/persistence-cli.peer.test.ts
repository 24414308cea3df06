import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { RespClient } from '@protolab/resp';
import { killRun, startCli } from './killtest.js';
import { halfGigabyteStringRdb, tinyImpossibleLzfRdb } from './forged-rdb.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-redis-cli-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const str = (v: unknown): string | undefined => (typeof v === 'object' && v !== null && 'value' in v && v.value instanceof Uint8Array ? Buffer.from(v.value).toString() : undefined);

// The real process, node and the file system only: runs with the peer tests (PROTOLAB_PEERS=1, CI).
describe('protolab-redis CLI: persistence through the real process', () => {
  test('crash safety: SIGKILL at 4 random moments under appendfsync always; every acknowledged write is there after restart', async () => {
    for (const killAfterMs of [60, 250, 700, 1200]) {
      const r = await killRun(killAfterMs);
      expect(r.acked).toBeGreaterThan(0);
      expect(r.missing).toEqual([]);
      expect(r.counter.found).toBeGreaterThanOrEqual(r.counter.acked);
    }
  });

  test('SIGTERM with save points writes dump.rdb; a restart with appendonly no loads it; SHUTDOWN NOSAVE does not save', async () => {
    const dir = tmp();
    const a = await startCli(['--dir', dir, '--save', '3600 1']);
    const c = await RespClient.connect(a.port);
    await c.call('SET', 'greeting', 'hello');
    await c.call('RPUSH', 'l', '1', '2', '3');
    await c.close();
    a.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(0);
    expect(fs.existsSync(path.join(dir, 'dump.rdb'))).toBe(true);
    const b = await startCli(['--dir', dir, '--save', '3600 1']);
    const d = await RespClient.connect(b.port);
    expect(str(await d.call('GET', 'greeting'))).toBe('hello');
    expect(await d.call('LLEN', 'l')).toEqual({ type: 'integer', value: 3n });
    await d.call('SET', 'greeting', 'changed');
    void d.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
    expect((await b.exited).code).toBe(0);
    const e = await startCli(['--dir', dir]);
    const f = await RespClient.connect(e.port);
    expect(str(await f.call('GET', 'greeting'))).toBe('hello');
    await f.close();
    e.child.kill('SIGTERM');
    await e.exited;
  });

  test('a config file with persistence directives; a damaged AOF manifest makes the CLI exit 1 with the reason', async () => {
    const dir = tmp();
    const conf = path.join(dir, 'redis.conf');
    fs.writeFileSync(conf, `appendonly yes\nappendfsync everysec\nsave ""\ndir ${dir}\n`);
    const a = await startCli([conf]);
    const c = await RespClient.connect(a.port);
    await c.call('SET', 'k', 'v');
    const cfg = await c.call('CONFIG', 'GET', 'appendfsync');
    expect(cfg.type === 'array' || cfg.type === 'map').toBe(true);
    await c.close();
    a.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(0);
    fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file x seq 1 type q\n');
    await expect(startCli([conf])).rejects.toThrow(/exited \(1\) before it was ready/);
  });

  test('a dump.rdb it cannot load (an impossible LZF length; a 2^29-byte string, longer than a JS string holds) makes the CLI exit 1 naming the problem, no stack trace, never ready (redis-server 7.0.15 exits 1 on the first)', async () => {
    for (const [dump, reason] of [
      [tinyImpossibleLzfRdb(), /protolab-redis: Short read or OOM loading DB\. Unrecoverable error, aborting now\. \(LZF_CORRUPT: LZF: announced length 536870912 is impossible/],
      [halfGigabyteStringRdb(), /protolab-redis: Short read or OOM loading DB\. Unrecoverable error, aborting now\. \(STRING_TOO_LONG: a 536870912-byte string is longer than the longest value \(536870888 bytes\); reading key "k"\)/],
    ] as const) {
      const dir = tmp();
      fs.writeFileSync(path.join(dir, 'dump.rdb'), dump);
      const failure = await startCli(['--dir', dir]).then(() => undefined, (e: unknown) => (e instanceof Error ? e.message : String(e)));
      expect(failure).toMatch(/exited \(1\) before it was ready/);
      expect(failure).toMatch(reason);
      expect(failure).not.toMatch(/\n\s+at /); // no stack trace
      expect(failure).not.toContain('ready to accept connections');
    }
  });
});
