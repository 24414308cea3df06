/**
 * protolab-rdb on a dump written by a real redis-server 7.0.15 (npm run test:peers): the bin is
 * spawned as a user would run it; its inspect counts and to-json values are compared with what
 * the server answers.
 */
import { expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describePeer, startServer } from '@protolab/testkit';
import { RespClient } from '@protolab/resp';

const BIN = fileURLToPath(new URL('../src/bin/protolab-rdb.ts', import.meta.url));

function spawnCli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--conditions=@protolab/source', '--import', 'tsx', BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describePeer('redis-server', 'protolab-rdb against a dump written by redis-server 7.0.15', () => {
  it('inspect and to-json agree with the server (DBSIZE per db, keys with a TTL, every value of a sample)', async () => {
    const srv = await startServer({
      name: 'redis-server',
      command: 'redis-server',
      args: ({ port, dir }) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--dbfilename', 'dump.rdb', '--save', '', '--appendonly', 'no'],
    });
    try {
      const c = await RespClient.connect(srv.port);
      try {
        for (let i = 0; i < 2000; i++) {
          await c.call('SET', `str:${i}`, i % 3 === 0 ? String(i) : `value-${'x'.repeat(i % 80)}`);
          if (i % 10 === 0) await c.call('HSET', `hash:${i}`, 'a', '1', 'b', 'two');
          if (i % 50 === 0) await c.call('RPUSH', `list:${i}`, ...Array.from({ length: 300 }, (_, k) => `e${k}`));
          if (i % 100 === 0) await c.call('ZADD', `zset:${i}`, '1.5', 'a', '2', 'b');
          if (i % 7 === 0) await c.call('PEXPIRE', `str:${i}`, '86400000');
        }
        await c.call('SELECT', '5');
        await c.call('SADD', 'ints', '1', '2', '3');
        await c.call('SELECT', '0');
        const size = await c.call('DBSIZE');
        const saved = await c.call('SAVE');
        expect(saved).toEqual({ type: 'simple', value: 'OK' });
        const dump = join(srv.dir, 'dump.rdb');
        const r = spawnCli(['inspect', dump, '--json']);
        expect(r.code).toBe(0);
        const rep = JSON.parse(r.out) as { aux: Record<string, string>; databases: { db: number; keys: number; expires: number }[] }; // map-ok: parsed report
        expect(rep.aux['redis-ver']).toMatch(/^7\.0\./);
        expect(rep.databases.map((d) => [d.db, d.keys, d.expires])).toEqual([[0, size.type === 'integer' ? Number(size.value) : -1, Math.ceil(2000 / 7)], [5, 1, 0]]);
        const j = spawnCli(['to-json', dump]);
        expect(j.code).toBe(0);
        const lines = j.out.trim().split('\n').map((l) => JSON.parse(l) as { db: number; key: string; type: string; value: unknown });
        for (const l of lines.filter((x) => x.key === 'str:3' || x.key === 'hash:10' || x.key === 'list:50' || x.key === 'zset:100')) {
          if (l.type === 'string') expect(await c.call('GET', l.key)).toEqual({ type: 'bulk', value: new TextEncoder().encode(l.value as string) });
          if (l.type === 'hash') expect(l.value).toEqual([['a', '1'], ['b', 'two']]);
          if (l.type === 'list') expect((l.value as string[]).length).toBe(300);
          if (l.type === 'zset') expect(l.value).toEqual([['a', 1.5], ['b', 2]]);
        }
      } finally {
        await c.close();
      }
    } finally {
      await srv.stop();
    }
  });
});
