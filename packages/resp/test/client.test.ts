// RespClient against an in-process server built from this package's own request parser and
// encoder (the real-server version is client.peer.test.ts).
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encode, RespClient, RespClientError, RespRequestParser, reply, type RespValue } from '../src/index.js';
import { canon } from './support.js';

interface Fake {
  port: number;
  close(): Promise<void>;
}

/** A tiny server: answers ECHO/PING/HELLO/SUBSCRIBE/PUSHME/SILENT; replies in the client's protocol. */
function fakeServer(): Promise<Fake> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    const parser = new RespRequestParser();
    let protocol: 2 | 3 = 2;
    s.on('data', (chunk: Buffer) => {
      const r = parser.feed(chunk);
      for (const c of r.commands) {
        if (c.kind !== 'command') continue;
        const [name, ...args] = c.argv.map((a) => Buffer.from(a).toString());
        const send = (v: RespValue): void => {
          // Write byte by byte for ECHO-SLOW to exercise reassembly on the client side.
          const bytes = encode(v, { protocol });
          if (name === 'SLOW') for (const b of bytes) s.write(Uint8Array.of(b));
          else s.write(bytes);
        };
        switch (name?.toUpperCase()) {
          case 'PING':
            send(reply.simple('PONG'));
            break;
          case 'ECHO':
          case 'SLOW':
            send(reply.bulk(args[0] ?? ''));
            break;
          case 'HELLO':
            protocol = args[0] === '3' ? 3 : 2;
            send({ type: 'map', value: [[reply.bulk('proto'), reply.integer(protocol)]] });
            break;
          case 'SUBSCRIBE':
            args.forEach((ch, i) => {
              send({ type: 'push', value: [reply.bulk('subscribe'), reply.bulk(ch), reply.integer(i + 1)] });
            });
            break;
          case 'PUSHME':
            send({ type: 'push', value: [reply.bulk('invalidate'), reply.array([reply.bulk('k')])] });
            send(reply.ok);
            break;
          case 'SILENT':
            break;
          default:
            send(reply.error(`ERR unknown command '${name ?? ''}'`));
        }
      }
      if (r.error) {
        s.end(encode(reply.error(`ERR ${r.error.redisText}`)));
      }
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => { done(); });
          }),
      });
    });
  });
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(options = {}): Promise<RespClient> {
  const server = await fakeServer();
  const client = await RespClient.connect(server.port, '127.0.0.1', options);
  cleanup.push(() => server.close(), () => client.close().catch(() => undefined));
  return client;
}

describe('RespClient', () => {
  it('pipelines calls and matches replies in order; error replies are values', async () => {
    const c = await setup();
    const replies = await Promise.all([c.call('PING'), c.call('ECHO', 'a'), c.call('NOPE'), c.call('SLOW', 'xyz')]);
    expect(replies.map(canon)).toEqual([{ simple: 'PONG' }, { bulk: 'a' }, { error: "ERR unknown command 'NOPE'" }, { bulk: 'xyz' }]);
  });

  it('raw returns exactly the bytes of one reply, even when it arrives a byte at a time', async () => {
    const c = await setup();
    const [a, b] = await Promise.all([c.raw('*2\r\n$4\r\nSLOW\r\n$3\r\nabc\r\n'), c.raw('PING\r\n')]);
    expect(a.toString('latin1')).toBe('$3\r\nabc\r\n');
    expect(b.toString('latin1')).toBe('+PONG\r\n');
  });

  it('hello(3) switches the protocol; pushes go to listeners unless they answer a SUBSCRIBE', async () => {
    const c = await setup();
    expect(canon(await c.hello(3))).toEqual({ map: [[{ bulk: 'proto' }, { integer: '3' }]] });
    expect(c.protocol).toBe(3);
    const pushes: RespValue[] = [];
    c.onPush((v) => pushes.push(v));
    expect(canon(await c.call('SUBSCRIBE', 'ch', 'ch2'))).toEqual({ push: [{ bulk: 'subscribe' }, { bulk: 'ch' }, { integer: '1' }] });
    expect(canon(await c.call('PUSHME'))).toEqual({ simple: 'OK' });
    expect(pushes.map(canon)).toEqual([
      { push: [{ bulk: 'subscribe' }, { bulk: 'ch2' }, { integer: '2' }] }, // the second confirmation
      { push: [{ bulk: 'invalidate' }, { array: [{ bulk: 'k' }] }] },
    ]);
  });

  it('a protocol error from the server is a reply, then the close is observable', async () => {
    const c = await setup();
    const r = await c.raw('*1\r\nX\r\n');
    expect(r.toString()).toBe("-ERR Protocol error: expected '$', got 'X'\r\n");
    await c.closed;
    await expect(c.call('PING')).rejects.toBeInstanceOf(RespClientError);
  });

  it('a reply that never comes fails the call with ETIMEDOUT instead of hanging', async () => {
    const c = await setup({ replyTimeoutMs: 200 });
    await expect(c.call('SILENT')).rejects.toMatchObject({ code: 'ETIMEDOUT' });
  });

  it('connecting to a closed port fails with a typed error', async () => {
    const server = await fakeServer();
    await server.close();
    await expect(RespClient.connect(server.port)).rejects.toBeInstanceOf(RespClientError);
  });
});
