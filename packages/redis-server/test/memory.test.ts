import { describe, expect, test } from 'vitest';
import net from 'node:net';
import { RespDecoder } from '@protolab/resp';
import type { RespValue } from '@protolab/resp';
import { startRedisCluster } from '../src/index.js';
import { harness } from './helpers.js';

const req = (...argv: string[]): string => `*${argv.length}\r\n${argv.map((a) => `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`).join('')}`;

// Expected replies: redis-server 7.0.15's bytes for the same requests (redis-cli / raw RESP,
// 2026-12-05); memory-usage.peer.test.ts compares them live.
describe('MEMORY (object.c memoryCommand, 7.0)', () => {
  test('USAGE answers the bytes of the key and its value, a null bulk for a missing key', () => {
    const h = harness();
    h.connect(1);
    h.send(1, req('RPUSH', 'biglist', 'a', 'b', 'c', 'd', 'e', 'f'));
    expect(h.send(1, req('MEMORY', 'USAGE', 'biglist'))).toBe(':168\r\n');
    expect(h.send(1, req('MEMORY', 'USAGE', 'biglist', 'SAMPLES', '0'))).toBe(':168\r\n');
    expect(h.send(1, req('MEMORY', 'USAGE', 'nokey'))).toBe('$-1\r\n');
  });

  test('SAMPLES is parsed as memoryCommand parses it: a missing count, a negative one or another option is a syntax error, a non-number is not an integer', () => {
    const h = harness();
    h.connect(1);
    h.send(1, req('SET', 'k', 'v'));
    expect(h.send(1, req('MEMORY', 'USAGE', 'k', 'SAMPLES'))).toBe('-ERR syntax error\r\n');
    expect(h.send(1, req('MEMORY', 'USAGE', 'k', 'SAMPLES', '-1'))).toBe('-ERR syntax error\r\n');
    expect(h.send(1, req('MEMORY', 'USAGE', 'k', 'FOO', '1'))).toBe('-ERR syntax error\r\n');
    expect(h.send(1, req('MEMORY', 'USAGE', 'k', 'SAMPLES', 'x'))).toBe('-ERR value is not an integer or out of range\r\n');
    expect(h.send(1, req('MEMORY', 'USAGE', 'k', 'samples', '3', 'SAMPLES', '0'))).toBe(':64\r\n');
  });

  test('arity and unknown subcommands get the command table’s errors', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, req('MEMORY'))).toBe("-ERR wrong number of arguments for 'memory' command\r\n");
    expect(h.send(1, req('MEMORY', 'USAGE'))).toBe("-ERR wrong number of arguments for 'memory|usage' command\r\n");
    expect(h.send(1, req('MEMORY', 'STATS', 'x'))).toBe("-ERR wrong number of arguments for 'memory|stats' command\r\n");
    expect(h.send(1, req('MEMORY', 'foo'))).toBe("-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n");
  });

  test('HELP lists the subcommands; MALLOC-STATS and PURGE answer as Redis without jemalloc; DOCTOR on a small instance is the empty-instance text (verbatim in RESP3)', () => {
    const h = harness();
    h.connect(1);
    const help = h.send(1, req('MEMORY', 'HELP'));
    expect(help.startsWith('*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DOCTOR\r\n')).toBe(true);
    expect(help).toContain('+    sampled up to <count> times (default: 5, 0 means sample all).\r\n+HELP\r\n+    Prints this help.\r\n');
    expect(h.send(1, req('MEMORY', 'MALLOC-STATS'))).toBe('$45\r\nStats not supported for the current allocator\r\n');
    expect(h.send(1, req('MEMORY', 'PURGE'))).toBe('+OK\r\n');
    expect(h.send(1, req('MEMORY', 'DOCTOR'))).toMatch(/^\$\d+\r\nHi Sam, this instance is empty or is using very little memory/);
    h.send(1, req('HELLO', '3'));
    expect(h.send(1, req('MEMORY', 'DOCTOR'))).toMatch(/^=\d+\r\ntxt:Hi Sam, this instance is empty/);
  });

  test('STATS is a map of Redis’s fields: keys.count and the db.N overheads follow the keyspace', () => {
    const h = harness();
    h.connect(1);
    h.send(1, req('SET', 'a', '1'));
    h.send(1, req('SET', 'b', '2', 'EX', '100'));
    const stats = h.send(1, req('MEMORY', 'STATS'));
    expect(stats.startsWith('*56\r\n$14\r\npeak.allocated\r\n')).toBe(true); // 27 fields + db.0, flattened for RESP2
    expect(stats).toContain('$10\r\nkeys.count\r\n:2\r\n');
    // db.0: 2 × (dictEntry 24 + robj 16) + 4 buckets × 8; expires: 1 × 24 + 4 × 8.
    expect(stats).toContain('$4\r\ndb.0\r\n*6\r\n$23\r\noverhead.hashtable.main\r\n:112\r\n$26\r\noverhead.hashtable.expires\r\n:56\r\n');
  });

  test('in cluster mode each key counts 16 more bytes (clusterDictEntryMetadata): SET key:1 value:1 is 80, RPUSH biglist a..f 184, as a 7.0.15 cluster node says', async () => {
    const cluster = await startRedisCluster({ masters: 1, port: 0 });
    try {
      const port = cluster.nodes[0]?.port ?? 0;
      const s = net.connect(port, '127.0.0.1');
      const dec = new RespDecoder();
      const out: RespValue[] = [];
      const cmds = [['SET', 'key:1', 'value:1'], ['RPUSH', 'biglist', 'a', 'b', 'c', 'd', 'e', 'f'], ['MEMORY', 'USAGE', 'key:1'], ['MEMORY', 'USAGE', 'biglist']];
      await new Promise<void>((resolve, reject) => {
        s.on('error', reject);
        s.on('data', (b: Buffer) => {
          out.push(...dec.push(b));
          if (out.length >= cmds.length) resolve();
        });
        s.write(cmds.map((a) => req(...a)).join(''));
      });
      s.destroy();
      expect(out.slice(2)).toEqual([{ type: 'integer', value: 80n }, { type: 'integer', value: 184n }]);
    } finally {
      await cluster.close();
    }
  });
});
