import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { harness } from './helpers.js';

// Expected bytes recorded from redis-server 7.0.15 with the same requests.
describe('blocking pops (t_list.c, t_zset.c, blocked.c)', () => {
  test('argument errors and immediate serving answer as redis-server 7.0.15', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'BLPOP x -1\r\nBLPOP x abc\r\nBLPOP x\r\nBLMOVE a b UP LEFT 0\r\n')).toBe(
      "-ERR timeout is negative\r\n-ERR timeout is not a float or out of range\r\n-ERR wrong number of arguments for 'blpop' command\r\n-ERR syntax error\r\n",
    );
    expect(h.send(1, 'ZADD z 1.5 m\r\nBZPOPMIN z 0\r\nRPUSH l a b\r\nBRPOP x l 0\r\nSET s 1\r\nBLPOP s 0\r\n')).toBe(
      ':1\r\n*3\r\n$1\r\nz\r\n$1\r\nm\r\n$3\r\n1.5\r\n:2\r\n*2\r\n$1\r\nl\r\n$1\r\nb\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n',
    );
    h.send(1, 'HELLO 3\r\n');
    // (BZPOPMAX's RESP3 score is a double `,2.5` in Redis; the keyspace answers RESP2 shapes only, see README.)
    expect(h.send(1, 'BLMOVE l d RIGHT LEFT 0\r\n')).toBe('$1\r\na\r\n');
  });

  test('blocked.c replyToBlockedClientTimedOut: an empty key blocks until the timeout, then a null array (RESP2 *-1, RESP3 _); later commands wait', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'BLPOP x 0.1\r\nPING\r\n')).toBe('');
    h.advance(99);
    expect(h.srv.tick().outputs).toEqual([]);
    h.advance(1);
    const out = h.srv.tick().outputs;
    expect(out.map((o) => (o.type === 'write' ? Buffer.from(o.bytes).toString() : o.type))).toEqual(['*-1\r\n+PONG\r\n']);
    h.send(1, 'HELLO 3\r\n');
    h.send(1, 'BLPOP x 0.05\r\n');
    h.advance(50);
    expect(h.srv.tick().outputs.map((o) => (o.type === 'write' ? Buffer.from(o.bytes).toString() : o.type))).toEqual(['_\r\n']);
  });

  test('blocked.c: clients blocked on a key are served oldest first by the command that fills it, each one element', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 8 }), (waiters, pushed) => {
        const h = harness();
        for (let i = 1; i <= waiters; i++) {
          h.connect(i);
          h.send(i, 'BLPOP q 0\r\n');
        }
        h.connect(0);
        const values = Array.from({ length: pushed }, (_, i) => `v${i}`);
        const out = h.srv.data(0, Buffer.from(`RPUSH q ${values.join(' ')}\r\n`));
        const byConn = new Map(out.flatMap((o) => (o.type === 'write' ? [[o.id, Buffer.from(o.bytes).toString()] as const] : [])));
        expect(byConn.get(0)).toBe(`:${pushed}\r\n`);
        for (let i = 1; i <= waiters; i++) {
          const v = values[i - 1];
          expect(byConn.get(i)).toBe(v === undefined ? undefined : `*2\r\n$1\r\nq\r\n$${v.length}\r\n${v}\r\n`);
        }
        expect(h.send(0, 'LLEN q\r\n')).toBe(`:${Math.max(0, pushed - waiters)}\r\n`);
      }),
    );
  });

  test('BLMOVE served from a blocked wait pushes to the destination, which serves a client blocked there', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.connect(3);
    h.send(1, 'BLMOVE src dst RIGHT LEFT 0\r\n');
    h.send(2, 'BLPOP dst 0\r\n');
    const out = h.srv.data(3, Buffer.from('LPUSH src x\r\n'));
    const byConn = new Map(out.flatMap((o) => (o.type === 'write' ? [[o.id, Buffer.from(o.bytes).toString()] as const] : [])));
    expect(byConn.get(1)).toBe('$1\r\nx\r\n');
    expect(byConn.get(2)).toBe('*2\r\n$3\r\ndst\r\n$1\r\nx\r\n');
    expect(h.send(3, 'EXISTS src dst\r\n')).toBe(':0\r\n');
  });

  test('a blocked client that closes is forgotten (the push stays in the list)', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.send(1, 'BLPOP q 0\r\n');
    h.srv.close(1);
    expect(h.send(2, 'RPUSH q a\r\nLLEN q\r\n')).toBe(':1\r\n:1\r\n');
  });
});
