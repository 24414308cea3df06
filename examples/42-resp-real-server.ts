// RESP with a real redis-server: the same commands in RESP2 and after HELLO 3, byte for byte
// Run alone: npx tsx examples/42-resp-real-server.ts   (or: npm run example -- 42)
//
// Starts /usr/bin/redis-server on a free port (skips politely if it is not installed), asks the
// same questions on a RESP2 and a RESP3 connection, shows the raw reply bytes, and checks that
// our decoder + encoder reproduce each reply exactly, and that our RESP2 downgrade of the RESP3
// reply gives the server's own RESP2 bytes.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAll, encode, encodeCommand, RespClient, showWire } from '@protolab/resp';

const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});

const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => { resolve(p); });
  });
});

if (bin === undefined) {
  console.log('redis-server is not installed here; skipping (apt-get install redis-server).');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'protolab-example-42-'));
  const server = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'], { stdio: 'ignore' });
  try {
    let c2: RespClient | undefined;
    for (let i = 0; i < 50 && c2 === undefined; i++) {
      c2 = await RespClient.connect(port).catch(async () => {
        await new Promise((r) => setTimeout(r, 50));
        return undefined;
      });
    }
    if (c2 === undefined) throw new Error('redis-server did not start');
    const c3 = await RespClient.connect(port);
    await c3.hello(3);
    await c2.call('HSET', 'user:1', 'name', 'Ada', 'visits', '3');
    await c2.call('ZADD', 'board', '0.1', 'ada');

    const questions = [
      ['HGETALL', 'user:1'],
      ['ZSCORE', 'board', 'ada'],
      ['GET', 'missing'],
      ['DEBUG', 'PROTOCOL', 'true'],
      ['DEBUG', 'PROTOCOL', 'bignum'],
      ['DEBUG', 'PROTOCOL', 'attrib'],
    ];
    for (const argv of questions) {
      const raw2 = await c2.raw(encodeCommand(argv));
      const raw3 = await c3.raw(encodeCommand(argv));
      const v3 = decodeAll(raw3)[0]!;
      const same3 = Buffer.from(encode(v3, { protocol: 3 })).equals(raw3);
      const downgraded = Buffer.from(encode(v3, { protocol: 2 })).equals(raw2);
      console.log(`\n> ${argv.join(' ')}`);
      console.log(`  RESP2 ${showWire(raw2)}`);
      console.log(`  RESP3 ${showWire(raw3)}`);
      console.log(`  decode→encode gives the RESP3 bytes back: ${same3}; our RESP2 downgrade equals the server's RESP2: ${downgraded}`);
    }
    const err = await c2.raw('*1\r\n$-1\r\n');
    console.log(`\nA malformed request (*1 / $-1): the server answers ${showWire(err)} and closes the connection.`);
    await c2.closed;
    await c3.close();
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
