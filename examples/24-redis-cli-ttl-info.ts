// redis-cli against protolab-redis: keys with TTLs expire lazily and actively, and INFO counts them (expired_keys, expired_stale_perc)
// Run alone: npx tsx examples/24-redis-cli-ttl-info.ts   (or: npm run example -- 24)
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { RespClient, showWire, encode } from '@protolab/resp';
import { startRedisServer } from '@protolab/redis-server';

// A protolab Redis server in this process, on a free port, with the real clock (hz 10).
const srv = await startRedisServer({ port: 0 });
const haveCli = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' }).status === 0;
const client = await RespClient.connect(srv.port);

/** One command as `redis-cli -p PORT …` prints it (or, without redis-cli, the reply as RESP). */
async function cli(...argv: string[]): Promise<void> {
  if (haveCli) {
    // Asynchronously: the server answering it runs in this process's event loop.
    const r = await promisify(execFile)('redis-cli', ['-p', String(srv.port), ...argv], { encoding: 'utf8' });
    console.log(`127.0.0.1:${String(srv.port)}> ${argv.join(' ')}\n${r.stdout.trimEnd()}`);
    return;
  }
  const reply = await client.call(...argv);
  console.log(`> ${argv.join(' ')}\n${showWire(encode(reply))}`);
}

const infoLine = async (field: string): Promise<string> => {
  const r = await client.call('INFO', 'stats');
  const text = r.type === 'bulk' || r.type === 'verbatim' ? Buffer.from(r.value).toString() : '';
  return text.split('\r\n').find((l) => l.startsWith(`${field}:`)) ?? `${field}:?`;
};

console.log(haveCli ? 'Talking to protolab-redis with the real redis-cli:\n' : '(redis-cli is not installed: the same commands through @protolab/resp)\n');
await cli('SET', 'session:1', 'alice', 'PX', '30000');
await cli('SET', 'session:2', 'bob', 'EX', '100');
await cli('SET', 'config', 'on');
await cli('PTTL', 'session:1');
await cli('TTL', 'session:2');
await cli('TTL', 'config'); // -1: no expiry
await cli('TTL', 'nosuchkey'); // -2: no key
// 200 keys that expire in 200 ms, never read again: only the active expire cycle can reclaim them.
for (let i = 0; i < 200; i++) await client.call('SET', `tmp:${String(i)}`, 'x', 'PX', '200');
await cli('DBSIZE');
await client.call('SET', 'flash', 'x', 'PX', '100');
console.log(`\n… 600 ms later (serverCron ran activeExpireCycle ~6 times) …\n`);
await new Promise((r) => setTimeout(r, 600));
await cli('GET', 'flash'); // expired 500 ms ago: nil (deleted here if the cycle had not yet)
await cli('DBSIZE');
console.log(`\nINFO stats: ${await infoLine('expired_keys')}  ${await infoLine('expired_stale_perc')}  ${await infoLine('expire_cycle_cpu_milliseconds')}`);
await cli('OBJECT', 'ENCODING', 'config');

await client.close();
await srv.close();
