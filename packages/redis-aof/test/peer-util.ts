/** Helpers for the peer tests: start a real redis-server on an AOF dir, dump its data as canon lines. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RespClient, type RespValue } from '@protolab/resp';
import { startServer, type PeerServer } from '@protolab/testkit';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-aof-peer-'));
}

export async function startRedis(dir: string, extra: readonly string[] = []): Promise<PeerServer> {
  return startServer({
    name: 'redis-aof',
    command: 'redis-server',
    dir,
    args: ({ port }) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', ...extra],
  });
}

const text = (v: RespValue): string => {
  if (v.type === 'bulk') return Buffer.from(v.value).toString('latin1');
  if (v.type === 'simple' || v.type === 'error') return v.value;
  if (v.type === 'integer') return String(v.value);
  throw new Error(`unexpected reply ${JSON.stringify(v)}`);
};
const arr = (v: RespValue): RespValue[] => (v.type === 'array' ? [...v.value] : []);

/** The server's data in the same canon form as test/canon.ts. */
export async function dumpServer(c: RespClient, databases = 4): Promise<string[]> {
  await waitLoaded(c);
  const out: string[] = [];
  for (let db = 0; db < databases; db++) {
    await c.call('SELECT', db);
    const keys = arr(await c.call('KEYS', '*')).map(text);
    for (const k of keys) {
      const type = text(await c.call('TYPE', k));
      let t: string;
      if (type === 'string') t = `string ${JSON.stringify(text(await c.call('GET', k)))}`;
      else if (type === 'list') t = `list ${JSON.stringify(arr(await c.call('LRANGE', k, 0, -1)).map(text))}`;
      else if (type === 'set') t = `set ${JSON.stringify(arr(await c.call('SMEMBERS', k)).map(text).sort())}`;
      else if (type === 'zset') {
        const flat = arr(await c.call('ZRANGE', k, 0, -1, 'WITHSCORES')).map(text);
        const pairs: [string, number][] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, Number(flat[i + 1])]);
        t = `zset ${JSON.stringify(pairs)}`;
      } else if (type === 'hash') {
        const flat = arr(await c.call('HGETALL', k)).map(text);
        const pairs: [string, string][] = [];
        for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
        t = `hash ${JSON.stringify(pairs.sort())}`;
      } else t = type;
      const pxat = Number(text(await c.call('PEXPIRETIME', k)));
      out.push(`${db} ${JSON.stringify(k)} ${t}${pxat >= 0 ? ` px@${pxat}` : ''}`);
    }
  }
  await c.call('SELECT', 0);
  return out.sort();
}

/** Redis listens before it loads: commands get -LOADING until the AOF is replayed. */
export async function waitLoaded(c: RespClient): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const r = await c.call('PING');
    if (r.type !== 'error') return;
    await new Promise((res) => setTimeout(res, 10));
  }
  throw new Error('redis-server is still loading');
}

/** BGREWRITEAOF and wait until it is finished. */
export async function bgrewriteaof(c: RespClient): Promise<void> {
  await c.call('BGREWRITEAOF');
  for (let i = 0; i < 500; i++) {
    const info = text(await c.call('INFO', 'persistence'));
    if (/aof_rewrite_in_progress:0/.test(info) && /aof_rewrite_scheduled:0/.test(info)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('BGREWRITEAOF did not finish');
}

export { RespClient };
