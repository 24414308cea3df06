/**
 * When a blocked client's deadline is noticed, as in redis-server 7.0.15: in beforeSleep
 * (redis/redis src/server.c beforeSleep → src/timeout.c handleBlockedClientsTimeout, 7.0), which
 * runs after every event and after serverCron — nothing wakes the server at the deadline itself
 * (src/ae.c aeProcessEvents sleeps until the nearest time event; serverCron is the only one).
 * So a WAIT past its deadline is answered by the next command of any client, or by serverCron,
 * not by a timer of the replication unit. Measured by hand on 7.0.15 (hz 10): `WAIT 1 300` with
 * another client's PING at 330 ms answered at 327–334 ms; alone, at the next cron tick.
 * blocked-deadlines.peer.test.ts compares the timings with 7.0.15.
 */
import { describe, expect, test } from 'vitest';
import { ReplPump, text } from './replication-pump.js';

/** A master alone on 6379 (WAIT 1 can never be satisfied) and a waiter blocked in `WAIT 1 300`. */
function waiting(): { net: ReplPump; waiter: ReturnType<ReplPump['client']> } {
  const net = new ReplPump();
  net.add(6379);
  const waiter = net.client(6379);
  expect(waiter.send('WAIT', '1', '300')).toEqual([]);
  return { net, waiter };
}

const repliesOf = (net: ReplPump, connId: number): string[] => (net.replies.get(`6379/${connId}`) ?? []).map((v) => String(text(v)));

describe('a WAIT past its deadline is answered at the next beforeSleep (timeout.c handleBlockedClientsTimeout, 7.0)', () => {
  test('before its deadline another client’s command does not answer it', () => {
    const { net, waiter } = waiting();
    net.nowMs += 299;
    expect(net.client(6379).send('PING').map((v) => text(v))).toEqual(['PONG']);
    expect(repliesOf(net, waiter.connId)).toEqual([]);
  });

  test('after its deadline, another client’s PING answers it (:0), with no tick of the replication unit', () => {
    const { net, waiter } = waiting();
    net.nowMs += 330;
    expect(net.client(6379).send('PING').map((v) => text(v))).toEqual(['PONG']);
    expect(repliesOf(net, waiter.connId)).toEqual(['0']);
  });

  test('after its deadline, serverCron alone (RedisServer.tick) answers it: replicationCron and the WAIT check run inside it', () => {
    const { net, waiter } = waiting();
    const n = net.nodes.get(6379);
    if (n === undefined) throw new Error('no master');
    net.nowMs += 301;
    const outs = n.srv.tick().outputs;
    expect(outs.some((o) => o.type === 'write' && o.id === waiter.connId && new TextDecoder().decode(o.bytes) === ':0\r\n')).toBe(true);
  });

  test('a blocking pop past its deadline is answered the same way (a null array at the next event)', () => {
    const { net } = waiting();
    const popper = net.client(6379);
    expect(popper.send('BLPOP', 'nokey', '0.1')).toEqual([]);
    net.nowMs += 400; // the WAIT's deadline too
    net.client(6379).send('PING');
    expect(repliesOf(net, popper.connId)).toEqual(['null']); // *-1
  });
});
