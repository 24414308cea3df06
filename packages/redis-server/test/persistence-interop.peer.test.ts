import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { RespClient } from '@protolab/resp';
import type { RespValue } from '@protolab/resp';
import { describePeer, startServer } from '@protolab/testkit';
import { startCli } from './killtest.js';

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-redis-interop-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const s = (v: RespValue): string => (v.type === 'bulk' || v.type === 'simple' || v.type === 'verbatim' ? Buffer.from(v.value).toString('latin1') : v.type === 'integer' ? String(v.value) : v.type === 'array' ? `[${v.value.map(s).join(',')}]` : v.type);

/** Every encoding Redis 7.0 writes: int/embstr/raw strings, lists, intset/hashtable sets, listpack/skiplist zsets and hashes, TTLs, two dbs. */
async function populate(c: RespClient): Promise<void> {
  await c.call('SET', 'int', '12345');
  await c.call('SET', 'str', 'hello');
  await c.call('SET', 'raw', 'x'.repeat(300));
  await c.call('SET', 'ttl', 'v', 'EX', '3600');
  await c.call('RPUSH', 'list', ...Array.from({ length: 200 }, (_, i) => `e${i}`));
  await c.call('SADD', 'iset', '1', '2', '300');
  await c.call('SADD', 'set', ...Array.from({ length: 600 }, (_, i) => `m${i}`));
  await c.call('ZADD', 'zsmall', '1.5', 'a', '2', 'b');
  await c.call('ZADD', 'zbig', ...Array.from({ length: 200 }, (_, i) => [String(i / 3), `z${i}`]).flat());
  await c.call('HSET', 'hsmall', 'f', 'v', 'g', '7');
  await c.call('HSET', 'hbig', ...Array.from({ length: 600 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  await c.call('INCR', 'counter');
  await c.call('SELECT', '5');
  await c.call('SET', 'in-db5', 'yes');
  await c.call('SELECT', '0');
}

/** The dataset as text: per db, per key (sorted), its type and value (sets and hashes sorted), and whether it has a TTL. */
async function snapshot(c: RespClient): Promise<string[]> {
  const out: string[] = [];
  for (const db of ['0', '5']) {
    await c.call('SELECT', db);
    const keys = await c.call('KEYS', '*');
    const names = keys.type === 'array' ? keys.value.map(s).sort() : [];
    for (const k of names) {
      const type = s(await c.call('TYPE', k));
      let value: string;
      if (type === 'string') value = s(await c.call('GET', k));
      else if (type === 'list') value = s(await c.call('LRANGE', k, '0', '-1'));
      else if (type === 'set') value = s(await c.call('SMEMBERS', k)).slice(1, -1).split(',').sort().join(',');
      else if (type === 'zset') value = s(await c.call('ZRANGE', k, '0', '-1', 'WITHSCORES'));
      else value = s(await c.call('HGETALL', k)).slice(1, -1).split(',').reduce<string[]>((acc, x, i, a) => (i % 2 === 0 ? [...acc, `${x}=${a[i + 1] ?? ''}`] : acc), []).sort().join(',');
      const pttl = await c.call('PTTL', k);
      out.push(`db${db} ${k} ${type} ttl=${pttl.type === 'integer' && pttl.value > 0n ? 'yes' : 'no'} ${value}`);
    }
  }
  await c.call('SELECT', '0');
  return out;
}

const realArgs = (appendonly: string) => ({ port, dir }: { port: number; dir: string }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', appendonly];

describePeer('redis-server', 'persistence interop with redis-server 7.0.15: AOF directories and RDB files in both directions', () => {
  test('protolab loads the AOF directory and the dump.rdb a real redis-server wrote', async () => {
    for (const appendonly of ['yes', 'no']) {
      const dir = tmp();
      const real = await startServer({ name: 'redis-server', command: 'redis-server', dir, args: realArgs(appendonly) });
      const c = await RespClient.connect(real.port);
      await populate(c);
      const expected = await snapshot(c);
      if (appendonly === 'no') await c.call('SAVE');
      void c.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      await real.stop();
      expect(fs.existsSync(path.join(dir, appendonly === 'yes' ? 'appendonlydir/appendonly.aof.manifest' : 'dump.rdb'))).toBe(true);
      const ours = await startCli(['--dir', dir, '--appendonly', appendonly, '--save', '']);
      const d = await RespClient.connect(ours.port);
      expect(await snapshot(d)).toEqual(expected);
      await d.close();
      ours.child.kill('SIGTERM');
      await ours.exited;
    }
  });

  test('a real redis-server loads the AOF directory (after a BGREWRITEAOF and more writes) and the dump.rdb protolab wrote', async () => {
    for (const appendonly of ['yes', 'no']) {
      const dir = tmp();
      const ours = await startCli(['--dir', dir, '--appendonly', appendonly, '--appendfsync', 'always', '--save', '']);
      const c = await RespClient.connect(ours.port);
      await populate(c);
      if (appendonly === 'yes') {
        await c.call('BGREWRITEAOF');
        await new Promise((r) => setTimeout(r, 300));
        await c.call('SET', 'after-rewrite', '1');
        await c.call('LPUSH', 'list', 'head');
      } else {
        expect(s(await c.call('SAVE'))).toBe('OK');
      }
      const expected = await snapshot(c);
      void c.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
      expect((await ours.exited).code).toBe(0);
      const real = await startServer({ name: 'redis-server', command: 'redis-server', dir, args: realArgs(appendonly) });
      const d = await RespClient.connect(real.port);
      expect(await snapshot(d)).toEqual(expected);
      await d.close();
      await real.stop();
    }
  });

  test('INFO persistence has the fields of redis-server 7.0.15, in its order (appendonly no and yes)', async () => {
    for (const appendonly of ['no', 'yes']) {
      const real = await startServer({ name: 'redis-server', command: 'redis-server', args: realArgs(appendonly) });
      const ours = await startCli(['--dir', tmp(), '--appendonly', appendonly, '--save', '']);
      const fields = async (port: number): Promise<string[]> => {
        const c = await RespClient.connect(port);
        const text = s(await c.call('INFO', 'persistence'));
        await c.close();
        return text.split('\r\n').filter((l) => l.includes(':')).map((l) => l.split(':')[0] ?? '');
      };
      expect(await fields(ours.port)).toEqual(await fields(real.port));
      await real.stop();
      ours.child.kill('SIGTERM');
      await ours.exited;
    }
  });
});
