import { describe, expect, test } from 'vitest';
import { harness } from './helpers.js';

/** Rules the larger differential found (each reply as redis-server 7.0.15 sent it on the wire). */
describe('multi.c / server.c rules seen in the differential against redis-server 7.0.15', () => {
  test('touchAllWatchedKeysInDb: FLUSHALL fails the EXEC of a client watching a key that existed, not of one watching a missing key', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.connect(3);
    h.send(1, 'SET k 1\r\n');
    h.send(1, 'WATCH k\r\n');
    h.send(2, 'WATCH missing\r\n');
    h.send(3, 'FLUSHALL\r\n');
    expect(h.send(1, 'MULTI\r\nEXEC\r\n')).toBe('+OK\r\n*-1\r\n');
    expect(h.send(2, 'MULTI\r\nEXEC\r\n')).toBe('+OK\r\n*0\r\n');
  });

  test('touchAllWatchedKeysInDb: SWAPDB fails the EXEC of a client watching a key present in either db, not of one watching a key in neither', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.connect(3);
    h.send(3, 'SELECT 1\r\nSET k 1\r\nSELECT 0\r\n');
    h.send(1, 'WATCH k\r\n');
    h.send(2, 'WATCH other\r\n');
    h.send(3, 'SWAPDB 0 1\r\n');
    expect(h.send(1, 'MULTI\r\nEXEC\r\n')).toBe('+OK\r\n*-1\r\n');
    expect(h.send(2, 'MULTI\r\nEXEC\r\n')).toBe('+OK\r\n*0\r\n');
  });

  test('execCommandAbort: a refused EXEC outside MULTI still discards - a WATCH whose key was touched no longer fails the next EXEC (redis-server 7.0.15 answered *1 +PONG)', () => {
    const h = harness();
    h.connect(1);
    h.send(1, 'RPUSH l c\r\nWATCH l s\r\nLMOVE l m LEFT RIGHT\r\nPSUBSCRIBE c*\r\n');
    const only = 'only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context';
    expect(h.send(1, 'EXEC\r\n')).toBe(`-EXECABORT Transaction discarded because of: Can't execute 'exec': ${only}\r\n`);
    h.send(1, 'PUNSUBSCRIBE\r\n');
    expect(h.send(1, 'MULTI\r\nPING\r\nEXEC\r\n')).toBe('+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n');
  });

  test('rejectCommand: a subscribed RESP2 client’s EXEC is answered EXECABORT with the reason, its MULTI refused', () => {
    const h = harness();
    h.connect(1);
    h.send(1, 'SUBSCRIBE ch\r\n');
    const only = 'only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context';
    expect(h.send(1, 'MULTI\r\n')).toBe(`-ERR Can't execute 'multi': ${only}\r\n`);
    expect(h.send(1, 'CONFIG SET hz 10\r\n')).toBe(`-ERR Can't execute 'config|set': ${only}\r\n`);
    expect(h.send(1, 'EXEC\r\n')).toBe(`-EXECABORT Transaction discarded because of: Can't execute 'exec': ${only}\r\n`);
    expect(h.send(1, 'NOSUCH\r\n')).toBe("-ERR unknown command 'NOSUCH', with args beginning with: \r\n");
  });

  test('processCommand inside MULTI: an unknown subcommand of a server command is refused when queued, and EXEC aborts', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'MULTI\r\nCLIENT FOO\r\nEXEC\r\n')).toBe("+OK\r\n-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n-EXECABORT Transaction discarded because of previous errors.\r\n");
    expect(h.send(1, 'MULTI\r\nPUBLISH ch\r\nEXEC\r\n')).toBe("+OK\r\n-ERR wrong number of arguments for 'publish' command\r\n-EXECABORT Transaction discarded because of previous errors.\r\n");
  });

  test('execCommand: SUBSCRIBE queued in MULTI writes its replies inside EXEC’s array, whose length counts commands', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'MULTI\r\nPING x\r\nSUBSCRIBE a b\r\nEXEC\r\n')).toBe(
      '+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n$1\r\nx\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n',
    );
  });

  test('Sentinel’s fail-over transaction: CONFIG REWRITE is queued and answers inside EXEC (no config file), so the transaction is not aborted', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'MULTI\r\nCONFIG REWRITE\r\nPING\r\nEXEC\r\n')).toBe('+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n-ERR The server is running without a config file\r\n+PONG\r\n');
  });
});
