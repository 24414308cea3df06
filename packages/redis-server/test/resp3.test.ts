import { describe, expect, test } from 'vitest';
import { harness } from './helpers.js';

// Expected bytes recorded from redis-server 7.0.15 after HELLO 3, with the same requests.
describe('RESP3 reply shapes after HELLO 3 (the keyspace answers with the client\'s protocol)', () => {
  test('ZSCORE is a double, HGETALL a map, SMEMBERS a set, BZPOPMIN / BZMPOP scores doubles, and EXEC keeps the shapes', () => {
    const h = harness();
    h.connect(1);
    h.send(1, 'HELLO 3\r\n');
    const req =
      'DEL z h s\r\nZADD z 2.5 a 1 b\r\nZSCORE z a\r\nHSET h f v g w\r\nHGETALL h\r\nSADD s x\r\nSMEMBERS s\r\nBZPOPMIN z 0\r\n' +
      'MULTI\r\nZSCORE z a\r\nHGETALL h\r\nEXEC\r\nZRANGE z 0 -1 WITHSCORES\r\nBZMPOP 0 1 z MAX\r\n';
    expect(h.send(1, req)).toBe(
      ':0\r\n:2\r\n,2.5\r\n:2\r\n%2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n:1\r\n~1\r\n$1\r\nx\r\n*3\r\n$1\r\nz\r\n$1\r\nb\r\n,1\r\n' +
        '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n,2.5\r\n%2\r\n$1\r\nf\r\n$1\r\nv\r\n$1\r\ng\r\n$1\r\nw\r\n*1\r\n*2\r\n$1\r\na\r\n,2.5\r\n*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,2.5\r\n',
    );
  });

  test('a client blocked on BZPOPMIN after HELLO 3 is served a double score; a RESP2 client on the same key a bulk string', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.connect(3);
    h.send(1, 'HELLO 3\r\n');
    expect(h.send(1, 'BZPOPMIN z 0\r\n')).toBe('');
    expect(h.send(2, 'BZPOPMIN z 0\r\n')).toBe('');
    const out = h.srv.data(3, Buffer.from('ZADD z 1.5 a 2 b\r\n'));
    const text = (id: number): string => out.map((o) => (o.type === 'write' && o.id === id ? Buffer.from(o.bytes).toString() : '')).join('');
    expect(text(1)).toBe('*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n');
    expect(text(2)).toBe('*3\r\n$1\r\nz\r\n$1\r\nb\r\n$1\r\n2\r\n');
  });
});
