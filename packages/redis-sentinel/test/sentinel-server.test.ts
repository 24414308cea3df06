import { connect } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { RealSentinel, SentinelServer } from '../src/index.js';

/**
 * The SENTINEL server's own I/O on loopback (no Redis needed: the monitored master is a closed
 * port, so the sentinel just finds it unreachable): pipelined requests, a protocol switch in the
 * middle of a pipeline, QUIT, a protocol error, and events published to a subscriber.
 */
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function serve(): Promise<{ server: SentinelServer; sentinel: RealSentinel }> {
  const sentinel = new RealSentinel({
    config: { masterName: 'mymaster', masterAddr: '127.0.0.1:1', quorum: 1, downAfterMs: 60_000, failoverTimeoutMs: 60_000 },
    myid: 'f'.repeat(40),
    announce: '127.0.0.1:0',
  });
  const server = await SentinelServer.listen(sentinel, { port: 0 });
  stops.push(async () => {
    await server.close();
    await sentinel.stop();
  });
  return { server, sentinel };
}

/** Writes `input` at once and collects what the server sends until it closes or `bytes` arrived. */
function exchange(port: number, input: string, bytes: number, onData?: (text: string) => void): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let text = '';
    const done = (closed: boolean): void => {
      s.destroy();
      resolve({ text, closed });
    };
    s.on('data', (d) => {
      text += d.toString('latin1');
      onData?.(text);
      if (text.length >= bytes) done(false);
    });
    s.on('end', () => { done(true); });
    s.on('connect', () => { s.write(input); });
  });
}

test('pipelined requests are answered in order, each in the protocol in force when it ran (HELLO 3 switches the ones after it)', async () => {
  const { server } = await serve();
  const expected = '+PONG\r\n*-1\r\n' + '%6\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:1\r\n$4\r\nmode\r\n$8\r\nsentinel\r\n$7\r\nmodules\r\n*0\r\n' + '_\r\n';
  const r = await exchange(server.port, 'PING\r\n*3\r\n$8\r\nSENTINEL\r\n$23\r\nget-master-addr-by-name\r\n$4\r\nnope\r\nHELLO 3\r\nSENTINEL get-master-addr-by-name nope\r\n', expected.length);
  expect(r.text).toBe(expected);
});

test('QUIT answers +OK and closes; a protocol error answers -ERR Protocol error and closes, as networking.c', async () => {
  const { server } = await serve();
  expect(await exchange(server.port, 'QUIT\r\nPING\r\n', 1000)).toEqual({ text: '+OK\r\n', closed: true });
  expect(await exchange(server.port, '*1\r\n$x\r\n', 1000)).toEqual({ text: "-ERR Protocol error: invalid bulk length\r\n", closed: true });
});

test('a subscriber to +sdown gets the event in the sentinelEvent format when the core raises it', async () => {
  const { server, sentinel } = await serve();
  const subscribed = '*3\r\n$9\r\nsubscribe\r\n$6\r\n+sdown\r\n:1\r\n';
  const message = '*3\r\n$7\r\nmessage\r\n$6\r\n+sdown\r\n$27\r\nmaster mymaster 127.0.0.1 1\r\n';
  const r = await exchange(server.port, 'SUBSCRIBE +sdown\r\n', subscribed.length + message.length, (text) => {
    // Raised by hand (as sentinelCheckSubjectivelyDown would) once the subscription is in place.
    if (text === subscribed) sentinel.core.event('+sdown master mymaster 127.0.0.1:1');
  });
  expect(r.text).toBe(subscribed + message);
});
