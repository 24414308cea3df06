/**
 * The full 7.0.15 CONFIG table (config-params.ts): the names and defaults recorded from the real
 * server, Debian's stock redis.conf accepted as a start config, `timeout` closing idle clients
 * (networking.c clientsCronHandleTimeout) but not subscribers, and CONFIG REWRITE writing the new
 * parameters.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { RedisServer } from '../src/index.js';
import { rewriteConfig } from '../src/replication/config-rewrite.js';
import { clockHarness } from './clock-harness.js';
import { REAL_DEFAULTS, START_SPECIFIC } from './config-params-recorded.js';

const FIXTURE = new URL('./fixtures/debian-redis-7.0.15.conf', import.meta.url);

function server(config: ReadonlyMap<string, string> = new Map()): RedisServer {
  return new RedisServer({ now: () => 1_700_000_000_000, config });
}

/** The directive lines as protolab-redis reads them (save / client-output-buffer-limit lines add up). */
function directives(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const words = [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
    const [name = '', ...rest] = words;
    const key = name.toLowerCase();
    const prev = out.get(key);
    const adds = key === 'save' || key === 'client-output-buffer-limit';
    out.set(key, adds && prev !== undefined ? `${prev} ${rest.join(' ')}` : rest.join(' '));
  }
  return out;
}

describe('config.c 7.0 standardConfig table', () => {
  test('CONFIG GET * lists the 192 names redis-server 7.0.15 lists, each with its default', () => {
    const got = new Map(server().config.configGet(['*']));
    const expected = new Map<string, string>([...REAL_DEFAULTS, ...START_SPECIFIC.map(([n, d]) => [n, d] as [string, string])]);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [name, value] of REAL_DEFAULTS) expect([name, got.get(name)]).toEqual([name, value]);
  });

  test('HIDDEN_CONFIG rows answer to their exact name only', () => {
    const t = server().config;
    expect(t.configGet(['key-load-delay'])).toEqual([['key-load-delay', '0']]);
    expect(t.configGet(['*-delay']).map(([n]) => n)).toEqual(['repl-diskless-sync-delay']);
  });

  test("Debian's stock redis.conf (every directive line) is accepted as a start config", () => {
    const config = directives(readFileSync(FIXTURE, 'utf8'));
    expect(config.size).toBeGreaterThan(60);
    const t = server(config).config;
    expect(t.get('protected-mode')).toBe('yes');
    expect(t.get('client-output-buffer-limit')).toBe('normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    expect(t.get('auto-aof-rewrite-min-size')).toBe('67108864');
    expect(t.get('pidfile')).toBe('/run/redis/redis-server.pid');
    expect(t.get('bind')).toBe('127.0.0.1 -::1');
  });

  test('config.c error texts of the new kinds: percent, octal at start, multi-value enum, specials', () => {
    const t = server().config;
    const set = (...argv: string[]): string => {
      const r = t.configSet(argv);
      return r.type === 'error' || r.type === 'simple' ? r.value : JSON.stringify(r);
    };
    expect(set('maxmemory-clients', '200%')).toBe("ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - percentage argument must be less or equal to 100");
    expect(set('maxmemory-clients', '-5')).toBe("ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - argument must be a memory or percent value");
    expect(set('maxmemory-clients', '5%')).toBe('OK');
    expect(t.get('maxmemory-clients')).toBe('5%');
    expect(set('shutdown-on-sigint', 'NOW Force')).toBe('OK');
    expect(t.get('shutdown-on-sigint')).toBe('now force');
    expect(set('shutdown-on-sigint', 'save nosave')).toBe("ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigint') - shutdown options SAVE and NOSAVE can't be used simultaneously");
    expect(set('oom-score-adj', 'relative')).toBe('OK');
    expect(t.get('oom-score-adj')).toBe('yes');
    expect(set('tls-port', '1234')).toBe("ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. Check server logs.");
    expect(set('proc-title-template', ' {title} ')).toBe("ERR CONFIG SET failed (possibly related to argument 'proc-title-template') - template format is invalid or contains unknown variables");
    expect(set('proc-title-template', 'a}')).toBe('OK');
    expect(set('save', '0 1')).toBe("ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters");
    expect(() => server(new Map([['unixsocketperm', '999']]))).toThrow("argument couldn't be parsed as an octal number");
    expect(server(new Map([['unixsocketperm', '700']])).config.get('unixsocketperm')).toBe('700');
    expect(() => server(new Map([['unixsocketperm', '1000']]))).toThrow('argument must be between 0 and 777 inclusive');
  });

  test('enable-protected-configs yes lets CONFIG SET change a PROTECTED_CONFIG row', () => {
    const t = server(new Map([['enable-protected-configs', 'yes']])).config;
    expect(t.configSet(['dbfilename', 'other.rdb'])).toEqual({ type: 'simple', value: 'OK' });
    const local = server(new Map([['enable-protected-configs', 'local']])).config;
    expect(local.configSet(['dbfilename', 'x.rdb'], false).type).toBe('error');
    expect(local.configSet(['dbfilename', 'x.rdb'], true)).toEqual({ type: 'simple', value: 'OK' });
  });
});

describe('timeout (networking.c clientsCronHandleTimeout)', () => {
  test('an idle client is closed once more than `timeout` seconds passed; a subscriber and a busy client are not', () => {
    const h = clockHarness();
    h.connect(1);
    h.connect(2);
    h.connect(3);
    expect(h.send(1, 'CONFIG SET timeout 2\r\n')).toBe('+OK\r\n');
    expect(h.send(2, 'SUBSCRIBE ch\r\n')).toContain('subscribe');
    const closed = (): number[] => h.srv.tick().outputs.flatMap((o) => (o.type === 'close' ? [o.id] : []));
    h.advanceUs(2_000_000);
    expect(h.send(3, 'PING\r\n')).toBe('+PONG\r\n');
    expect(closed()).toEqual([]); // 2 s idle: not more than 2
    h.advanceUs(1_000_000);
    expect(closed()).toEqual([1]); // client 1: 3 s idle; client 3 spoke 1 s ago; 2 subscribes
    h.advanceUs(5_000_000);
    expect(closed()).toEqual([3]);
  });

  test('timeout 0 (the default) never closes a client', () => {
    const h = clockHarness();
    h.connect(1);
    h.advanceUs(10_000_000_000);
    expect(h.srv.tick().outputs.filter((o) => o.type === 'close')).toEqual([]);
  });
});

describe('CONFIG REWRITE of the new parameters (config.c rewriteConfig)', () => {
  test('new rows are written when they differ from their default, memory rows in units, strings quoted', () => {
    const t = server().config;
    expect(t.configSet(['timeout', '30', 'tcp-keepalive', '60', 'auto-aof-rewrite-min-size', '128mb', 'ignore-warnings', 'ARM64-COW-BUG', 'maxmemory-clients', '10%'])).toEqual({ type: 'simple', value: 'OK' });
    const text = rewriteConfig('protected-mode yes\ntimeout 0\n', t);
    expect(text.split('\n')).toEqual(expect.arrayContaining(['protected-mode yes', 'timeout 30', 'tcp-keepalive 60', 'auto-aof-rewrite-min-size 128mb', 'ignore-warnings "ARM64-COW-BUG"', 'maxmemory-clients 10%']));
    expect(text).not.toContain('io-threads');
  });
});

describe('CONFIG SET port on the socket adapter (config.c updatePort)', () => {
  test('the server listens on the new port; the connection that asked stays', async () => {
    const { startRedisServer } = await import('../src/index.js');
    const { freePort } = await import('@protolab/testkit');
    const { connection } = await import('./peer-client.js');
    const srv = await startRedisServer({ port: 0 });
    try {
      const next = await freePort();
      const a = connection(srv.port);
      expect(await a.ask(['CONFIG', 'SET', 'port', String(next)])).toEqual({ type: 'simple', value: 'OK' });
      expect(await a.ask(['PING'])).toEqual({ type: 'simple', value: 'PONG' });
      await new Promise((r) => setTimeout(r, 100));
      const b = connection(next);
      const r = await b.ask(['CONFIG', 'GET', 'port']);
      const values = r.type === 'array' ? r.value.map((v) => (v.type === 'bulk' ? Buffer.from(v.value).toString('latin1') : '?')) : [];
      expect(values).toEqual(['port', String(next)]);
      a.socket.destroy();
      b.socket.destroy();
    } finally {
      await srv.close();
    }
  });
});

describe('rdbcompression / rdbchecksum reach rdbSave (rdb.c rdbSaveRio)', () => {
  test('rdbcompression no writes a compressible string as it is; yes LZF-compresses it; rdbchecksum no writes 8 zero bytes', async () => {
    const { persistentHarness } = await import('./persistence-harness.js');
    const value = 'abc'.repeat(200);
    const contains = (file: Uint8Array): boolean => Buffer.from(file).includes(Buffer.from(value, 'latin1'));
    const h = persistentHarness();
    h.cmd(`SET k ${value}`);
    expect(h.cmd('SAVE')).toBe('+OK\r\n');
    expect(contains(h.disk.read('dump.rdb'))).toBe(false);
    expect(h.cmd('CONFIG SET rdbcompression no')).toBe('+OK\r\n');
    expect(h.cmd('SAVE')).toBe('+OK\r\n');
    const plain = h.disk.read('dump.rdb');
    expect(contains(plain)).toBe(true);
    expect([...plain.subarray(plain.length - 8)].some((b) => b !== 0)).toBe(true);
    expect(h.cmd('CONFIG SET rdbchecksum no')).toContain("can't set immutable config");
    h.srv.config.setAtStart(new Map([['rdbchecksum', 'no']]));
    expect(h.cmd('SAVE')).toBe('+OK\r\n');
    const unsummed = h.disk.read('dump.rdb');
    expect([...unsummed.subarray(unsummed.length - 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(h.cmd('DEBUG RELOAD')).toBe('+OK\r\n');
    expect(h.cmd('STRLEN k')).toBe(':600\r\n');
  });
});

describe("protolab-redis with Debian's redis.conf (bin/protolab-redis.ts processDirectives)", () => {
  test('starts, writes the pidfile, warns that daemonize is not supported, answers CONFIG GET with the file\'s values; the pidfile goes at exit', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { startCli } = await import('./killtest.js');
    const { connection } = await import('./peer-client.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-debian-conf-'));
    const pidfile = path.join(dir, 'redis.pid');
    const cli = await startCli([FIXTURE.pathname, '--dir', dir, '--logfile', '', '--pidfile', pidfile]);
    try {
      expect(fs.readFileSync(pidfile, 'utf8')).toBe(`${cli.child.pid ?? -1}\n`);
      expect(cli.output()).toContain('daemonize yes is not supported');
      const c = connection(cli.port);
      const get = async (name: string): Promise<string> => {
        const r = await c.ask(['CONFIG', 'GET', name]);
        const v = r.type === 'array' ? r.value[1] : undefined;
        return v?.type === 'bulk' ? Buffer.from(v.value).toString('latin1') : '?';
      };
      expect(await get('protected-mode')).toBe('yes');
      expect(await get('bind')).toBe('127.0.0.1 -::1');
      expect(await get('oom-score-adj-values')).toBe('0 200 800');
      c.socket.destroy();
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    expect(fs.existsSync(pidfile)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});

describe('SENSITIVE_CONFIG (configSetCommand redactClientCommandArgument)', () => {
  test('SLOWLOG shows CONFIG SET requirepass / masterauth values as (redacted), other values as sent', () => {
    const h = clockHarness();
    h.connect(1);
    h.send(1, 'CONFIG SET slowlog-log-slower-than 0\r\n');
    h.send(1, 'SLOWLOG RESET\r\n');
    h.send(1, 'CONFIG SET masterauth s3cret timeout 5\r\n');
    h.send(1, 'CONFIG SET nosuch 1 requirepass pw\r\n');
    const log = h.send(1, 'SLOWLOG GET 2\r\n');
    expect(log).not.toContain('s3cret');
    expect(log).not.toContain('$2\r\npw\r\n');
    // Recorded from redis-server 7.0.15 (the same two commands): `config set masterauth (redacted) timeout 5`,
    // `config set nosuch 1 requirepass (redacted)` — redacted even after the unknown name.
    expect(log).toContain('$10\r\nmasterauth\r\n$10\r\n(redacted)\r\n$7\r\ntimeout\r\n$1\r\n5\r\n');
    expect(log).toContain('$6\r\nnosuch\r\n$1\r\n1\r\n$11\r\nrequirepass\r\n$10\r\n(redacted)\r\n');
  });
});

describe('enable-protected-configs local (config.c allowProtectedAction, networking.c islocalClient)', () => {
  test('a loopback client may CONFIG SET dbfilename, a remote one may not', () => {
    const srv = server(new Map([['enable-protected-configs', 'local']]));
    const say = (id: number, line: string): string => srv.data(id, Buffer.from(`${line}\r\n`, 'latin1')).map((o) => (o.type === 'write' ? Buffer.from(o.bytes).toString('latin1') : '')).join('');
    srv.connect(1, { addr: '127.0.0.1:5000' });
    srv.connect(2, { addr: '10.1.2.3:5000' });
    expect(say(1, 'CONFIG SET dbfilename a.rdb')).toBe('+OK\r\n');
    expect(say(2, 'CONFIG SET dbfilename b.rdb')).toBe("-ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config\r\n");
  });
});
