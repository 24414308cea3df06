import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { RedisServer } from '../src/index.js';
import type { ServerOutput } from '../src/index.js';
import { SLOWLOG_ENTRY_MAX_ARGC, SLOWLOG_ENTRY_MAX_STRING, slowlogArgv } from '../src/slowlog.js';
import { catRepr, monitorLine, redactedArgv } from '../src/monitor.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** A server whose µs clock advances 7 µs per reading (so every command takes a few µs). */
function harness() {
  let now = 1_796_444_161_000;
  let us = now * 1000;
  const srv = new RedisServer({ now: () => now, ustime: () => (us += 7) });
  const text = (out: ServerOutput[], id: number): string => out.map((o) => (o.type === 'write' && o.id === id ? dec(o.bytes) : o.type === 'close' && o.id === id ? '<close>' : '')).join('');
  const outs = new Map<number, string>();
  const send = (id: number, req: string): string => {
    const out = srv.data(id, Buffer.from(req, 'latin1'));
    for (const o of out) if (o.type === 'write' && o.id !== id) outs.set(o.id, (outs.get(o.id) ?? '') + dec(o.bytes));
    return text(out, id);
  };
  return {
    srv,
    advance(ms: number): void {
      now += ms;
      us += ms * 1000;
    },
    connect: (id: number, port: number) => srv.connect(id, { addr: `127.0.0.1:${port}` }),
    send,
    /** What other connections received during the sends, since the last call. */
    received(id: number): string {
      const s = outs.get(id) ?? '';
      outs.delete(id);
      return s;
    },
  };
}

const text = (out: readonly ServerOutput[], id: number): string => out.map((o) => (o.type === 'write' && o.id === id ? dec(o.bytes) : '')).join('');

/** MONITOR lines with the time replaced by T (the real server's are wall clock). */
const lines = (s: string): string[] => s.split('\r\n').filter((l) => l !== '').map((l) => l.replace(/^\+\d+\.\d{6} /, '+T '));

describe('slowlog.c slowlogCreateEntry argument limits', () => {
  test('42 arguments keep 31 and "... (11 more arguments)"; a 200-byte argument keeps 128 bytes and "... (72 more bytes)" (recorded from redis-server 7.0.15)', () => {
    const argv = ['rpush', 'biglist', ...Array.from({ length: 40 }, (_, i) => String(i + 1))].map(enc);
    const got = slowlogArgv(argv).map(dec);
    expect(got).toHaveLength(32);
    expect(got[30]).toBe('29');
    expect(got[31]).toBe('... (11 more arguments)');
    expect(slowlogArgv([enc('set'), enc('k2'), enc('a'.repeat(200))]).map(dec)).toEqual(['set', 'k2', `${'a'.repeat(128)}... (72 more bytes)`]);
  });

  test('a slow log entry never holds more than 32 arguments nor an argument longer than 128 bytes plus its note, and keeps the others as sent', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 70 }), (argv) => {
        const got = slowlogArgv(argv);
        expect(got.length).toBe(Math.min(argv.length, SLOWLOG_ENTRY_MAX_ARGC));
        got.forEach((a, j) => {
          const orig = argv[j] ?? new Uint8Array();
          if (argv.length > SLOWLOG_ENTRY_MAX_ARGC && j === SLOWLOG_ENTRY_MAX_ARGC - 1) expect(dec(a)).toBe(`... (${argv.length - 31} more arguments)`);
          else if (orig.length > SLOWLOG_ENTRY_MAX_STRING) expect(dec(a)).toBe(`${dec(orig.subarray(0, 128))}... (${orig.length - 128} more bytes)`);
          else expect(a).toEqual(orig);
        });
      }),
    );
  });
});

describe('sds.c sdscatrepr (MONITOR quoting)', () => {
  test('the recorded argument "x\\ny\\x01\\"q" and the other escapes', () => {
    expect(catRepr(enc('x\ny\x01"q'))).toBe('"x\\ny\\x01\\"q"');
    expect(catRepr(enc('a b'))).toBe('"a b"');
    expect(catRepr(Uint8Array.from([0x5c, 0x0d, 0x09, 0x07, 0x08, 0x7f, 0xff, 0x00]))).toBe('"\\\\\\r\\t\\a\\b\\x7f\\xff\\x00"');
  });

  test('a quoted argument is printable ASCII, never holds a bare quote, and reads back as the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const s = catRepr(bytes);
        expect(s).toMatch(/^"[\x20-\x7e]*"$/);
        const body = s.slice(1, -1);
        const named = new Map([['n', 10], ['r', 13], ['t', 9], ['a', 7], ['b', 8], ['\\', 92], ['"', 34]]);
        const back: number[] = [];
        for (let i = 0; i < body.length; i++) {
          const ch = body[i] ?? '';
          expect(ch).not.toBe('"');
          if (ch !== '\\') back.push(ch.charCodeAt(0));
          else if (body[i + 1] === 'x') {
            back.push(parseInt(body.slice(i + 2, i + 4), 16));
            i += 3;
          } else {
            back.push(named.get(body[i + 1] ?? '') ?? -1);
            i += 1;
          }
        }
        expect(Uint8Array.from(back)).toEqual(bytes);
      }),
    );
  });

  test('monitorLine: +sec.usec [db ip:port] then the quoted arguments', () => {
    expect(dec(monitorLine(1796444161525597, 2, '127.0.0.1:51142', ['SET', 'a b'].map(enc)))).toBe('+1796444161.525597 [2 127.0.0.1:51142] "SET" "a b"\r\n');
    expect(dec(monitorLine(1796444161000001, 0, '127.0.0.1:1', [enc('PING')]))).toBe('+1796444161.000001 [0 127.0.0.1:1] "PING"\r\n');
  });

  test('AUTH and HELLO … AUTH credentials are redacted; HELLO with a bad version or a short AUTH is not (as redis-server 7.0.15 showed)', () => {
    const r = (s: string): string[] => redactedArgv(s.split(' ')[0]?.toLowerCase() ?? '', s.split(' ').map(enc)).map(dec);
    expect(r('AUTH foo')).toEqual(['AUTH', '(redacted)']);
    expect(r('HELLO 2 AUTH default pw')).toEqual(['HELLO', '2', 'AUTH', '(redacted)', '(redacted)']);
    expect(r('HELLO 3 SETNAME n AUTH u p')).toEqual(['HELLO', '3', 'SETNAME', 'n', 'AUTH', '(redacted)', '(redacted)']);
    expect(r('HELLO 4 AUTH a b')).toEqual(['HELLO', '4', 'AUTH', 'a', 'b']);
    expect(r('HELLO 3 AUTH a')).toEqual(['HELLO', '3', 'AUTH', 'a']);
  });
});

describe('SLOWLOG and its CONFIG parameters', () => {
  test('config bounds and defaults: Redis 7.0.15 texts', () => {
    const h = harness();
    h.connect(1, 5000);
    expect(h.send(1, 'CONFIG SET slowlog-max-len -1\r\n')).toBe("-ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive\r\n");
    expect(h.send(1, 'CONFIG SET slowlog-log-slower-than -2\r\n')).toBe("-ERR CONFIG SET failed (possibly related to argument 'slowlog-log-slower-than') - argument must be between -1 and 9223372036854775807 inclusive\r\n");
    expect(h.send(1, 'CONFIG GET slowlog-max-len\r\nCONFIG GET slowlog-log-slower-than\r\n')).toBe('*2\r\n$15\r\nslowlog-max-len\r\n$3\r\n128\r\n*2\r\n$23\r\nslowlog-log-slower-than\r\n$5\r\n10000\r\n');
  });

  test('SLOWLOG errors and HELP as redis-server 7.0.15 answers them', () => {
    const h = harness();
    h.connect(1, 5000);
    expect(h.send(1, 'SLOWLOG GET -2\r\n')).toBe('-ERR count should be greater than or equal to -1\r\n');
    expect(h.send(1, 'SLOWLOG GET x\r\n')).toBe('-ERR count should be greater than or equal to -1\r\n');
    expect(h.send(1, 'SLOWLOG foo\r\n')).toBe("-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n");
    expect(h.send(1, 'SLOWLOG GET 1 2\r\n')).toBe("-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n");
    expect(h.send(1, 'SLOWLOG LEN x\r\n')).toBe("-ERR wrong number of arguments for 'slowlog|len' command\r\n");
    const help = h.send(1, 'SLOWLOG HELP\r\n');
    expect(help.startsWith('*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+GET [<count>]\r\n')).toBe(true);
    expect(help.endsWith('+HELP\r\n+    Prints this help.\r\n')).toBe(true);
  });

  test('with slowlog-log-slower-than 0 every command is logged newest first, EXEC is not (its commands are), AUTH redacted, refused commands not', () => {
    const h = harness();
    h.connect(1, 42612);
    h.send(1, 'CONFIG SET slowlog-log-slower-than 0\r\nSLOWLOG RESET\r\n');
    h.send(1, 'CLIENT SETNAME nn\r\nMULTI\r\nSET a 1\r\nEXEC\r\nAUTH x\r\nGET\r\nNOPE\r\nSLOWLOG foo\r\n');
    const got = h.send(1, 'SLOWLOG GET -1\r\n');
    const entries = got.split('*6\r\n').slice(1);
    const argvOf = (e: string): string[] => e.split('\r\n').filter((_, i, a) => a[i - 1]?.startsWith('$') === true);
    expect(entries.map((e) => argvOf(e).slice(0, -2))).toEqual([['AUTH', '(redacted)'], ['SET', 'a', '1'], ['MULTI'], ['CLIENT', 'SETNAME', 'nn'], ['SLOWLOG', 'RESET']]);
    expect(entries.map((e) => Number(/^:(\d+)/.exec(e)?.[1]))).toEqual([5, 4, 3, 2, 1]);
    expect(argvOf(entries[0] ?? '').slice(-2)).toEqual(['127.0.0.1:42612', 'nn']);
    expect(entries[4]).toMatch(/^:1\r\n:1796444161\r\n:\d+\r\n\*2\r\n\$7\r\nSLOWLOG\r\n\$5\r\nRESET\r\n\$15\r\n127.0.0.1:42612\r\n\$0\r\n\r\n$/);
    // Five, then SLOWLOG GET itself (LEN is logged after it answered).
    expect(h.send(1, 'SLOWLOG LEN\r\n')).toBe(':6\r\n');
  });

  test('a blocked pop is logged when served, after the push that served it (as redis-server 7.0.15); a timed-out one never', () => {
    const h = harness();
    h.connect(1, 1);
    h.connect(2, 2);
    h.send(1, 'CONFIG SET slowlog-log-slower-than 0\r\nSLOWLOG RESET\r\n');
    h.send(2, 'BLPOP bl 0\r\n');
    expect(h.srv.slowlog.length).toBe(1);
    h.send(1, 'RPUSH bl x\r\n');
    expect(h.srv.slowlog.newest(2).map((e) => e.argv.map(dec).join(' '))).toEqual(['BLPOP bl 0', 'RPUSH bl x']);
    h.send(2, 'BLPOP bl2 0.01\r\n');
    h.advance(20);
    expect(text(h.srv.tick().outputs, 2)).toBe('*-1\r\n');
    expect(h.srv.slowlog.length).toBe(3);
  });

  test('a slow log never holds more than slowlog-max-len entries, and its ids only grow', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant('PING'), fc.constant('SLOWLOG RESET'), fc.integer({ min: 0, max: 6 }).map((n) => `CONFIG SET slowlog-max-len ${n}`)), { maxLength: 40 }), (cmds) => {
        const h = harness();
        h.connect(1, 1);
        h.send(1, 'CONFIG SET slowlog-log-slower-than 0\r\n');
        let max = 128;
        let lastTop = -1;
        for (const cmd of cmds) {
          h.send(1, `${cmd}\r\n`);
          if (cmd.startsWith('CONFIG')) max = Number(cmd.split(' ')[3]);
          expect(h.srv.slowlog.length).toBeLessThanOrEqual(max);
          const top = h.srv.slowlog.newest(1)[0]?.id;
          if (top !== undefined) {
            expect(top).toBeGreaterThan(lastTop);
            lastTop = top;
          }
        }
      }),
    );
  });
});

describe('MONITOR', () => {
  test('a monitor sees the commands of others after they ran, with the db after the command (recorded from redis-server 7.0.15)', () => {
    const h = harness();
    h.connect(1, 40000);
    h.connect(2, 51142);
    expect(h.send(1, 'MONITOR\r\n')).toBe('+OK\r\n');
    h.send(2, 'SELECT 2\r\nSET "a b" "x\\ny\\x01\\"q"\r\nMULTI\r\nSET k 1\r\nINCR k\r\nEXEC\r\nAUTH foo\r\nHELLO 2 AUTH default pw\r\n');
    h.send(2, 'CONFIG GET maxmemory\r\nCLIENT SETNAME nm\r\nCLIENT LIST\r\nSLOWLOG LEN\r\nGET\r\nNOPE\r\nLPUSH k x\r\nPING\r\nQUIT\r\n');
    expect(lines(h.received(1))).toEqual([
      '+T [2 127.0.0.1:51142] "SELECT" "2"',
      '+T [2 127.0.0.1:51142] "SET" "a b" "x\\ny\\x01\\"q"',
      '+T [2 127.0.0.1:51142] "MULTI"',
      '+T [2 127.0.0.1:51142] "SET" "k" "1"',
      '+T [2 127.0.0.1:51142] "INCR" "k"',
      '+T [2 127.0.0.1:51142] "EXEC"',
      '+T [2 127.0.0.1:51142] "AUTH" "(redacted)"',
      '+T [2 127.0.0.1:51142] "HELLO" "2" "AUTH" "(redacted)" "(redacted)"',
      '+T [2 127.0.0.1:51142] "CLIENT" "SETNAME" "nm"',
      '+T [2 127.0.0.1:51142] "LPUSH" "k" "x"',
      '+T [2 127.0.0.1:51142] "PING"',
      '+T [2 127.0.0.1:51142] "QUIT"',
    ]);
  });

  test("a monitor may not touch the keyspace, sees its own commands after their replies, ignores a second MONITOR, shows flags=O, and RESET ends it (as redis-server 7.0.15)", () => {
    const h = harness();
    h.connect(1, 38704);
    const got = h.send(1, 'MONITOR\r\nGET k\r\nPING\r\nMONITOR\r\nCLIENT SETNAME q\r\n');
    expect(lines(got)).toEqual(['+OK', "-ERR Replica can't interact with the keyspace", '+PONG', '+T [0 127.0.0.1:38704] "PING"', '+OK', '+T [0 127.0.0.1:38704] "CLIENT" "SETNAME" "q"']);
    expect(h.send(1, 'CLIENT INFO\r\n')).toContain(' flags=O ');
    expect(h.send(1, 'RESET\r\nGET k\r\n')).toBe('+RESET\r\n$-1\r\n');
    expect(h.srv.monitors.size).toBe(0);
  });

  test('MONITOR inside MULTI: EXEC answers the DENY BLOCKING error', () => {
    const h = harness();
    h.connect(1, 1);
    expect(h.send(1, 'MULTI\r\nMONITOR\r\nEXEC\r\n')).toBe("+OK\r\n+QUEUED\r\n*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n");
  });
});
