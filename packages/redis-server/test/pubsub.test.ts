import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { harness } from './helpers.js';

// Expected bytes recorded from redis-server 7.0.15 with the same requests.
describe('pubsub.c (channels)', () => {
  test('SUBSCRIBE confirms each channel with the running count; RESP2 subscribed mode refuses GET, PING answers ["pong", msg]', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'SUBSCRIBE a b\r\n')).toBe('*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n');
    expect(h.send(1, 'GET x\r\n')).toBe("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
    expect(h.send(1, 'PING\r\nPING hi\r\n')).toBe('*2\r\n$4\r\npong\r\n$0\r\n\r\n*2\r\n$4\r\npong\r\n$2\r\nhi\r\n');
    expect(h.send(1, 'UNSUBSCRIBE b\r\nUNSUBSCRIBE\r\nUNSUBSCRIBE\r\n')).toBe(
      '*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:1\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n',
    );
    expect(h.send(1, 'PUBSUB NUMSUB a zz\r\nPUBSUB NUMPAT\r\nPUBSUB CHANNELS\r\nPUBSUB FOO\r\nPUBLISH\r\n')).toBe(
      "*4\r\n$1\r\na\r\n:0\r\n$2\r\nzz\r\n:0\r\n:0\r\n*0\r\n-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n-ERR wrong number of arguments for 'publish' command\r\n",
    );
  });

  test('RESP3: confirmations and messages are pushes, other commands work while subscribed, a message to oneself comes before PUBLISH\'s reply', () => {
    const h = harness();
    h.connect(1);
    h.send(1, 'HELLO 3\r\n');
    expect(h.send(1, 'SUBSCRIBE a\r\nGET x\r\nPING\r\nPUBLISH a hello\r\nUNSUBSCRIBE a\r\n')).toBe(
      '>3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n_\r\n+PONG\r\n>3\r\n$7\r\nmessage\r\n$1\r\na\r\n$5\r\nhello\r\n:1\r\n>3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n',
    );
  });

  test('pubsub.c pubsubPublishMessage: PUBLISH answers the number of subscribers, and each of them (only them) gets the message once', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { maxLength: 6 }), fc.constantFrom('a', 'b', 'c'), (subs, channel) => {
        const h = harness();
        h.connect(0);
        subs.forEach((ch, i) => {
          h.connect(i + 1);
          h.send(i + 1, `SUBSCRIBE ${ch}\r\n`);
        });
        const out = h.srv.data(0, Buffer.from(`PUBLISH ${channel} m\r\n`));
        const expected = subs.filter((ch) => ch === channel).length;
        const publisher = out.find((o) => o.type === 'write' && o.id === 0);
        expect(publisher?.type === 'write' ? Buffer.from(publisher.bytes).toString() : '').toBe(`:${expected}\r\n`);
        const got = out.filter((o) => o.type === 'write' && o.id !== 0).map((o) => o.id).sort((x, y) => x - y);
        expect(got).toEqual(subs.flatMap((ch, i) => (ch === channel ? [i + 1] : [])));
      }),
    );
  });

  test('a closed subscriber is forgotten (PUBLISH counts 0)', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.send(1, 'SUBSCRIBE a\r\n');
    h.srv.close(1);
    expect(h.send(2, 'PUBLISH a m\r\nPUBSUB NUMSUB a\r\n')).toBe(':0\r\n*2\r\n$1\r\na\r\n:0\r\n');
  });
});
