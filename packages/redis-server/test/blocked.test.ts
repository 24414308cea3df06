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

// Expected bytes recorded from redis-server 7.0.15 with the same requests on one connection.
describe('t_list.c / t_zset.c BLMPOP and BZMPOP, and blocking pops inside MULTI', () => {
  test("BLMPOP / BZMPOP: Redis's errors in Redis's order (numkeys, side, COUNT, then the timeout); served at once from the first non-empty key", () => {
    const h = harness();
    h.connect(1);
    const req =
      'BLMPOP 0.01 0 a LEFT\r\nBLMPOP 0.01 x a LEFT\r\nBLMPOP 0.01 2 a LEFT\r\nBLMPOP 0.01 1 a MIDDLE\r\nBLMPOP 0.01 1 a LEFT COUNT 0\r\n' +
      'BLMPOP 0.01 1 a LEFT COUNT 2 COUNT 3\r\nBLMPOP -1 1 a LEFT\r\nBLMPOP abc 1 a LEFT\r\nBLMPOP x 0 a LEFT\r\nBLMPOP 0.01 1 a\r\nRPUSH l1 a b c\r\n' +
      'BLMPOP 0.01 2 l0 l1 RIGHT COUNT 2\r\nZADD z 1 a 2 b\r\nBZMPOP 0 1 z MAX COUNT 5\r\nBZMPOP 0.01 1 z BAD\r\n';
    expect(h.send(1, req)).toBe(
      '-ERR numkeys should be greater than 0\r\n-ERR numkeys should be greater than 0\r\n-ERR syntax error\r\n-ERR syntax error\r\n-ERR count should be greater than 0\r\n' +
        "-ERR syntax error\r\n-ERR timeout is negative\r\n-ERR timeout is not a float or out of range\r\n-ERR numkeys should be greater than 0\r\n-ERR wrong number of arguments for 'blmpop' command\r\n:3\r\n" +
        '*2\r\n$2\r\nl1\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n:2\r\n*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n-ERR syntax error\r\n',
    );
  });

  test('BZMPOP on empty keys blocks; a ZADD by another client serves it with COUNT members; a BLMPOP times out with a null array', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    expect(h.send(1, 'BZMPOP 0 2 z1 z2 MIN COUNT 2\r\n')).toBe('');
    expect(h.send(2, 'ZADD z2 3 c 1 a 2 b\r\n')).toBe(':3\r\n');
    expect(h.send(1, '')).toBe('');
    expect(h.send(2, 'ZCARD z2\r\n')).toBe(':1\r\n');
    expect(h.send(1, 'BLMPOP 0.05 1 nolist LEFT\r\n')).toBe('');
    h.advance(60);
    expect(Buffer.from(h.srv.tick().outputs.flatMap((o) => (o.type === 'write' && o.id === 1 ? [...o.bytes] : []))).toString()).toBe('*-1\r\n');
  });

  test('inside MULTI a blocking pop does not block: it runs in its place among the queued commands, a null array when empty (multi.c, CLIENT_DENY_BLOCKING)', () => {
    const h = harness();
    h.connect(1);
    h.send(1, 'RPUSH l1 a b c\r\n');
    expect(h.send(1, 'MULTI\r\nBLPOP l1 0\r\nBLPOP nokey 0\r\nBLPOP nokey x\r\nBLMPOP 0 1 nokey LEFT\r\nBZPOPMIN nz 0\r\nEXEC\r\n')).toBe(
      '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*5\r\n*2\r\n$2\r\nl1\r\n$1\r\na\r\n*-1\r\n-ERR timeout is not a float or out of range\r\n*-1\r\n*-1\r\n',
    );
    expect(h.send(1, 'MULTI\r\nRPUSH q x\r\nZADD zz 5 m\r\nBRPOP q 0\r\nBZPOPMAX zz 0\r\nBLMOVE l1 d LEFT RIGHT 0\r\nBLPOP\r\nEXEC\r\n')).toBe(
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n-ERR wrong number of arguments for 'blpop' command\r\n-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    expect(h.send(1, 'MULTI\r\nRPUSH q x\r\nZADD zz 5 m\r\nBRPOP q 0\r\nBZPOPMAX zz 0\r\nBLMOVE l1 d LEFT RIGHT 0\r\nEXEC\r\n')).toBe(
      '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*5\r\n:1\r\n:1\r\n*2\r\n$1\r\nq\r\n$1\r\nx\r\n*3\r\n$2\r\nzz\r\n$1\r\nm\r\n$1\r\n5\r\n$1\r\nb\r\n',
    );
  });
});
