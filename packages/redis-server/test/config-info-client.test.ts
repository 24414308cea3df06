import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { harness } from './helpers.js';
import { memtoull } from '../src/config.js';

// Expected bytes below were recorded from redis-server 7.0.15 with the same requests.
describe('config.c CONFIG GET / SET / RESETSTAT', () => {
  test('CONFIG GET answers name/value pairs (a RESP3 map after HELLO 3); defaults are Redis 7.0.15 defaults', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'CONFIG GET hz\r\n')).toBe('*2\r\n$2\r\nhz\r\n$2\r\n10\r\n');
    expect(h.send(1, 'CONFIG GET client-output-buffer-limit\r\n')).toBe(
      '*2\r\n$26\r\nclient-output-buffer-limit\r\n$67\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n',
    );
    expect(h.send(1, 'CONFIG GET proto-max-bulk-len\r\nCONFIG GET client-query-buffer-limit\r\n')).toBe(
      '*2\r\n$18\r\nproto-max-bulk-len\r\n$9\r\n536870912\r\n*2\r\n$25\r\nclient-query-buffer-limit\r\n$10\r\n1073741824\r\n',
    );
    h.send(1, 'HELLO 3\r\n');
    expect(h.send(1, 'CONFIG GET maxmemory-policy\r\n')).toBe('%1\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n');
  });

  test('CONFIG GET with a glob gives every matching parameter once, whatever the case of the pattern', () => {
    const h = harness();
    h.connect(1);
    const names = (reply: string): string[] => reply.split('\r\n').filter((_, i) => i % 4 === 2);
    const got = names(h.send(1, 'CONFIG GET *MAXMEMORY* maxmemory\r\n'));
    // As redis-server 7.0.15 lists them (the whole 7.0 table, aliases included).
    expect(got.sort()).toEqual(['maxmemory', 'maxmemory-clients', 'maxmemory-eviction-tenacity', 'maxmemory-policy', 'maxmemory-samples', 'replica-ignore-maxmemory', 'slave-ignore-maxmemory']);
  });

  test("configSetCommand: Redis's error texts (immutable, protected, unknown, duplicate, bounds, enums, yes/no, memory values)", () => {
    const h = harness();
    h.connect(1);
    const cases: [string, string][] = [
      ['CONFIG SET hz abc', "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer"],
      ['CONFIG SET databases 3', "-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config"],
      ['CONFIG SET nosuch 1', "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'"],
      ['CONFIG SET hz 5 hz 6', "-ERR CONFIG SET failed (possibly related to argument 'hz') - duplicate parameter"],
      ['CONFIG SET hz 5 maxmemory-policy bad', "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"],
      ['CONFIG SET appendonly maybe', "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' or 'no'"],
      ['CONFIG SET hz -1', "-ERR CONFIG SET failed (possibly related to argument 'hz') - argument must be between 0 and 2147483647 inclusive"],
      ['CONFIG SET maxclients 0', "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive"],
      ['CONFIG SET active-expire-effort 11', "-ERR CONFIG SET failed (possibly related to argument 'active-expire-effort') - argument must be between 1 and 10 inclusive"],
      ['CONFIG SET maxmemory 12xb', "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
      ['CONFIG SET maxmemory -1', "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value"],
      ['CONFIG SET save "100 a"', "-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
      ['CONFIG SET save "3600 1 300"', "-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"],
      ['CONFIG SET client-output-buffer-limit "normal 1 2"', "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of arguments in buffer limit configuration."],
      ['CONFIG SET client-output-buffer-limit "foo 1 2 3"', "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client class specified in buffer limit configuration."],
      ['CONFIG SET proto-max-bulk-len 10', "-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive"],
      ['CONFIG SET client-query-buffer-limit 100', "-ERR CONFIG SET failed (possibly related to argument 'client-query-buffer-limit') - argument must be between 1048576 and 9223372036854775807 inclusive"],
      ['CONFIG SET dir /nonexist', "-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"],
      ['CONFIG SET appendfsync foo', "-ERR CONFIG SET failed (possibly related to argument 'appendfsync') - argument(s) must be one of the following: everysec, always, no"],
      ['CONFIG SET hz', "-ERR wrong number of arguments for 'config|set' command"],
      ['CONFIG GET', "-ERR wrong number of arguments for 'config|get' command"],
      ['CONFIG foo', "-ERR unknown subcommand 'foo'. Try CONFIG HELP."],
    ];
    for (const [req, want] of cases) expect(h.send(1, `${req}\r\n`), req).toBe(`${want}\r\n`);
    // port is MODIFIABLE in 7.0 (updatePort; the socket adapter listens anew).
    expect(h.send(1, 'CONFIG SET port abc\r\n')).toBe("-ERR CONFIG SET failed (possibly related to argument 'port') - argument couldn't be parsed into an integer\r\n");
  });

  test('CONFIG SET canonicalizes as Redis shows it: hz clamped to 1..500, memory units to bytes, partial buffer limits merged', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'CONFIG SET hz 1000\r\nCONFIG GET hz\r\n')).toBe('+OK\r\n*2\r\n$2\r\nhz\r\n$3\r\n500\r\n');
    expect(h.send(1, 'CONFIG SET hz 0\r\nCONFIG GET hz\r\n')).toBe('+OK\r\n*2\r\n$2\r\nhz\r\n$1\r\n1\r\n');
    expect(h.send(1, 'CONFIG SET maxmemory 1gb\r\nCONFIG GET maxmemory\r\n')).toBe('+OK\r\n*2\r\n$9\r\nmaxmemory\r\n$10\r\n1073741824\r\n');
    expect(h.send(1, 'CONFIG SET save "3600 1 300 100"\r\nCONFIG GET save\r\n')).toBe('+OK\r\n*2\r\n$4\r\nsave\r\n$14\r\n3600 1 300 100\r\n');
    expect(h.send(1, 'CONFIG SET client-output-buffer-limit "pubsub 1mb 1kb 10"\r\nCONFIG GET client-output-buffer-limit\r\n')).toBe(
      '+OK\r\n*2\r\n$26\r\nclient-output-buffer-limit\r\n$63\r\nnormal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 1024 10\r\n',
    );
  });

  test('a CONFIG SET that fails on any pair changes nothing (configSetCommand is all or nothing)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), fc.constantFrom('bad', 'allkeys-lru'), (hz, policy) => {
        const h = harness();
        h.connect(1);
        const r = h.send(1, `CONFIG SET hz ${hz} maxmemory-policy ${policy}\r\n`);
        const after = h.send(1, 'CONFIG GET hz\r\n');
        if (policy === 'bad') {
          expect(r).toMatch(/^-ERR CONFIG SET failed/);
          expect(after).toBe('*2\r\n$2\r\nhz\r\n$2\r\n10\r\n');
        } else {
          expect(r).toBe('+OK\r\n');
          expect(after).toBe(`*2\r\n$2\r\nhz\r\n$${String(hz).length}\r\n${hz}\r\n`);
          expect(h.srv.keyspace.config.hz).toBe(hz);
        }
      }),
    );
  });

  test('a listener that refuses a value restores every pair of the CONFIG SET (restoreBackupConfig)', () => {
    const h = harness();
    h.connect(1);
    const seen: string[] = [];
    h.srv.config.onChange('appendonly', (v) => {
      seen.push(v);
      return v === 'yes' ? 'Background AOF rewrite failed' : undefined;
    });
    expect(h.send(1, 'CONFIG SET hz 50 appendonly yes\r\n')).toBe("-ERR CONFIG SET failed (possibly related to argument 'appendonly') - Background AOF rewrite failed\r\n");
    expect(h.srv.config.get('hz')).toBe('10');
    expect(h.srv.keyspace.config.hz).toBe(10);
    expect(h.srv.config.get('appendonly')).toBe('no');
    expect(seen).toEqual(['yes', 'no']);
  });

  test('util.c memtoull: units k/kb/m/mb/g/gb in any case; anything else is not a memory value', () => {
    expect([memtoull('1k'), memtoull('1KB'), memtoull('2mb'), memtoull('1g'), memtoull('7')]).toEqual([1000, 1024, 2097152, 1e9, 7]);
    for (const bad of ['-1', '1x', '', ' 1', '1.5mb']) expect(memtoull(bad)).toBeUndefined();
  });

  test('CONFIG RESETSTAT zeroes total_commands_processed; CONFIG SET maxmemory reaches the eviction config', () => {
    const h = harness();
    h.connect(1);
    h.send(1, 'SET a 1\r\nGET a\r\nCONFIG SET maxmemory-policy allkeys-lru maxmemory 10mb\r\n');
    expect(h.srv.keyspace.core.maxmemory?.cfg.policy).toBe('allkeys-lru');
    expect(h.srv.keyspace.core.maxmemory?.cfg.maxmemory).toBe(10 * 1024 * 1024);
    // stat_numcommands moves at the end of call(): INFO does not count itself (redis-server 7.0.15 gives 3).
    expect(h.send(1, 'INFO stats\r\n')).toMatch(/total_commands_processed:3\r\n/);
    expect(h.send(1, 'CONFIG RESETSTAT\r\nINFO stats\r\n')).toMatch(/^\+OK\r\n[^]*total_commands_processed:1\r\n/);
  });
});

describe('server.c INFO', () => {
  test('INFO without arguments gives the default sections in Redis order, joined by blank lines', () => {
    const h = harness();
    h.connect(1);
    const text = h.send(1, 'INFO\r\n');
    const titles = [...text.matchAll(/# (\w+)\r\n/g)].map((m) => m[1]);
    // redis-server 7.0.15's INFO: the module list (empty) and the error stats are default sections.
    expect(titles).toEqual(['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
    expect(text).toMatch(/\r\n\r\n# Clients\r\n/);
  });

  test('INFO section names: several at once, any case; an unknown one answers an empty bulk; RESP3 answers a verbatim string', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'INFO nosuch\r\n')).toBe('$0\r\n\r\n');
    expect(h.send(1, 'INFO CLUSTER\r\n')).toBe('$30\r\n# Cluster\r\ncluster_enabled:0\r\n\r\n');
    const two = h.send(1, 'INFO keyspace replication\r\n');
    expect(two).toMatch(/# Replication\r\nrole:master\r\nconnected_slaves:0\r\n[^]*master_repl_offset:0\r\n[^]*\r\n\r\n# Keyspace\r\n/);
    h.send(1, 'HELLO 3\r\n');
    expect(h.send(1, 'INFO cluster\r\n')).toBe('=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n');
  });

  test('INFO stats counts expired keys and the keyspace section the keys, as the keyspace has them', () => {
    const h = harness();
    h.connect(1);
    h.send(1, 'SET a 1 PX 10\r\nSET b 2\r\nSELECT 2\r\nSET c 3 EX 100\r\n');
    expect(h.send(1, 'INFO keyspace\r\n')).toMatch(/db0:keys=2,expires=1,avg_ttl=\d+\r\ndb2:keys=1,expires=1,avg_ttl=\d+\r\n/);
    h.advance(20);
    h.send(1, 'SELECT 0\r\nGET a\r\n');
    expect(h.send(1, 'INFO stats\r\n')).toMatch(/expired_keys:1\r\n/);
  });

  test('infoSections is a registry: another unit replaces a section or adds one', () => {
    const h = harness();
    h.connect(1);
    h.srv.infoSections.set('persistence', () => '# Persistence\r\naof_enabled:1\r\n');
    h.srv.infoSections.set('mine', () => '# Mine\r\nx:1\r\n');
    expect(h.send(1, 'INFO persistence mine\r\n')).toBe('$45\r\n# Persistence\r\naof_enabled:1\r\n\r\n# Mine\r\nx:1\r\n\r\n');
  });

  test('INFO memory used_memory grows with the dataset (the documented estimate)', () => {
    const h = harness();
    h.connect(1);
    const used = (): number => Number(/used_memory:(\d+)/.exec(h.send(1, 'INFO memory\r\n'))?.[1]);
    const before = used();
    h.send(1, `SET k ${'x'.repeat(1000)}\r\n`);
    expect(used() - before).toBeGreaterThanOrEqual(1000);
  });
});

describe('networking.c CLIENT LIST / INFO / KILL / REPLY', () => {
  test('CLIENT LIST has a line per client with id, addr, laddr, name, db, sub/psub, multi, cmd and resp', () => {
    const h = harness();
    h.srv.connect(1, { addr: '10.0.0.1:5000', laddr: '127.0.0.1:6379' });
    h.connect(2);
    h.send(2, 'CLIENT SETNAME worker\r\nSELECT 3\r\nPSUBSCRIBE n*\r\n');
    const list = h.send(1, 'CLIENT LIST\r\n');
    expect(list).toMatch(/^\$\d+\r\nid=1 addr=10\.0\.0\.1:5000 laddr=127\.0\.0\.1:6379 fd=8 name= age=0 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 /);
    expect(list).toMatch(/\nid=2 addr=\S+ laddr=\S+ fd=8 name=worker age=0 idle=0 flags=P db=3 sub=0 psub=1 ssub=0 multi=-1 [^\n]* cmd=psubscribe user=default redir=-1 resp=2\n\r\n$/);
    expect(h.send(1, 'CLIENT LIST TYPE pubsub\r\n')).toMatch(/^\$\d+\r\nid=2 /);
    expect(h.send(1, 'CLIENT LIST ID 1 2\r\n').match(/id=/g)?.length).toBe(2);
    expect(h.send(1, 'CLIENT LIST TYPE foo\r\nCLIENT LIST ID abc\r\n')).toBe("-ERR Unknown client type 'foo'\r\n-ERR Invalid client ID\r\n");
    expect(h.send(1, 'CLIENT INFO\r\n')).toMatch(/^\$\d+\r\nid=1 addr=10\.0\.0\.1:5000 [^\n]*cmd=client\|info [^\n]*\n\r\n$/);
  });

  test("CLIENT KILL: Redis's errors; ID / ADDR / LADDR / TYPE / SKIPME filters; a killed client is closed with nothing more written", () => {
    const h = harness();
    h.connect(1);
    h.srv.connect(2, { addr: '10.0.0.2:7000', laddr: '127.0.0.1:6379' });
    h.connect(3);
    expect(h.send(1, 'CLIENT KILL 1.2.3.4:5\r\nCLIENT KILL ID 999\r\nCLIENT KILL foo bar\r\nCLIENT KILL ID abc\r\nCLIENT KILL SKIPME maybe\r\nCLIENT KILL USER nobody\r\n')).toBe(
      "-ERR No such client\r\n:0\r\n-ERR syntax error\r\n-ERR client-id should be greater than 0\r\n-ERR syntax error\r\n-ERR No such user 'nobody'\r\n",
    );
    const out = h.srv.data(1, Buffer.from('CLIENT KILL ADDR 10.0.0.2:7000\r\n'));
    expect(out).toContainEqual({ type: 'close', id: 2, abort: true });
    expect(h.send(1, 'CLIENT KILL 10.0.0.2:7000\r\n')).toBe('-ERR No such client\r\n');
    expect(h.send(1, 'CLIENT KILL TYPE normal\r\n')).toBe(':1\r\n');
    expect(h.srv.connectedClients).toBe(1);
    expect(h.send(1, 'CLIENT KILL TYPE normal SKIPME no\r\n')).toBe(':1\r\n<close>');
  });

  test('CLIENT REPLY OFF drops replies until ON; SKIP drops only the next command\'s', () => {
    const h = harness();
    h.connect(1);
    expect(h.send(1, 'CLIENT REPLY SKIP\r\nPING\r\nPING b\r\nCLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY ON\r\nCLIENT NO-EVICT maybe\r\n')).toBe('$1\r\nb\r\n+OK\r\n-ERR syntax error\r\n');
  });
});
