// @protolab/resp against a real redis-server 7.0.15: every reply type in RESP2 and RESP3 is
// decoded and re-encoded byte for byte; our RESP3→RESP2 downgrade rules give the server's own
// RESP2 bytes; and the server's protocol-error texts for malformed requests equal ours, also
// for random and mutated request streams (a differential fuzz).
import net from 'node:net';
import { describePeer, startServer, type PeerServer } from '@protolab/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeAll, encode, encodeCommand, parseCommands, RespClient, type RespValue } from '../src/index.js';
import { canon, concat } from './support.js';

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Sends bytes on a fresh connection, half-closes, and returns everything the server sent. */
function exchange(port: number, input: Uint8Array, timeoutMs = 3000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const got: Buffer[] = [];
    const t = setTimeout(() => {
      s.destroy();
      reject(new Error(`no close within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(got).toString('latin1'))}`));
    }, timeoutMs);
    s.on('data', (b: Buffer) => got.push(b));
    s.on('error', () => undefined); // a reset after the server's close still leaves what it sent
    s.on('close', () => {
      clearTimeout(t);
      resolve(Buffer.concat(got));
    });
    s.on('connect', () => {
      s.end(input);
    });
  });
}

/** What our parser says the server will answer to `input`: one reply per command, then the error. */
function predicted(input: Uint8Array): { commands: RespValue[][]; error?: string } {
  const r = parseCommands(input);
  const commands = r.commands.flatMap((c) => (c.kind === 'command' ? [c.argv.map((a) => ({ type: 'bulk', value: a }) as const)] : []));
  return r.error ? { commands, error: `ERR ${r.error.redisText}` } : { commands };
}

describePeer('redis-server', 'real redis-server 7.0: replies and protocol errors', () => {
  let server: PeerServer;
  let c2: RespClient;
  let c3: RespClient;

  beforeAll(async () => {
    server = await startServer({
      name: 'redis-server',
      command: 'redis-server',
      args: ({ port, dir }) => ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes'],
    });
    c2 = await RespClient.connect(server.port);
    c3 = await RespClient.connect(server.port);
    expect((await c3.hello(3)).type).toBe('map');
    await c2.call('FLUSHALL');
    await c2.call('RPUSH', 'list', 'a', 'b', '');
    await c2.call('HSET', 'hash', 'f1', 'v1', 'f2', '2');
    await c2.call('SADD', 'set', 'x');
    await c2.call('ZADD', 'zset', '0.1', 'a', '2.98023223876953125e-8', 'tie', 'inf', 'top', '-1e300', 'low');
    await c2.call('SET', 'bin', Uint8Array.of(0, 13, 10, 255));
    await c2.call('SET', 'n', '9223372036854775806');
  });

  afterAll(async () => {
    await c2.close();
    await c3.close();
    await server.stop();
  });

  const commands: (string | Uint8Array)[][] = [
    ['PING'], ['ECHO', 'hello'], ['GET', 'bin'], ['GET', 'missing'], ['INCR', 'n'], ['INCR', 'n'],
    ['LRANGE', 'list', '0', '-1'], ['LPOP', 'nolist'], ['HGETALL', 'hash'], ['HGETALL', 'nohash'], ['SMEMBERS', 'set'],
    ['ZSCORE', 'zset', 'a'], ['ZSCORE', 'zset', 'tie'], ['ZSCORE', 'zset', 'top'], ['ZRANGE', 'zset', '0', '-1', 'WITHSCORES'],
    ['ZSCORE', 'zset', 'nomember'], ['CONFIG', 'GET', 'maxmemory*'], ['BLPOP', 'nolist', '0.01'], ['NOSUCHCOMMAND'],
    ['GET'], ['OBJECT', 'ENCODING', 'list'], ['EVAL', 'return {1, "two", {3, redis.error_reply("E4")}}', '0'],
    ['EVAL', 'redis.setresp(3); return redis.call("HGETALL", KEYS[1])', '1', 'hash'],
    ['EVAL', 'return {double = 3.5}', '0'], ['EVAL', "return {big_number = '123456789012345678901234567890'}", '0'],
    ['EVAL', 'return true', '0'], ['EVAL', 'return false', '0'], ['INFO', 'server'], ['CLIENT', 'INFO'], ['HELLO'],
    ...['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false'].map((t) => ['DEBUG', 'PROTOCOL', t]),
  ];

  it('every reply, in RESP2 and in RESP3, decodes to one value that re-encodes to the very same bytes', async () => {
    let checked = 0;
    for (const argv of commands) {
      for (const [client, protocol] of [[c2, 2], [c3, 3]] as const) {
        const raw = await client.raw(encodeCommand(argv));
        const values = decodeAll(raw, { protocol });
        expect(values.length, `${argv.join(' ')} in RESP${protocol}`).toBe(1);
        expect(latin1(encode(values[0]!, { protocol })), `${argv.join(' ')} in RESP${protocol}`).toBe(latin1(raw));
        checked++;
      }
    }
    expect(checked).toBe(commands.length * 2);
  });

  it('our RESP3→RESP2 downgrade (addReply* with c->resp == 2) gives the server\'s own RESP2 bytes', async () => {
    const mismatches: string[] = [];
    let compared = 0;
    for (const argv of commands) {
      if (['HELLO', 'CLIENT', 'INCR', 'INFO'].includes(argv[0] as string)) continue; // differ per connection or per call
      const raw3 = await c3.raw(encodeCommand(argv));
      const raw2 = await c2.raw(encodeCommand(argv));
      const v2 = decodeAll(raw2)[0]!;
      if (v2.type === 'error' && v2.value.includes('RESP2 is not supported')) continue; // DEBUG PROTOCOL push
      const ours = latin1(encode(decodeAll(raw3)[0]!, { protocol: 2 }));
      if (ours !== latin1(raw2)) mismatches.push(`${argv.join(' ')}: ours ${JSON.stringify(ours)} server ${JSON.stringify(latin1(raw2))}`);
      compared++;
    }
    // Two differences a wire-level downgrade cannot avoid: ZRANGE WITHSCORES nests
    // [member, score] pairs only in RESP3 (the command builds a different shape, t_zset.c
    // zrangeResultBeginStore), and RESP3's single null `_` does not say whether the RESP2
    // form is $-1 or *-1 (BLPOP's timeout is addReplyNullArray: *-1).
    expect(mismatches).toEqual([
      expect.stringMatching(/^ZRANGE zset 0 -1 WITHSCORES: /),
      expect.stringMatching(/^BLPOP nolist 0.01: ours "\$-1\\r\\n" server "\*-1\\r\\n"$/),
    ]);
    expect(compared).toBeGreaterThan(30);
  });

  it('the client resolves typed values; RESP3 types come through as themselves', async () => {
    expect(canon(await c3.call('DEBUG', 'PROTOCOL', 'attrib'))).toEqual({
      attribute: [[{ bulk: 'key-popularity' }, { array: [{ bulk: 'key:123' }, { integer: '90' }] }]],
      value: { bulk: 'Some real reply following the attribute' },
    });
    expect(canon(await c3.call('ZSCORE', 'zset', 'tie'))).toEqual({ double: String(2 ** -25) });
    expect(canon(await c2.call('GET', 'missing'))).toEqual({ null: 'bulk' });
    expect(canon(await c2.call('BLPOP', 'nolist', '0.01'))).toEqual({ null: 'array' });
    expect(canon(await c3.call('BLPOP', 'nolist', '0.01'))).toEqual({ null: '' });
    expect((await c3.call('INFO', 'server')).type).toBe('verbatim');
  });

  it('a RESP3 SUBSCRIBE is answered with a push, and published messages arrive as pushes', async () => {
    const sub = await RespClient.connect(server.port);
    await sub.hello(3);
    const got: RespValue[] = [];
    sub.onPush((v) => got.push(v));
    expect(canon(await sub.call('SUBSCRIBE', 'news'))).toEqual({ push: [{ bulk: 'subscribe' }, { bulk: 'news' }, { integer: '1' }] });
    await c2.call('PUBLISH', 'news', 'hi');
    await sub.call('PING');
    expect(got.map(canon)).toEqual([{ push: [{ bulk: 'message' }, { bulk: 'news' }, { bulk: 'hi' }] }]);
    await sub.close();
  });

  it('RESP2 pub/sub: two channels in one SUBSCRIBE, messages as arrays, replies still matched', async () => {
    const sub = await RespClient.connect(server.port);
    const got: RespValue[] = [];
    sub.onPush((v) => got.push(v));
    expect(canon(await sub.call('SUBSCRIBE', 'a', 'b'))).toEqual({ array: [{ bulk: 'subscribe' }, { bulk: 'a' }, { integer: '1' }] });
    await c2.call('PUBLISH', 'b', 'hello');
    // In subscribed mode a RESP2 PING answers ["pong", ""] (pubsub.c / ping), not +PONG.
    expect(canon(await sub.call('PING'))).toEqual({ array: [{ bulk: 'pong' }, { bulk: '' }] });
    expect(got.map(canon)).toEqual([
      { array: [{ bulk: 'subscribe' }, { bulk: 'b' }, { integer: '2' }] },
      { array: [{ bulk: 'message' }, { bulk: 'b' }, { bulk: 'hello' }] },
    ]);
    await sub.close();
  });

  it('CLIENT TRACKING in RESP3: invalidation pushes interleave with replies and never take a reply\'s place', async () => {
    const t = await RespClient.connect(server.port);
    await t.hello(3);
    const pushes: RespValue[] = [];
    t.onPush((v) => pushes.push(v));
    expect(canon(await t.call('CLIENT', 'TRACKING', 'on'))).toEqual({ simple: 'OK' });
    await c2.call('SET', 'tracked', 'v1');
    expect(canon(await t.call('GET', 'tracked'))).toEqual({ bulk: 'v1' });
    await c2.call('SET', 'tracked', 'v2'); // another client's write invalidates our cached key
    expect(canon(await t.call('GET', 'tracked'))).toEqual({ bulk: 'v2' });
    // Our own write of a key we read: the server pushes an invalidation to us as well.
    const replies = await Promise.all([t.call('SET', 'tracked', 'v3'), t.call('GET', 'tracked'), t.call('PING')]);
    expect(replies.map(canon)).toEqual([{ simple: 'OK' }, { bulk: 'v3' }, { simple: 'PONG' }]);
    expect(pushes.map(canon)).toEqual([
      { push: [{ bulk: 'invalidate' }, { array: [{ bulk: 'tracked' }] }] },
      { push: [{ bulk: 'invalidate' }, { array: [{ bulk: 'tracked' }] }] },
    ]);
    await t.close();
  });

  it('doubles: for random scores, ZSCORE in RESP3 and RESP2 is byte for byte what encode writes (printf %.17g, 7.0)', async () => {
    await fc.assert(
      // -0 is left out: a sorted set stores a -0 score as 0 (observed on 7.0.15), which is the
      // keyspace's business, not the protocol's.
      fc.asyncProperty(fc.double({ noNaN: true, min: -1e300, max: 1e300 }).filter((d) => !Object.is(d, -0)), async (d) => {
        // ZADD needs a text form that reads back as exactly d: 17 significant digits do.
        await c2.call('ZADD', 'dz', d.toPrecision(17), 'm');
        const raw3 = await c3.raw(encodeCommand(['ZSCORE', 'dz', 'm']));
        const raw2 = await c2.raw(encodeCommand(['ZSCORE', 'dz', 'm']));
        expect(latin1(raw3)).toBe(latin1(encode({ type: 'double', value: d }, { protocol: 3 })));
        expect(latin1(raw2)).toBe(latin1(encode({ type: 'double', value: d }, { protocol: 2 })));
      }),
      { numRuns: 300, examples: [[0.1], [2 ** -25], [5 * 2 ** -27], [1e16], [1e17], [123456.789], [1e-5], [5e-324]] },
    );
  });

  const malformed: string[] = [
    '*01\r\n', '*2147483648\r\n', '*1\r\n$-1\r\n', '*1\r\n$536870913\r\n', '*1\r\nX\r\n', '*1\r\n\r\n', '*1\r\n$01\r\n',
    'PING "a"b\r\n', "PING 'a\r\n", 'PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n', '*1\r\n$4\r\nPINGxxPING\r\n', '*-5\r\nPING\r\n',
    '*1\rX$4\rXPING\r\nPING\r\n', 'ECHO "a\\x41\\n"\r\n', '*1\r\n$+4\r\nPING\r\n', '*1\r\n$ 4\r\nPING\r\n', '* 1\r\n',
    // Lines over PROTO_INLINE_MAX_SIZE (64 KiB) with no end in sight:
    `*${'1'.repeat(70_000)}`, `*1\r\n$${'1'.repeat(70_000)}`, `PING ${'a'.repeat(70_000)}`,
  ];

  it.each(malformed.map((m) => [m.length > 60 ? `${m.slice(0, 12)}… (${m.length} bytes)` : m, m]))('malformed request %j: the server answers what our parser predicts, error text included', async (_name, s) => {
    const input = Buffer.from(s, 'latin1');
    const out = await exchange(server.port, input);
    const replies = decodeAll(out);
    const p = predicted(input);
    expect(replies.length).toBe(p.commands.length + (p.error === undefined ? 0 : 1));
    if (p.error !== undefined) expect(canon(replies[replies.length - 1]!)).toEqual({ error: p.error });
  });

  it('the comparison has teeth: a stricter parser (strictCrlf) mispredicts the server where Redis is lenient', async () => {
    const input = Buffer.from('*1\r\n$4\r\nPINGxxPING\r\n', 'latin1');
    const replies = decodeAll(await exchange(server.port, input)).map(canon);
    expect(replies).toEqual([{ simple: 'PONG' }, { simple: 'PONG' }]);
    expect(parseCommands(input).commands.length).toBe(2); // the default, like networking.c
    const strict = parseCommands(input, { strictCrlf: true });
    expect(strict.commands.length).toBe(0);
    expect(strict.error?.code).toBe('EXPECTED_CRLF');
  });

  it('a NUL inside a line leaves the server waiting, as our parser reports truncated', async () => {
    for (const s of ['PING a\x00b\r\nPING\r\n', '*1\x00\r\n$4\r\nPING\r\n']) {
      const input = Buffer.from(s, 'latin1');
      expect(parseCommands(input)).toMatchObject({ commands: [], truncated: true });
      expect((await exchange(server.port, input)).length).toBe(0);
    }
  });

  it('differential fuzz: random inline lines and mutated multibulk streams get the replies our parser predicts', async () => {
    const inlineLine = fc
      .array(fc.constantFrom('a', 'b', ' ', '\t', '"', "'", '\\', 'x', '4', 'f', 'n', '\x0b', '\x01', 'é', '\x00', '\r', '\n'), { maxLength: 14 })
      .map((cs) => Buffer.from(`ECHO ${cs.join('')}\r\n`, 'utf8'));
    const mutated = fc
      .tuple(
        fc.array(fc.array(fc.constantFrom('ECHO', 'x', 'PING', '', 'abc'), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('\r', '\n', '$', '*', '-', '0', '9', 'x', ' ', '\x00')), { maxLength: 2 }),
      )
      .map(([cmds, edits]) => {
        const b = Buffer.from(concat(cmds.map((c) => encodeCommand(c))));
        for (const [at, ch] of edits) b[at % b.length] = ch.charCodeAt(0);
        return b;
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(inlineLine, mutated), async (input) => {
        const p = predicted(input);
        const out = await exchange(server.port, input);
        const replies = decodeAll(out);
        expect(replies.length).toBe(p.commands.length + (p.error === undefined ? 0 : 1));
        p.commands.forEach((argv, i) => {
          const isEcho = argv.length === 2 && argv[0]?.type === 'bulk' && latin1(argv[0].value).toUpperCase() === 'ECHO';
          if (isEcho) expect(canon(replies[i]!)).toEqual(canon(argv[1]!));
        });
        if (p.error !== undefined) expect(canon(replies[replies.length - 1]!)).toEqual({ error: p.error });
      }),
      { numRuns: 150 },
    );
  });
});
