import { describe, expect, test } from 'vitest';
import { harness } from './helpers.js';

const cmd = (...a: string[]): string => `*${a.length}\r\n${a.map((x) => `$${Buffer.byteLength(x, 'latin1')}\r\n${x}\r\n`).join('')}`;
const TYPES = ['string', 'integer', 'double', 'bignum', 'null', 'array', 'set', 'map', 'attrib', 'push', 'verbatim', 'true', 'false', 'nope'];

// Bytes recorded from redis-server 7.0.15 (--enable-debug-command yes), 2026-12-05, with the same requests.
const WRONG_TYPE = '-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n';
const RESP2 =
  '$11\r\nHello World\r\n:12345\r\n$5\r\n3.141\r\n$37\r\n1234567999999999999999999999999999999\r\n$-1\r\n*3\r\n:0\r\n:1\r\n:2\r\n*3\r\n:0\r\n:1\r\n:2\r\n' +
  '*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n$39\r\nSome real reply following the attribute\r\n-ERR RESP2 is not supported by this command\r\n' +
  '$25\r\nThis is a verbatim\nstring\r\n:1\r\n:0\r\n' + WRONG_TYPE;
const RESP3 =
  '$11\r\nHello World\r\n:12345\r\n,3.141\r\n(1234567999999999999999999999999999999\r\n_\r\n*3\r\n:0\r\n:1\r\n:2\r\n~3\r\n:0\r\n:1\r\n:2\r\n' +
  '%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n$39\r\nSome real reply following the attribute\r\n' +
  '>2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n=29\r\ntxt:This is a verbatim\nstring\r\n#t\r\n#f\r\n' + WRONG_TYPE;

describe('DEBUG (debug.c debugCommand, 7.0)', () => {
  test('DEBUG PROTOCOL <type> for every type, in RESP2 and after HELLO 3: redis-server 7.0.15\'s bytes', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    expect(h.send(1, TYPES.map((t) => cmd('DEBUG', 'PROTOCOL', t)).join(''))).toBe(RESP2);
    h.send(2, cmd('HELLO', '3'));
    expect(h.send(2, TYPES.map((t) => cmd('DEBUG', 'PROTOCOL', t)).join(''))).toBe(RESP3);
  });

  test('DIGEST and DIGEST-VALUE: redis-server 7.0.15\'s hex digits for the same data; POPULATE fills the selected db', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, cmd('DEBUG', 'DIGEST'))).toBe(`+${'0'.repeat(40)}\r\n`);
    h.send(1, cmd('SELECT', '2'));
    expect(h.send(1, cmd('DEBUG', 'POPULATE', '2', 'p', '3'))).toBe('+OK\r\n');
    expect(h.send(1, cmd('MGET', 'p:0', 'p:1'))).toBe('*2\r\n$3\r\nval\r\n$3\r\nval\r\n');
    expect(h.send(1, cmd('DEBUG', 'DIGEST'))).toBe('+86a475f497eb46b6316e0caf3d5ab24e846c982e\r\n');
    expect(h.send(1, cmd('DEBUG', 'DIGEST-VALUE', 'p:0', 'p:1'))).toBe('*2\r\n+4a8156b2e3f4fc42eb91f9785367646ff5ffb5ec\r\n+4a8156b2e3f4fc42eb91f9785367646ff5ffb5ec\r\n');
    expect(h.send(1, cmd('DEBUG', 'DIGEST-VALUE'))).toBe('*0\r\n');
    expect(h.send(1, cmd('DEBUG', 'DIGEST-VALUE', 'nosuch'))).toBe(`*1\r\n+${'0'.repeat(40)}\r\n`);
  });

  test('POPULATE touches WATCHed keys it adds (signalModifiedKey): the watcher\'s EXEC fails, as on redis-server 7.0.15', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.send(1, cmd('WATCH', 'key:0'));
    expect(h.send(2, cmd('DEBUG', 'POPULATE', '1'))).toBe('+OK\r\n');
    expect(h.send(1, cmd('MULTI') + cmd('PING') + cmd('EXEC'))).toBe('+OK\r\n+QUEUED\r\n*-1\r\n');
  });

  test('POPULATE\'s arguments: a negative or non-numeric count or size is refused with 7.0.15\'s text; the arity is 3 to 5', () => {
    const h = harness();
    h.connect(1);
    const positive = '-ERR value is out of range, must be positive\r\n';
    expect(h.send(1, cmd('DEBUG', 'POPULATE', '-1'))).toBe(positive);
    expect(h.send(1, cmd('DEBUG', 'POPULATE', 'x'))).toBe(positive);
    expect(h.send(1, cmd('DEBUG', 'POPULATE', '3', 'p', '-5'))).toBe(positive);
    expect(h.send(1, cmd('DEBUG', 'POPULATE', '3', 'p', '0'))).toBe('+OK\r\n');
    expect(h.send(1, cmd('DEBUG', 'POPULATE', '1', 'p', '1', 'x'))).toBe("-ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.\r\n");
    expect(h.send(1, cmd('DEBUG'))).toBe("-ERR wrong number of arguments for 'debug' command\r\n");
    expect(h.send(1, cmd('DEBUG', 'POPULATE', '1000000000000000'))).toMatch(/^-ERR DEBUG POPULATE of 1000000000000000 keys of 0 bytes is more than a db holds here/);
  });

  test('SET-ACTIVE-EXPIRE 0 stops the active expire cycle (a key past its deadline stays until accessed); 1 restarts it', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, cmd('DEBUG', 'SET-ACTIVE-EXPIRE', '0'))).toBe('+OK\r\n');
    h.send(1, cmd('SET', 't', 'v', 'PX', '1'));
    h.advance(1000);
    for (let i = 0; i < 20; i++) h.srv.tick();
    expect(h.send(1, cmd('DBSIZE'))).toBe(':1\r\n');
    expect(h.send(1, cmd('DEBUG', 'SET-ACTIVE-EXPIRE', '1'))).toBe('+OK\r\n');
    for (let i = 0; i < 20; i++) h.srv.tick();
    expect(h.send(1, cmd('DBSIZE'))).toBe(':0\r\n');
  });

  test('ERROR replies with its text (CR/LF as spaces); HELP lists the subcommands in addReplyHelp\'s form; RELOAD needs persistence', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, cmd('DEBUG', 'ERROR', 'FOO a\r\nb'))).toBe('-FOO a  b\r\n');
    const help = h.send(1, cmd('DEBUG', 'HELP'));
    expect(help.startsWith('*23\r\n+DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+DIGEST\r\n')).toBe(true);
    expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
    expect(h.send(1, cmd('DEBUG', 'RELOAD'))).toMatch(/^-ERR DEBUG RELOAD needs persistence/);
    expect(h.send(1, cmd('DEBUG', 'LOG', 'hello'))).toBe('+OK\r\n');
  });
  test('DEBUG OBJECT: 7.0.15\'s fields for a list; no expiry check and no LRU update; a missing key is ERR no such key', () => {
    const h = harness();
    h.connect(1);
    const lru = Math.floor(1_700_000_000_000 / 1000) % 2 ** 24; // LRU_CLOCK: seconds, 24 bits
    h.send(1, cmd('RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3'));
    h.send(1, cmd('PEXPIRE', 'l', '500'));
    h.advance(5000); // past its deadline, not reclaimed yet: DEBUG OBJECT looks in the dict as it is
    // The fields after `Value at` as redis-server 7.0.15 printed them for RPUSH l a b c 1 2 3 (2026-12-05)
    const want = `refcount:1 encoding:quicklist serializedlength:25 lru:${lru} lru_seconds_idle:5 ql_nodes:1 ql_avg_node:6.00 ql_listpack_max:-2 ql_compressed:0 ql_uncompressed_size:22\r\n`;
    const first = h.send(1, cmd('DEBUG', 'OBJECT', 'l'));
    expect(first).toMatch(/^\+Value at:0x[0-9a-f]+ /);
    expect(first.replace(/^\+Value at:0x[0-9a-f]+ /, '')).toBe(want);
    expect(h.send(1, cmd('DEBUG', 'OBJECT', 'l')).replace(/^\+Value at:0x[0-9a-f]+ /, '')).toBe(want); // not touched
    expect(h.send(1, cmd('DEBUG', 'OBJECT', 'nosuch'))).toBe('-ERR no such key\r\n');
    expect(h.send(1, cmd('DEBUG', 'OBJECT'))).toBe("-ERR unknown subcommand or wrong number of arguments for 'OBJECT'. Try DEBUG HELP.\r\n");
  });

  test('OBJECT REFCOUNT / DEBUG OBJECT: a small integer is shared unless maxmemory is set with an LRU or LFU policy (7.0.15)', () => {
    const h = harness();
    h.connect(1);
    h.send(1, cmd('SET', 'a', '5'));
    expect(h.send(1, cmd('OBJECT', 'REFCOUNT', 'a'))).toBe(':2147483647\r\n');
    h.send(1, cmd('CONFIG', 'SET', 'maxmemory', '100mb', 'maxmemory-policy', 'allkeys-lru'));
    h.send(1, cmd('SET', 'b', '5'));
    expect(h.send(1, cmd('OBJECT', 'REFCOUNT', 'b'))).toBe(':1\r\n');
    expect(h.send(1, cmd('DEBUG', 'OBJECT', 'b'))).toMatch(/ refcount:1 encoding:int serializedlength:2 /);
    h.send(1, cmd('CONFIG', 'SET', 'maxmemory-policy', 'noeviction'));
    expect(h.send(1, cmd('OBJECT', 'REFCOUNT', 'b'))).toBe(':2147483647\r\n');
  });
  test('a list keeps the list-max-listpack-size of its creation (ql_listpack_max), as redis-server 7.0.15 showed it', () => {
    const h = harness();
    h.connect(1);
    h.send(1, cmd('CONFIG', 'SET', 'list-max-listpack-size', '3'));
    h.send(1, cmd('RPUSH', 'l', 'a', 'b', 'c', 'd', 'e', 'f', 'g'));
    h.send(1, cmd('CONFIG', 'SET', 'list-max-ziplist-size', '-2'));
    h.send(1, cmd('RPUSH', 'l', 'h', 'i', 'j'));
    // 7.0.15, the same commands (2026-12-05): 4 nodes of at most 3 elements; MEMORY USAGE 312
    expect(h.send(1, cmd('DEBUG', 'OBJECT', 'l'))).toMatch(
      / serializedlength:67 lru:\d+ lru_seconds_idle:0 ql_nodes:4 ql_avg_node:2\.50 ql_listpack_max:3 ql_compressed:0 ql_uncompressed_size:58\r\n$/,
    );
    expect(h.send(1, cmd('MEMORY', 'USAGE', 'l'))).toBe(':312\r\n');
    h.send(1, cmd('RPUSH', 'm', 'x'));
    expect(h.send(1, cmd('DEBUG', 'OBJECT', 'm'))).toContain(' ql_listpack_max:-2 ');
  });
});
