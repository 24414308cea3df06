import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type PeerServer } from '@protolab/testkit';
import { RespClient, type RespValue } from '@protolab/resp';

/** A reply as text: bulk/simple strings as strings, integers as numbers, arrays recursively. */
export type Plain = string | number | null | Plain[];

export function plain(v: RespValue): Plain {
  switch (v.type) {
    case 'bulk':
    case 'verbatim':
      return Buffer.from(v.value).toString('utf8');
    case 'simple':
      return v.value;
    case 'error':
      return `-${v.value}`;
    case 'integer':
      return Number(v.value);
    case 'array':
    case 'set':
    case 'push':
      return v.value.map(plain);
    case 'null':
      return null;
    default:
      return JSON.stringify(v);
  }
}

/** One command on a short-lived connection. */
export async function cmd(port: number, ...argv: (string | number)[]): Promise<Plain> {
  const c = await RespClient.connect(port);
  try {
    return plain(await c.call(...argv));
  } finally {
    await c.close();
  }
}

/** Commands on one connection (pipelined), all replies. */
export async function pipeline(port: number, commands: readonly (readonly (string | number)[])[]): Promise<Plain[]> {
  const c = await RespClient.connect(port);
  try {
    return (await Promise.all(commands.map((a) => c.call(...a)))).map(plain);
  } finally {
    await c.close();
  }
}

/** `INFO section` as a Map of its fields. */
export async function info(port: number, section: string): Promise<Map<string, string>> {
  const text = String(await cmd(port, 'INFO', section));
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

/** Polls `probe` until it returns true (every 50 ms), or throws after `timeoutMs` with `what`. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A dataset with every type and a TTL, as commands. */
export const SEED: readonly (readonly (string | number)[])[] = [
  ...Array.from({ length: 200 }, (_, i) => ['SET', `k${i}`, `v${i}`]),
  ['RPUSH', 'list', 'a', 'b', 'c'],
  ['HSET', 'h', 'f', '1', 'g', '2'],
  ['SADD', 's', '1', '2', 'x'],
  ['ZADD', 'z', '1.5', 'a', '2', 'b'],
  ['SET', 'ttl', 'x', 'EX', '1000'],
  ['SET', 'big', 'y'.repeat(5000)],
  ['SELECT', '3'],
  ['SET', 'in3', 'three'],
];

/** What a replica should read back after SEED (the same calls on both sides compare equal). */
export async function snapshot(port: number): Promise<Plain[]> {
  return pipeline(port, [
    ['DBSIZE'],
    ['GET', 'k199'],
    ['LRANGE', 'list', '0', '-1'],
    ['HGETALL', 'h'],
    ['SCARD', 's'],
    ['SISMEMBER', 's', 'x'],
    ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
    ['STRLEN', 'big'],
    ['SELECT', '3'],
    ['GET', 'in3'],
  ]);
}

/**
 * A real redis-sentinel monitoring the master on `masterPort` as `mymaster`, quorum 1,
 * down-after 1 s, failover-timeout 10 s (its own port and directory, stopped by the caller).
 */
export async function startRealSentinel(masterPort: number): Promise<PeerServer> {
  return startServer({
    name: 'redis-sentinel',
    command: 'redis-sentinel',
    args: ({ port, dir }) => {
      const conf = join(dir, 'sentinel.conf');
      writeFileSync(conf, `port ${port}\ndir ${dir}\nsentinel monitor mymaster 127.0.0.1 ${masterPort} 1\nsentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 10000\n`);
      return [conf];
    },
  });
}
