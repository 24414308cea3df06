// OBJECT ENCODING at and around every 7.0 threshold, on redis-server 7.0.15 and on the keyspace.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import { RespClient, encode, encodeCommand } from '@protolab/resp';
import { Keyspace } from '../src/index.js';

const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

const SCRIPT: string[][] = [
  ['SET', 's44', 'x'.repeat(44)], ['SET', 's45', 'x'.repeat(45)], ['SET', 'i20', '-9223372036854775808'], ['SET', 'i21', '9223372036854775808'],
  ['SET', 'lead0', '01'], ['SET', 'neg0', '-0'], ['APPEND', 'ap', '12'], ['APPEND', 'ap2', '1'], ['APPEND', 'ap2', '2'], ['INCRBYFLOAT_SKIP'],
  ['SADD', 'set512', ...range(512, String)], ['SADD', 'set513', ...range(513, String)], ['SADD', 'setmix', '1', 'a'], ['SADD', 'setmix2', 'a', '1'],
  ['SREM', 'setmix2', 'a'], ['SADD', 'setbig', '9223372036854775807', '-9223372036854775808'], ['SADD', 'setbig2', '9223372036854775808'],
  ['ZADD', 'z128', ...range(128, (i) => [String(i), `m${i}`]).flat()], ['ZADD', 'z129', ...range(129, (i) => [String(i), `m${i}`]).flat()],
  ['ZADD', 'z64', '1', 'y'.repeat(64)], ['ZADD', 'z65', '1', 'y'.repeat(65)], ['ZADD', 'zgrow', '1', 'a'], ['ZADD', 'zgrow', '2', 'y'.repeat(65)], ['ZREM_SKIP'],
  ['HSET', 'h512', ...range(512, (i) => [`f${i}`, 'v']).flat()], ['HSET', 'h513', ...range(513, (i) => [`f${i}`, 'v']).flat()],
  ['HSET', 'hv64', 'f', 'v'.repeat(64)], ['HSET', 'hv65', 'f', 'v'.repeat(65)], ['HSET', 'hf65', 'f'.repeat(65), 'v'],
  ['HSET', 'hshrink', 'f', 'v'.repeat(65)], ['HSET', 'hshrink', 'f', 'v'], ['RPUSH', 'list', 'a'], ['LPUSH', 'list2', ...range(1000, String)],
];

describePeer('redis-server', 'OBJECT ENCODING thresholds: keyspace vs redis-server 7.0.15', () => {
  let server: PeerServer;
  let client: RespClient;
  beforeAll(async () => {
    server = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'] });
    client = await RespClient.connect(server.port);
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it('every key of the script reports the same encoding, and the script replies agree byte for byte', async () => {
    const ks = new Keyspace({ now: () => Date.now() });
    for (const argv of SCRIPT.filter((a) => !a[0]!.endsWith('_SKIP'))) {
      const real = await client.raw(encodeCommand(argv));
      expect(Buffer.from(encode(ks.execute(argv))).toString('latin1'), argv.slice(0, 3).join(' ')).toBe(real.toString('latin1'));
    }
    const keys = [...new Set(SCRIPT.filter((a) => !a[0]!.endsWith('_SKIP')).map((a) => a[1]!))];
    for (const key of keys) {
      const real = await client.raw(encodeCommand(['OBJECT', 'ENCODING', key]));
      expect(Buffer.from(encode(ks.execute(['OBJECT', 'ENCODING', key]))).toString('latin1'), key).toBe(real.toString('latin1'));
    }
    expect(keys.length).toBeGreaterThan(25);
  });
});
