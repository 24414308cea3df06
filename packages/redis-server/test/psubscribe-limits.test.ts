import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { harness } from './helpers.js';

/** A command as a RESP multibulk (inline requests stop at 64 KiB). */
const cmd = (...args: string[]): string => `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`;

// Expected bytes recorded from redis-server 7.0.15 with the same requests.
describe('pubsub.c patterns', () => {
  test('PSUBSCRIBE / PUNSUBSCRIBE confirmations count channels and patterns together; PUNSUBSCRIBE without patterns drops all, then a null', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'PSUBSCRIBE a* b?\r\nSUBSCRIBE ax\r\nPUNSUBSCRIBE b?\r\nPUNSUBSCRIBE\r\nPUNSUBSCRIBE\r\nUNSUBSCRIBE\r\n')).toBe(
      '*3\r\n$10\r\npsubscribe\r\n$2\r\na*\r\n:1\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\nb?\r\n:2\r\n*3\r\n$9\r\nsubscribe\r\n$2\r\nax\r\n:3\r\n' +
        '*3\r\n$12\r\npunsubscribe\r\n$2\r\nb?\r\n:2\r\n*3\r\n$12\r\npunsubscribe\r\n$2\r\na*\r\n:1\r\n*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:1\r\n' +
        '*3\r\n$11\r\nunsubscribe\r\n$2\r\nax\r\n:0\r\n',
    );
  });

  test('RESP3: a message to a channel matched by a subscription and a pattern is delivered as message then pmessage; PUBLISH counts both', () => {
    const h = harness();
    h.connect(1);
    h.send(1, 'HELLO 3\r\n');
    expect(h.send(1, 'PSUBSCRIBE n*\r\nSUBSCRIBE news\r\nPUBLISH news hi\r\nPUBSUB NUMPAT\r\nPUBSUB CHANNELS n*\r\nPUBSUB CHANNELS x*\r\nPSUBSCRIBE\r\n')).toBe(
      '>3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:1\r\n>3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:2\r\n>3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n' +
        '>4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n:2\r\n:1\r\n*1\r\n$4\r\nnews\r\n*0\r\n' +
        "-ERR wrong number of arguments for 'psubscribe' command\r\n",
    );
  });

  test('pubsub.c pubsubPublishMessage: each client gets one pmessage per pattern of its that matches (util.c stringmatchlen), PUBLISH counts them all', () => {
    const patterns = ['*', 'a*', '?b', 'a[bc]', 'x*', 'ab', '[^a]*'];
    fc.assert(
      fc.property(fc.array(fc.subarray(patterns, { minLength: 1 }), { maxLength: 5 }), fc.constantFrom('ab', 'ac', 'bb', 'x', 'a'), (subs, channel) => {
        const h = harness();
        h.connect(0);
        subs.forEach((ps, i) => {
          h.connect(i + 1);
          h.send(i + 1, `PSUBSCRIBE ${ps.join(' ')}\r\n`);
        });
        const out = h.srv.data(0, Buffer.from(`PUBLISH ${channel} m\r\n`));
        // The model: a literal re-statement of the glob rules for these patterns.
        const matches = (p: string): boolean =>
          p === '*' || (p === 'a*' && channel.startsWith('a')) || (p === '?b' && channel.length === 2 && channel[1] === 'b') ||
          (p === 'a[bc]' && (channel === 'ab' || channel === 'ac')) || (p === 'x*' && channel.startsWith('x')) || p === channel ||
          (p === '[^a]*' && channel.length > 0 && !channel.startsWith('a'));
        const expected = subs.map((ps) => ps.filter(matches).length);
        const total = expected.reduce((a, b) => a + b, 0);
        const publisher = out.find((o) => o.type === 'write' && o.id === 0);
        expect(publisher?.type === 'write' ? Buffer.from(publisher.bytes).toString() : '').toBe(`:${total}\r\n`);
        subs.forEach((_, i) => {
          const w = out.find((o) => o.type === 'write' && o.id === i + 1);
          const got = w?.type === 'write' ? (Buffer.from(w.bytes).toString().match(/pmessage/g) ?? []).length : 0;
          expect(got).toBe(expected[i]);
        });
      }),
    );
  });
});

describe('networking.c client output buffer limits and the query buffer limit', () => {
  test('a subscriber that never reads is disconnected (abort: its pending bytes dropped) once its output reaches the pubsub hard limit; the publisher is unaffected', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.send(2, 'CONFIG SET client-output-buffer-limit "pubsub 1mb 0 0"\r\n');
    h.send(1, 'SUBSCRIBE ch\r\n');
    const payload = 'x'.repeat(100_000);
    let pending = 0;
    let closedAt = -1;
    for (let i = 0; i < 20 && closedAt < 0; i++) {
      const out = h.srv.data(2, Buffer.from(cmd('PUBLISH', 'ch', payload)));
      for (const o of out) {
        if (o.type === 'write' && o.id === 1) pending += o.bytes.length; // the adapter: written, never read
        if (o.type === 'close' && o.id === 1) closedAt = i;
      }
      for (const o of h.srv.socketPending(1, pending)) if (o.type === 'close' && o.abort === true) closedAt = i;
    }
    expect(closedAt).toBeGreaterThanOrEqual(9); // 10 messages of 100 KB reach 1 MiB, not fewer
    expect(closedAt).toBeLessThanOrEqual(10);
    expect(h.srv.connectedClients).toBe(1);
    expect(h.send(2, 'PUBLISH ch x\r\nPING\r\n')).toBe(':0\r\n+PONG\r\n');
    expect(h.send(2, 'INFO stats\r\n')).toMatch(/client_output_buffer_limit_disconnections:1\r\n/);
  });

  test('networking.c checkClientOutputBufferLimits: over the soft limit for more than soft-seconds disconnects; dropping under it resets the timer', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ pending: fc.integer({ min: 0, max: 3000 }), waitMs: fc.integer({ min: 0, max: 1500 }) }), { maxLength: 12 }), (steps) => {
        const h = harness();
        h.connect(1);
        h.send(1, 'CONFIG SET client-output-buffer-limit "pubsub 0 1000 2"\r\nSUBSCRIBE ch\r\n');
        let since = -1;
        let now = 0;
        let expectClosed = false;
        let closed = false;
        for (const s of steps) {
          h.advance(s.waitMs);
          now += s.waitMs;
          const out = h.srv.socketPending(1, s.pending);
          if (out.some((o) => o.type === 'close')) closed = true;
          if (s.pending >= 1000) {
            if (since < 0) since = now;
            else if (Math.floor((now - since) / 1000) > 2) expectClosed = true;
          } else since = -1;
          if (closed || expectClosed) break;
        }
        expect(closed).toBe(expectClosed);
      }),
    );
  });

  test('a normal client (limits 0 0 0) is never disconnected for unread replies', () => {
    const h = harness();
    h.connect(1);
    h.send(1, cmd('SET', 'big', 'y'.repeat(100_000)));
    for (let i = 0; i < 30; i++) h.send(1, 'GET big\r\n');
    expect(h.srv.socketPending(1, 3_000_000)).toEqual([]);
    expect(h.srv.connectedClients).toBe(1);
  });

  test('a query buffer over client-query-buffer-limit closes the client without a reply (freeClientAsync); others are unaffected', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.send(2, 'CONFIG SET client-query-buffer-limit 1mb\r\n');
    expect(h.send(1, '*2\r\n$3\r\nGET\r\n$2000000\r\n')).toBe('');
    let got = '';
    for (let i = 0; i < 20 && !got.includes('<close>'); i++) got += h.send(1, 'z'.repeat(100_000));
    expect(got).toBe('<close>');
    expect(h.send(2, 'PING\r\n')).toBe('+PONG\r\n');
    expect(h.send(2, 'INFO stats\r\n')).toMatch(/client_query_buffer_limit_disconnections:1\r\n/);
  });
});
