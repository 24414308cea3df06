/**
 * `requirepass`, AUTH, HELLO AUTH and RESET beside redis-server 7.0.15: the same steps over
 * several connections on both servers (connections made before and after the password is set or
 * removed), every reply compared, then the commandstats counters and errorstats the steps leave.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { describePeer, startServer } from '@protolab/testkit';
import type { PeerServer } from '@protolab/testkit';
import type { RespValue } from '@protolab/resp';
import { startRedisServer } from '../src/index.js';
import { connection } from './peer-client.js';

/** [connection number, command]: connection n is opened at its first step. */
const STEPS: [number, string[]][] = [
  [1, ['PING']], [1, ['FOO']], [1, ['GET']], [1, ['GET', 'k']], [1, ['AUTH', 'wrong']], [1, ['AUTH', 'default', 'wrong']],
  [1, ['AUTH', 'bob', 'x']], [1, ['AUTH']], [1, ['AUTH', 'a', 'b', 'c']], [1, ['HELLO', '3']], [1, ['HELLO', '3', 'AUTH', 'default', 'wrong']],
  [1, ['HELLO', '3', 'SETNAME', 'a b', 'AUTH', 'default', 'secret']], [1, ['PING']], [1, ['HELLO', '4', 'AUTH', 'default', 'secret']],
  [1, ['HELLO', '2', 'AUTH', 'default', 'secret', 'SETNAME', 'a b']], [1, ['PING']], [1, ['CLIENT', 'GETNAME']],
  [1, ['AUTH', 'bad']], [1, ['SET', 'k', 'v']], [1, ['RESET']], [1, ['GET', 'k']], [1, ['QUIT']],
  [2, ['MULTI']], [2, ['AUTH', 'secret']], [2, ['MULTI']], [2, ['SET', 'k', 'w']], [2, ['EXEC']], [2, ['GET', 'k']],
  [2, ['HELLO', '2', 'AUTH', 'default', 'secret', 'SETNAME', 'named']], [2, ['CLIENT', 'GETNAME']], [2, ['CONFIG', 'GET', 'requirepass']],
  [3, ['SUBSCRIBE', 'ch']], [3, ['AUTH', 'default', 'secret']], [3, ['SUBSCRIBE', 'ch']], [3, ['PING']],
  [2, ['CONFIG', 'SET', 'requirepass', '']],
  [1 + 3, ['PING']], [4, ['AUTH', 'x']], [4, ['AUTH', 'default', 'anything']], [4, ['AUTH', 'bob', 'x']], [4, ['HELLO', '3', 'AUTH', 'default', 'any']],
  [4, ['HELLO', '2', 'AUTH', 'nobody', 'x']],
  [2, ['CONFIG', 'SET', 'requirepass', 'other']],
  [4, ['GET', 'k']], [5, ['GET', 'k']], [5, ['AUTH', 'secret']], [5, ['AUTH', 'other']], [5, ['GET', 'k']], [4, ['RESET']], [4, ['PING']],
  [2, ['CONFIG', 'SET', 'requirepass', '']], [4, ['PING']],
];

const show = (v: RespValue): string => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? Buffer.from(x).toString('latin1') : x));

async function run(port: number): Promise<{ replies: string[]; stats: string[] }> {
  const conns = new Map<number, ReturnType<typeof connection>>();
  const replies: string[] = [];
  for (const [n, argv] of STEPS) {
    let c = conns.get(n);
    if (c === undefined) conns.set(n, (c = connection(port)));
    // HELLO's `id` is the connection's CLIENT ID: each server counts its own connections.
    replies.push(`${n} ${argv.join(' ')} → ${show(await c.ask(argv)).replace(/("value":"id"\},?\{?"type":"integer","value":)"\d+n"/, '$1"<id>"')}`);
  }
  const admin = connection(port);
  const info = await admin.ask(['INFO', 'everything']);
  const text = info.type === 'bulk' ? Buffer.from(info.value).toString('latin1') : '';
  const stats = text.split('\r\n')
    .filter((l) => /^(cmdstat_(auth|hello|ping|get|set|multi|exec|reset|subscribe|client\|getname|quit)|errorstat_)/.test(l))
    .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ''))
    .sort();
  for (const c of [...conns.values(), admin]) c.socket.destroy();
  return { replies, stats };
}

describePeer('redis-server', 'requirepass and AUTH as redis-server 7.0.15 runs them', () => {
  let real: PeerServer;
  let ours: { port: number; close: () => Promise<void> };
  beforeAll(async () => {
    real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--requirepass', 'secret'] });
    ours = await startRedisServer({ port: 0, config: new Map([['requirepass', 'secret']]) });
  });
  afterAll(async () => {
    await ours.close();
    await real.stop();
  });

  test('every reply of the AUTH / HELLO / RESET / CONFIG SET requirepass steps equals the real server’s', async () => {
    const expected = await run(real.port);
    const got = await run(ours.port);
    expect(got.replies).toEqual(expected.replies);
    // the steps do reach both outcomes: refused and let through
    expect(expected.replies.filter((r) => r.includes('NOAUTH')).length).toBeGreaterThan(5);
    expect(expected.replies.filter((r) => r.includes('WRONGPASS')).length).toBeGreaterThan(5);
    expect(got.stats).toEqual(expected.stats);
    expect(expected.stats.some((l) => l.startsWith('errorstat_NOAUTH'))).toBe(true);
  });
});
