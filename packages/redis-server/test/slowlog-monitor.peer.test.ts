/**
 * MONITOR and SLOWLOG side by side: the same commands sent to redis-server 7.0.15 and to
 * protolab-redis; the real server's MONITOR lines and SLOWLOG GET entries are the expected
 * values (timestamps, durations and client ports normalised; slow log ids counted from the first).
 */
import net from 'node:net';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import type { RespValue } from '@protolab/resp';
import { startRedisServer } from '../src/index.js';
import { connection } from './peer-client.js';

const SEQUENCE: string[][] = [
  ['SELECT', '2'],
  ['SET', 'a b', 'x\ny\x01"q'],
  ['MULTI'],
  ['SET', 'k', '1'],
  ['INCR', 'k'],
  ['EXEC'],
  ['AUTH', 'foo'],
  ['HELLO', '2', 'AUTH', 'default', 'pw'],
  ['CLIENT', 'SETNAME', 'nm'],
  ['CONFIG', 'GET', 'maxmemory'],
  ['GET'],
  ['NOPE', 'x'],
  ['LPUSH', 'k', 'x'],
  ['RPUSH', 'biglist', ...Array.from({ length: 40 }, (_, i) => String(i + 1))],
  ['SET', 'k2', 'a'.repeat(200)],
  ['BLPOP', 'nolist', '0.01'],
  ['ECHO', 'hi'],
  ['SELECT', '0'],
  ['MULTI'],
  ['SELECT', '1'],
  ['SET', 'm', '1'],
  ['SELECT', '0'],
  ['EXEC'],
  ['PING'],
];


const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The MONITOR lines a run of SEQUENCE produces, normalised. */
async function monitorLines(port: number): Promise<string[]> {
  const mon = net.connect(port, '127.0.0.1');
  let got = '';
  mon.on('data', (b: Buffer) => (got += b.toString('latin1')));
  mon.write('MONITOR\r\n');
  while (!got.startsWith('+OK\r\n')) await sleep(5);
  const c = connection(port);
  for (const argv of SEQUENCE) await c.ask(argv);
  await sleep(100);
  c.socket.destroy();
  mon.destroy();
  return got.split('\r\n').slice(1).filter((l) => l !== '').map((l) => l.replace(/^\+\d+\.\d{6} /, '+T ').replace(/127\.0\.0\.1:\d+/, 'C'));
}

const text = (v: RespValue | undefined): string => (v?.type === 'bulk' ? Buffer.from(v.value).toString('latin1') : v?.type === 'integer' ? String(v.value) : JSON.stringify(v));

/** SLOWLOG GET -1 after `run` with slowlog-log-slower-than 0, normalised. */
async function slowlogEntries(port: number, run: (c: ReturnType<typeof connection>) => Promise<void>): Promise<string[]> {
  const c = connection(port);
  await c.ask(['CONFIG', 'SET', 'slowlog-log-slower-than', '0']);
  await c.ask(['SLOWLOG', 'RESET']);
  await run(c);
  const all = await c.ask(['SLOWLOG', 'GET', '-1']);
  await c.ask(['CONFIG', 'SET', 'slowlog-log-slower-than', '10000']);
  c.socket.destroy();
  const entries = all.type === 'array' ? all.value : [];
  const oldest = entries.at(-1);
  const first = Number(text(oldest?.type === 'array' ? oldest.value[0] : undefined));
  return entries.map((e) => {
    const f = e.type === 'array' ? e.value : [];
    const [id, time, duration, argv, peer, name] = f;
    const args = argv?.type === 'array' ? argv.value.map(text) : [];
    const shape = `${f.length} fields, time ${time?.type}, duration ${duration?.type}`;
    return `${Number(text(id)) - first} ${JSON.stringify(args)} ${text(peer).replace(/:\d+$/, ':P')} ${JSON.stringify(text(name))} (${shape})`;
  });
}

describePeer('redis-server', 'MONITOR and SLOWLOG as redis-server 7.0.15 shows them', () => {
  let real: PeerServer;
  let ours: { port: number; close: () => Promise<void> };
  beforeAll(async () => {
    real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'] });
    ours = await startRedisServer({ port: 0 });
  });
  afterAll(async () => {
    await real.stop();
    await ours.close();
  });

  test('a MONITOR client receives the same lines for the same commands (quoting, db, redaction, MULTI/EXEC order, what is not shown)', async () => {
    const expected = await monitorLines(real.port);
    const got = await monitorLines(ours.port);
    expect(expected.length).toBeGreaterThan(10);
    expect(got).toEqual(expected);
  });

  test('SLOWLOG GET -1 with slowlog-log-slower-than 0 gives the same entries (ids, arguments cut as slowlog.c cuts them, client, name)', async () => {
    const run = async (c: ReturnType<typeof connection>): Promise<void> => {
      for (const argv of SEQUENCE) await c.ask(argv);
    };
    const expected = await slowlogEntries(real.port, run);
    const got = await slowlogEntries(ours.port, run);
    expect(expected.length).toBeGreaterThan(10);
    expect(got).toEqual(expected);
  });

  test('a pop that blocked is logged once served, after the push that served it; one that timed out is not', async () => {
    const run = (port: number) => async (c: ReturnType<typeof connection>): Promise<void> => {
      const b = connection(port);
      const served = b.ask(['BLPOP', 'bl', '5']);
      await sleep(100);
      await c.ask(['RPUSH', 'bl', 'x']);
      await served;
      await b.ask(['BLPOP', 'bl2', '0.05']);
      b.socket.destroy();
      await c.ask(['ECHO', 'done']);
    };
    const expected = await slowlogEntries(real.port, run(real.port));
    const got = await slowlogEntries(ours.port, run(ours.port));
    expect(expected.length).toBe(4);
    expect(got).toEqual(expected);
  });
});

describePeer('redis-cli', 'redis-cli MONITOR against protolab-redis', (cli) => {
  test('redis-cli 7.0.15 monitor prints the lines it printed against redis-server 7.0.15 for the same redis-cli commands (times and ports normalised)', async () => {
    const srv = await startRedisServer({ port: 0 });
    const p = String(srv.port);
    const mon = spawn(cli, ['-p', p, 'monitor']);
    try {
      let out = '';
      mon.stdout.on('data', (b: Buffer) => (out += b.toString('latin1')));
      for (let i = 0; i < 500 && !out.startsWith('OK\n'); i++) await sleep(10);
      // Asynchronously: the server runs in this process.
      const run = promisify(execFile);
      await run(cli, ['-p', p, 'set', 'session:1', 'alice bob']);
      await run(cli, ['-p', p, '-n', '3', 'incr', 'hits']);
      await run(cli, ['-p', p, 'lpush', 'q', 'a\tb']);
      await run(cli, ['-p', p, 'config', 'get', 'hz']);
      await sleep(200);
      // Recorded: the same redis-cli commands against redis-server 7.0.15.
      const recorded = [
        '1796445400.519392 [0 127.0.0.1:45710] "set" "session:1" "alice bob"',
        '1796445400.537327 [3 127.0.0.1:45712] "SELECT" "3"',
        '1796445400.537560 [3 127.0.0.1:45712] "incr" "hits"',
        '1796445400.555250 [0 127.0.0.1:45720] "lpush" "q" "a\\tb"',
      ];
      const norm = (l: string): string => l.replace(/^\d+\.\d{6} /, 'T ').replace(/127\.0\.0\.1:\d+/, 'C');
      expect(out.split('\n').slice(1).filter((l) => l !== '').map(norm)).toEqual(recorded.map(norm));
    } finally {
      mon.kill();
      await srv.close();
    }
  });
});
