import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { RedisServerError } from '../src/index.js';
import { harness } from './helpers.js';

// Expected bytes below were recorded from redis-server 7.0.15 (the one installed here), sending
// the same requests on one connection.
describe('connection commands answer as redis-server 7.0.15', () => {
  test('networking.c helloCommand: HELLO 3 answers a RESP3 map and switches the connection; HELLO 1 is NOPROTO', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'HELLO 1\r\n')).toBe('-NOPROTO unsupported protocol version\r\n');
    expect(h.send(1, 'HELLO 3\r\n')).toBe(
      '%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:1\r\n' +
        '$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n',
    );
    expect(h.send(1, 'GET nokey\r\n')).toBe('_\r\n');
    expect(h.send(1, 'HELLO 2 AUTH x y\r\n')).toBe('-WRONGPASS invalid username-password pair or user is disabled.\r\n');
    expect(h.send(1, 'HELLO 2 BLAH\r\n')).toBe("-ERR Syntax error in HELLO option 'BLAH'\r\n");
    expect(h.send(1, 'HELLO x\r\n')).toBe('-ERR Protocol version is not an integer or out of range\r\n');
    expect(h.send(1, 'HELLO 2\r\nGET nokey\r\n')).toMatch(/\$-1\r\n$/);
  });

  test('networking.c clientCommand: SETNAME refuses spaces; GETNAME; unknown subcommand; arity', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'CLIENT SETNAME "a b"\r\n')).toBe('-ERR Client names cannot contain spaces, newlines or special characters.\r\n');
    expect(h.send(1, 'CLIENT GETNAME\r\n')).toBe('$-1\r\n');
    expect(h.send(1, 'CLIENT SETNAME app\r\nCLIENT GETNAME\r\n')).toBe('+OK\r\n$3\r\napp\r\n');
    expect(h.send(1, 'CLIENT FOO\r\n')).toBe("-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n");
    expect(h.send(1, 'CLIENT\r\n')).toBe("-ERR wrong number of arguments for 'client' command\r\n");
    expect(h.send(1, 'CLIENT SETNAME\r\n')).toBe("-ERR wrong number of arguments for 'client|setname' command\r\n");
  });

  test('acl.c authCommand with only the nopass default user: AUTH <password> is refused, AUTH default <any> is OK', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'AUTH x\r\nAUTH default x\r\nAUTH other x\r\nAUTH\r\nAUTH a b c\r\n')).toBe(
      '-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n+OK\r\n' +
        "-WRONGPASS invalid username-password pair or user is disabled.\r\n-ERR wrong number of arguments for 'auth' command\r\n-ERR syntax error\r\n",
    );
  });

  test('CLIENT ID is a fresh number per connection, never reused', () => {
    const h = harness();
    h.connect(7);
    h.connect(8);
    expect(h.send(7, 'CLIENT ID\r\n')).toBe(':1\r\n');
    expect(h.send(8, 'CLIENT ID\r\n')).toBe(':2\r\n');
    h.srv.close(7);
    h.connect(7);
    expect(h.send(7, 'CLIENT ID\r\n')).toBe(':3\r\n');
  });

  test('QUIT answers +OK and closes; RESET answers +RESET and returns to db 0, RESP2', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'SELECT 3\r\nHELLO 3\r\nRESET\r\nGET k\r\n')).toMatch(/\+RESET\r\n\$-1\r\n$/);
    expect(h.send(1, 'QUIT\r\nPING\r\n')).toBe('+OK\r\n<close>');
  });
});

describe('networking.c processInputBuffer', () => {
  test('a protocol error answers Redis text after the commands before it, then closes', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, '*1\r\n$3\r\nfoo\r\n*x\r\n')).toBe("-ERR unknown command 'foo', with args beginning with: \r\n-ERR Protocol error: invalid multibulk length\r\n<close>");
  });

  test('a request split anywhere gets the same replies as in one piece', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), (cut) => {
        const req = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\nvv\r\nGET k\r\nPING\r\n';
        const h = harness();
        h.connect(1);
        const split = h.send(1, req.slice(0, cut)) + h.send(1, req.slice(cut));
        expect(split).toBe('+OK\r\n$2\r\nvv\r\n+PONG\r\n');
      }),
    );
  });

  test('networking.c acceptCommonHandler: over maxclients the connection gets an error and is closed', () => {
    const h = harness({ maxclients: 1 });
    expect(h.connect(1)).toBe('');
    expect(h.connect(2)).toBe('-ERR max number of clients reached\r\n<close>');
  });

  test('data for an unknown connection is a typed error', () => {
    const h = harness();
    expect(() => h.send(9, 'PING\r\n')).toThrow(RedisServerError);
  });

  test('each connection keeps its own SELECTed db', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    expect(h.send(1, 'SELECT 1\r\nSET k one\r\n')).toBe('+OK\r\n+OK\r\n');
    expect(h.send(2, 'SET k zero\r\n')).toBe('+OK\r\n');
    expect(h.send(1, 'GET k\r\n')).toBe('$3\r\none\r\n');
    expect(h.send(2, 'GET k\r\n')).toBe('$4\r\nzero\r\n');
  });
});

describe('multi.c', () => {
  test('MULTI errors as redis-server 7.0.15: WATCH inside MULTI, a refused command aborts EXEC, DISCARD/EXEC without MULTI', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'MULTI\r\nWATCH x\r\nSET a 1\r\nFOO\r\nEXEC\r\n')).toBe(
      "+OK\r\n-ERR WATCH inside MULTI is not allowed\r\n+QUEUED\r\n-ERR unknown command 'FOO', with args beginning with: \r\n-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
    expect(h.send(1, 'GET a\r\nDISCARD\r\nEXEC\r\nMULTI\r\nMULTI\r\n')).toBe('$-1\r\n-ERR DISCARD without MULTI\r\n-ERR EXEC without MULTI\r\n+OK\r\n-ERR MULTI calls can not be nested\r\n');
  });

  test('EXEC runs the queue in order, with SELECT and connection commands inside it', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'MULTI\r\nSET a 1\r\nCLIENT SETNAME n\r\nINCR a\r\nSELECT 2\r\nGET a\r\nEXEC\r\nGET a\r\n')).toBe(
      '+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*5\r\n+OK\r\n+OK\r\n:2\r\n+OK\r\n$-1\r\n$-1\r\n',
    );
  });

  test('multi.c touchWatchedKey: a write by another connection to a WATCHed key makes EXEC answer a null array (RESP2 *-1, RESP3 _)', () => {
    fc.assert(
      fc.property(fc.constantFrom('SET', 'DEL', 'INCR', 'EXPIRE', 'LPUSH', 'FLUSHALL'), fc.boolean(), (cmd, resp3) => {
        const h = harness();
        h.connect(1);
        h.connect(2);
        h.send(1, 'SET w 5\r\n');
        if (resp3) h.send(1, 'HELLO 3\r\n');
        h.send(1, 'WATCH w\r\nMULTI\r\nSET r 1\r\n');
        const write = { SET: 'SET w 6', DEL: 'DEL w', INCR: 'INCR w', EXPIRE: 'EXPIRE w 100', LPUSH: 'DEL w\r\nLPUSH w x', FLUSHALL: 'FLUSHALL' }[cmd];
        h.send(2, `${write}\r\n`);
        expect(h.send(1, 'EXEC\r\nGET r\r\n')).toBe(resp3 ? '_\r\n_\r\n' : '*-1\r\n$-1\r\n');
      }),
    );
  });

  test('multi.c: a write to another key, a read of the WATCHed key, or UNWATCH leaves EXEC to run', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.send(1, 'WATCH w\r\n');
    h.send(2, 'SET other 1\r\nGET w\r\n');
    expect(h.send(1, 'MULTI\r\nSET r 1\r\nEXEC\r\n')).toBe('+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n');
    h.send(1, 'WATCH w\r\n');
    h.send(2, 'SET w 1\r\n');
    expect(h.send(1, 'UNWATCH\r\nMULTI\r\nSET r 2\r\nEXEC\r\n')).toBe('+OK\r\n+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n');
  });

  test('multi.c: a WATCHed key that expires (lazily, on a read by another connection) fails the EXEC', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.send(1, 'SET w 1 PX 100\r\nWATCH w\r\n');
    h.advance(200);
    expect(h.send(2, 'GET w\r\n')).toBe('$-1\r\n');
    expect(h.send(1, 'MULTI\r\nSET r 1\r\nEXEC\r\n')).toBe('+OK\r\n+QUEUED\r\n*-1\r\n');
  });

  test('the WATCHing connection closing forgets its keys (a later write flags nobody)', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    h.send(1, 'WATCH w\r\n');
    h.srv.close(1);
    expect(h.srv.watchedKeys.empty).toBe(true);
    expect(h.send(2, 'SET w 1\r\n')).toBe('+OK\r\n');
  });
});
