/**
 * The replication parameters as live configuration (config.c 7.0 standardConfig rows and apply
 * functions): CONFIG GET / SET with redis-server 7.0.15's names, aliases, defaults and error texts
 * (recorded from the real server with redis-cli), and what each change does at once.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RedisServer, RedisServerError } from '../src/index.js';
import { installReplication, MASTERDOWN_ERROR, NOREPLICAS_ERROR, READONLY_ERROR } from '../src/replication/replication.js';
import { replicationDirectives } from '../src/replication/directives.js';
import { formatMemory, repr } from '../src/replication/config-rewrite.js';
import { installConfigFile } from '../src/server-config.js';
import { ReplPump, replInfo, text } from './replication-pump.js';

const one = (node: ReturnType<ReplPump['add']>, net: ReplPump) => (...argv: (string | number)[]) => text(net.client(node.port).send(...argv)[0]);

/** CONFIG GET of one name as [name, value] strings. */
function get(net: ReplPump, port: number, name: string): string {
  return text(net.client(port).send('CONFIG', 'GET', name)[0]) as string;
}

const pairs = (...kv: string[]): string => JSON.stringify({ type: 'array', value: kv.map((v) => ({ type: 'bulk', value: v })) });

/** CONFIG SET's refusal as config.c words it. */
const failed = (name: string, why: string): string => `-ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
const BETWEEN_INT = 'argument must be between 0 and 2147483647 inclusive';

describe('CONFIG GET: the replication rows of config.c 7.0 with redis-server 7.0.15 defaults', () => {
  test('each parameter and each alias answers with its default (memory in bytes, yes/no)', () => {
    const net = new ReplPump();
    net.add(6379);
    const defaults: [string, string][] = [
      ['repl-backlog-size', '1048576'], ['repl-backlog-ttl', '3600'], ['repl-timeout', '60'], ['repl-ping-replica-period', '10'],
      ['repl-ping-slave-period', '10'], ['repl-diskless-sync', 'yes'], ['repl-diskless-sync-delay', '5'], ['repl-diskless-sync-max-replicas', '0'],
      ['min-replicas-to-write', '0'], ['min-slaves-to-write', '0'], ['min-replicas-max-lag', '10'], ['min-slaves-max-lag', '10'],
      ['replica-priority', '100'], ['slave-priority', '100'], ['replica-read-only', 'yes'], ['slave-read-only', 'yes'],
      ['replica-serve-stale-data', 'yes'], ['slave-serve-stale-data', 'yes'], ['replica-announced', 'yes'], ['replicaof', ''], ['slaveof', ''],
      ['masteruser', ''], ['masterauth', ''],
    ];
    for (const [name, value] of defaults) expect(get(net, 6379, name), name).toBe(pairs(name, value));
  });

  test('a glob lists a parameter and its alias under their own names (CONFIG GET min-*)', () => {
    const net = new ReplPump();
    net.add(6379);
    const got = JSON.parse(get(net, 6379, 'min-*')) as { value: { value: string }[] };
    const names = got.value.filter((_, i) => i % 2 === 0).map((v) => v.value).sort();
    expect(names).toEqual(['min-replicas-max-lag', 'min-replicas-to-write', 'min-slaves-max-lag', 'min-slaves-to-write']);
  });
});

describe('CONFIG SET: good and bad values with config.c 7.0.15\'s texts', () => {
  const cases: [name: string, good: string, shown: string, bad: string, why: string][] = [
    ['repl-backlog-size', '2mb', '2097152', '0', 'argument must be between 1 and 9223372036854775807 inclusive'],
    ['repl-backlog-size', '1GB', '1073741824', '1.5mb', 'argument must be a memory value'],
    ['repl-backlog-size', '9223372036854775807', '9223372036854775807', '-1', 'argument must be a memory value'],
    ['repl-backlog-size', '0005', '16384', '18446744073709551615', 'argument must be between 1 and 9223372036854775807 inclusive'],
    ['repl-backlog-size', '64kb', '65536', '10000000000gb', 'argument must be between 1 and 9223372036854775807 inclusive'],
    ['repl-backlog-size', '20000', '20000', 'mb', 'argument must be between 1 and 9223372036854775807 inclusive'],
    ['repl-backlog-ttl', '0', '0', '-1', 'argument must be between 0 and 9223372036854775807 inclusive'],
    ['repl-backlog-ttl', '9223372036854775807', '9223372036854775807', '99999999999999999999', "argument couldn't be parsed into an integer"],
    ['repl-backlog-ttl', '7200', '7200', '05', "argument couldn't be parsed into an integer"],
    ['repl-timeout', '5', '5', '0', 'argument must be between 1 and 2147483647 inclusive'],
    ['repl-timeout', '2147483647', '2147483647', '2147483648', 'argument must be between 1 and 2147483647 inclusive'],
    ['repl-timeout', '30', '30', 'x', "argument couldn't be parsed into an integer"],
    ['repl-ping-replica-period', '1', '1', '0', 'argument must be between 1 and 2147483647 inclusive'],
    ['repl-ping-slave-period', '3', '3', '+5', "argument couldn't be parsed into an integer"],
    ['repl-diskless-sync', 'NO', 'no', 'maybe', "argument must be 'yes' or 'no'"],
    ['repl-diskless-sync-delay', '0', '0', '-1', BETWEEN_INT],
    ['repl-diskless-sync-max-replicas', '3', '3', '-1', BETWEEN_INT],
    ['min-replicas-to-write', '0', '0', '-1', BETWEEN_INT],
    ['min-slaves-max-lag', '20', '20', '-1', BETWEEN_INT],
    ['min-replicas-max-lag', '0', '0', '', "argument couldn't be parsed into an integer"],
    ['replica-priority', '0', '0', '-1', BETWEEN_INT],
    ['slave-priority', '5', '5', 'x', "argument couldn't be parsed into an integer"],
    ['replica-read-only', 'no', 'no', '1', "argument must be 'yes' or 'no'"],
    ['slave-serve-stale-data', 'Yes', 'yes', 'nah', "argument must be 'yes' or 'no'"],
    ['replica-announced', 'no', 'no', 'x', "argument must be 'yes' or 'no'"],
  ];
  test.each(cases)('CONFIG SET %s %s → OK, then CONFIG GET shows %s; %s is refused', (name, good, shown, bad, why) => {
    const net = new ReplPump();
    const m = net.add(6379);
    const run = one(m, net);
    expect(run('CONFIG', 'SET', name, good)).toBe('OK');
    expect(get(net, 6379, name)).toBe(pairs(name, shown));
    expect(run('CONFIG', 'SET', name, bad)).toBe(failed(name, why));
    expect(get(net, 6379, name)).toBe(pairs(name, shown));
  });

  test('replicaof is IMMUTABLE_CONFIG (REPLICAOF is the command): CONFIG SET refuses it, by either name', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    expect(one(m, net)('CONFIG', 'SET', 'replicaof', '1 2')).toBe(failed('replicaof', "can't set immutable config"));
    expect(one(m, net)('CONFIG', 'SET', 'slaveof', '1 2')).toBe(failed('slaveof', "can't set immutable config"));
  });

  test('an alias and its parameter in one CONFIG SET: 7.0.15 takes both and the last wins; the same name twice is a duplicate', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    expect(one(m, net)('CONFIG', 'SET', 'replica-priority', '1', 'slave-priority', '2')).toBe('OK');
    expect(get(net, 6379, 'replica-priority')).toBe(pairs('replica-priority', '2'));
    expect(one(m, net)('CONFIG', 'SET', 'repl-timeout', '5', 'REPL-TIMEOUT', '6')).toBe(failed('REPL-TIMEOUT', 'duplicate parameter'));
  });

  test('CONFIG SET of several parameters is all or nothing: one bad value leaves every other one as it was', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    expect(one(m, net)('CONFIG', 'SET', 'replica-priority', '5', 'repl-timeout', '0')).toBe(failed('repl-timeout', 'argument must be between 1 and 2147483647 inclusive'));
    expect(get(net, 6379, 'replica-priority')).toBe(pairs('replica-priority', '100'));
    expect(m.repl.st.config.replicaPriority).toBe(100);
  });
});

describe('what a change does (the apply functions)', () => {
  test('min-replicas-to-write gates writes at once (-NOREPLICAS), a good replica lets them through, min-replicas-max-lag 0 turns the check off', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    const r = net.add(6380);
    const run = one(m, net);
    expect(run('CONFIG', 'SET', 'min-slaves-to-write', '1')).toBe('OK');
    expect(run('SET', 'k', 'v')).toBe(`-${NOREPLICAS_ERROR}`);
    expect(run('CONFIG', 'SET', 'min-replicas-max-lag', '0')).toBe('OK');
    expect(run('SET', 'k', 'v')).toBe('OK');
    expect(run('CONFIG', 'SET', 'min-replicas-max-lag', '10')).toBe('OK');
    one(r, net)('REPLICAOF', '127.0.0.1', 6379);
    net.advance(1000);
    expect(run('SET', 'k', 'w')).toBe('OK');
    expect(replInfo(m).get('min_slaves_good_slaves')).toBe('1');
  });

  test('replica-priority 0 on a replica shows at once as INFO replication slave_priority:0 (Sentinel never promotes it), and so do replica-read-only / replica-announced', () => {
    const net = new ReplPump();
    net.add(6379);
    const r = net.add(6380);
    one(r, net)('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    expect([replInfo(r).get('slave_priority'), replInfo(r).get('slave_read_only'), replInfo(r).get('replica_announced')]).toEqual(['100', '1', '1']);
    expect(one(r, net)('CONFIG', 'SET', 'replica-priority', '0')).toBe('OK');
    expect(replInfo(r).get('slave_priority')).toBe('0');
    const info = text(net.client(6380).send('INFO', 'replication')[0]) as string;
    expect(info).toContain('\r\nslave_priority:0\r\nslave_read_only:1\r\nreplica_announced:1\r\n');
    expect(one(r, net)('CONFIG', 'SET', 'slave-read-only', 'no', 'replica-announced', 'no')).toBe('OK');
    expect([replInfo(r).get('slave_read_only'), replInfo(r).get('replica_announced')]).toEqual(['0', '0']);
  });

  test('replica-read-only no: a replica takes its own clients\' writes; yes again: -READONLY', () => {
    const net = new ReplPump();
    net.add(6379);
    const r = net.add(6380);
    const run = one(r, net);
    run('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    expect(run('SET', 'local', '1')).toBe(`-${READONLY_ERROR}`);
    expect(run('CONFIG', 'SET', 'replica-read-only', 'no')).toBe('OK');
    expect(run('SET', 'local', '1')).toBe('OK');
    expect(run('GET', 'local')).toBe('1');
    expect(run('CONFIG', 'SET', 'replica-read-only', 'yes')).toBe('OK');
    expect(run('SET', 'local', '2')).toBe(`-${READONLY_ERROR}`);
  });

  test('replica-serve-stale-data no: while the link is down a replica answers -MASTERDOWN except to commands flagged stale (INFO, CONFIG, REPLICAOF…); once it is up, it serves again', () => {
    const net = new ReplPump();
    net.add(6379);
    const r = net.add(6380);
    const run = one(r, net);
    net.down.add(6379);
    run('REPLICAOF', '127.0.0.1', 6379);
    net.drain();
    expect(run('GET', 'k')).toBe(null);
    expect(run('CONFIG', 'SET', 'replica-serve-stale-data', 'no')).toBe('OK');
    expect(run('GET', 'k')).toBe(`-${MASTERDOWN_ERROR}`);
    expect(run('PING')).toBe(`-${MASTERDOWN_ERROR}`); // PING has no `stale` flag in 7.0
    expect(run('SET', 'k', 'v')).toBe(`-${READONLY_ERROR}`); // READONLY is checked first
    expect(String(run('INFO', 'replication'))).toContain('master_link_status:down');
    expect(String(run('CONFIG', 'GET', 'replica-serve-stale-data'))).toContain('no');
    net.down.delete(6379);
    net.advance(1000);
    expect(replInfo(r).get('master_link_status')).toBe('up');
    expect(run('GET', 'k')).toBe(null);
    expect(run('PING')).toBe('PONG');
  });

  test('repl-timeout and repl-ping-replica-period take effect at the next cron: a replica with repl-timeout 2 whose master pings every 100 s drops the link; a 1 s ping keeps it', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    const r = net.add(6380);
    one(r, net)('REPLICAOF', '127.0.0.1', 6379);
    net.advance(1000);
    expect(one(m, net)('CONFIG', 'SET', 'repl-ping-replica-period', '100')).toBe('OK');
    expect(one(r, net)('CONFIG', 'SET', 'repl-timeout', '2')).toBe('OK');
    net.advance(1000);
    expect(replInfo(r).get('master_link_status')).toBe('up');
    net.advance(3000);
    expect(r.repl.st.replicaStats.fullLoads + r.repl.st.replicaStats.continues).toBeGreaterThan(1); // it dropped and reconnected
    expect(one(m, net)('CONFIG', 'SET', 'repl-ping-slave-period', '1')).toBe('OK');
    const links = r.repl.st.replicaStats.fullLoads + r.repl.st.replicaStats.continues;
    net.advance(10_000);
    expect(r.repl.st.replicaStats.fullLoads + r.repl.st.replicaStats.continues).toBe(links);
  });

  test('repl-backlog-ttl: a master without replicas for longer frees its backlog (repl_backlog_active:0) and takes a new replid', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    const r = net.add(6380);
    one(r, net)('REPLICAOF', '127.0.0.1', 6379);
    net.advance(1000);
    one(m, net)('SET', 'k', 'v');
    const replid = replInfo(m).get('master_replid');
    one(r, net)('REPLICAOF', 'NO', 'ONE');
    net.advance(2000);
    expect(replInfo(m).get('repl_backlog_active')).toBe('1');
    expect(one(m, net)('CONFIG', 'SET', 'repl-backlog-ttl', '1')).toBe('OK');
    net.advance(2000);
    expect(replInfo(m).get('repl_backlog_active')).toBe('0');
    expect(replInfo(m).get('master_replid')).not.toBe(replid);
  });

  test('repl-backlog-size below 16384 is raised to CONFIG_REPL_BACKLOG_MIN_SIZE by CONFIG SET (resizeReplicationBacklog), but kept as given at start', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    expect(one(m, net)('CONFIG', 'SET', 'repl-backlog-size', '1kb')).toBe('OK');
    expect(get(net, 6379, 'repl-backlog-size')).toBe(pairs('repl-backlog-size', '16384'));
    expect(replInfo(m).get('repl_backlog_size')).toBe('16384');
    const s = net.add(6390, { replBacklogSize: 1 });
    expect(get(net, 6390, 'repl-backlog-size')).toBe(pairs('repl-backlog-size', '1'));
    expect(replInfo(s).get('repl_backlog_size')).toBe('1');
  });

  test('masterauth / masteruser go to the core as set ("" is not set, EMPTY_STRING_IS_NULL) and are used at the next connection to the master', () => {
    const net = new ReplPump();
    const m = net.add(6379);
    expect(one(m, net)('CONFIG', 'SET', 'masterauth', 'pw', 'masteruser', 'repl')).toBe('OK');
    expect([m.repl.st.config.masterauth, m.repl.st.config.masteruser]).toEqual(['pw', 'repl']);
    expect(one(m, net)('CONFIG', 'SET', 'masterauth', '', 'masteruser', '')).toBe('OK');
    expect([m.repl.st.config.masterauth, m.repl.st.config.masteruser]).toEqual([undefined, undefined]);
  });

  test('CONFIG GET replicaof follows REPLICAOF ("<host> <port>", "" after NO ONE)', () => {
    const net = new ReplPump();
    net.add(6379);
    const r = net.add(6380);
    one(r, net)('REPLICAOF', '127.0.0.1', 6379);
    expect(get(net, 6380, 'replicaof')).toBe(pairs('replicaof', '127.0.0.1 6379'));
    expect(get(net, 6380, 'slaveof')).toBe(pairs('slaveof', '127.0.0.1 6379'));
    one(r, net)('REPLICAOF', 'NO', 'ONE');
    expect(get(net, 6380, 'replicaof')).toBe(pairs('replicaof', ''));
  });
});

describe('repl-backlog-size shrinking under a live link (replication.c resizeReplicationBacklog + masterTryPartialResynchronization)', () => {
  test('a replica that reconnects after any sequence of CONFIG SET repl-backlog-size and writes continues iff its offset is still in the master\'s backlog, and ends equal to the master either way', () => {
    const seen = { inside: 0, outside: 0 };
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ write: fc.integer({ min: 1, max: 40 }) }), fc.record({ size: fc.constantFrom('16kb', '20000', '64kb', '1mb') })), { minLength: 1, maxLength: 8 }),
        (steps) => {
          const net = new ReplPump();
          const m = net.add(6379);
          const r = net.add(6380);
          one(r, net)('REPLICAOF', '127.0.0.1', 6379);
          net.advance(1000);
          net.down.add(6379);
          net.dropLink(r);
          const replicaOffset = r.repl.st.master_repl_offset;
          let n = 0;
          for (const s of steps) {
            if ('write' in s) for (let i = 0; i < s.write; i++) one(m, net)('SET', `k${n++}`, 'x'.repeat(1000));
            else expect(one(m, net)('CONFIG', 'SET', 'repl-backlog-size', s.size)).toBe('OK');
          }
          const b = m.repl.st.repl_backlog;
          const inside = b !== undefined && replicaOffset + 1 >= b.offset && replicaOffset + 1 <= b.offset + b.histlen;
          seen[inside ? 'inside' : 'outside']++;
          const before = { ...r.repl.st.replicaStats };
          net.down.delete(6379);
          net.advance(2000);
          expect(r.repl.st.replicaStats.continues - before.continues).toBe(inside ? 1 : 0);
          expect(r.repl.st.replicaStats.fullLoads - before.fullLoads).toBe(inside ? 0 : 1);
          expect(one(r, net)('DBSIZE')).toBe(n);
          expect(r.repl.st.master_repl_offset).toBe(m.repl.st.master_repl_offset);
        },
      ),
      { numRuns: 25 },
    );
    // Both outcomes happened (else the sizes and writes above test nothing).
    expect(seen.inside).toBeGreaterThan(0);
    expect(seen.outside).toBeGreaterThan(0);
  });
});

describe('start values go through the same parsers', () => {
  test('a bad start value is a typed BAD_OPTION error with config.c\'s reason, from installReplication as from the directives', () => {
    const srv = new RedisServer({ now: () => 0 });
    const opts = { listeningPort: () => 6379, peerIp: () => '', io: () => undefined, now: () => 0, newReplid: () => 'a'.repeat(40), config: { replTimeoutSec: 0 } };
    expect(() => installReplication(srv, opts)).toThrow(/repl-timeout.*argument must be between 1 and 2147483647 inclusive/);
    expect(() => replicationDirectives(new Map([['slave-priority', 'x']]))).toThrow(RedisServerError);
    expect(() => replicationDirectives(new Map([['slave-priority', 'x']]))).toThrow("'slave-priority x': argument couldn't be parsed into an integer");
    expect(replicationDirectives(new Map([['repl-diskless-sync-delay', '0'], ['slave-read-only', 'no'], ['repl-backlog-ttl', '60']])).config).toEqual({
      replDisklessSyncDelaySec: 0, replicaReadOnly: false, replBacklogTtlSec: 60,
    });
  });
});

describe('CONFIG REWRITE (config.c rewriteConfig, 7.0)', () => {
  /** A pump node whose CONFIG REWRITE reads and writes `file.text`. */
  function withFile(text: string): { net: ReplPump; node: ReturnType<ReplPump['add']>; file: { text: string | undefined } } {
    const net = new ReplPump();
    const node = net.add(6379);
    const file: { text: string | undefined } = { text };
    installConfigFile(node.srv, { read: () => file.text, write: (t) => { file.text = t; } });
    return { net, node, file };
  }

  test('redis-server 7.0.15\'s own example: alias lines rewritten in place under canonical names (even at their default), memory in exact units, new options after the signature, replicaof removed on a master', () => {
    const old = '# my conf\nsave ""\nslave-priority 50\nrepl-backlog-size 2mb\n# a comment\nmin-slaves-to-write 0\nslaveof 127.0.0.1 1\n';
    const { net, node, file } = withFile(old);
    const run = one(node, net);
    expect(run('CONFIG', 'SET', 'save', '')).toBe('OK'); // as the file says (the pump's server did not read it)
    run('REPLICAOF', '127.0.0.1', 1);
    expect(run('CONFIG', 'SET', 'replica-priority', '0', 'repl-backlog-size', '3000000', 'repl-timeout', '30', 'min-replicas-to-write', '0', 'replica-read-only', 'no')).toBe('OK');
    expect(run('CONFIG', 'REWRITE')).toBe('OK');
    // As 7.0.15 wrote it (its `dir`, latency-tracking and `user` lines aside).
    expect(file.text).toBe('# my conf\nsave ""\nreplica-priority 0\nrepl-backlog-size 3000000\n# a comment\nmin-replicas-to-write 0\nreplicaof 127.0.0.1 1\n\n# Generated by CONFIG REWRITE\nreplica-read-only no\nrepl-timeout 30\n');
    run('REPLICAOF', 'NO', 'ONE');
    expect(run('CONFIG', 'SET', 'repl-backlog-size', '16mb', 'repl-timeout', '60', 'replica-priority', '100')).toBe('OK');
    expect(run('CONFIG', 'REWRITE')).toBe('OK');
    expect(file.text).toBe('# my conf\nsave ""\nreplica-priority 100\nrepl-backlog-size 16mb\n# a comment\nmin-replicas-to-write 0\n\n# Generated by CONFIG REWRITE\nreplica-read-only no\nrepl-timeout 60\n\n');
  });

  test('a file without a final newline gets the signature right after its last line; a missing file is written from nothing; a write that fails answers config.c\'s error', () => {
    const a = withFile('# c');
    expect(one(a.node, a.net)('CONFIG', 'SET', 'repl-timeout', '30')).toBe('OK');
    one(a.node, a.net)('CONFIG', 'REWRITE');
    expect(a.file.text).toBe('# c\n# Generated by CONFIG REWRITE\nsave ""\nrepl-timeout 30\n'.replace('save ""\n', 'save 3600 1\nsave 300 100\nsave 60 10000\n'));
    const b = withFile('');
    b.file.text = undefined;
    expect(one(b.node, b.net)('CONFIG', 'REWRITE')).toBe('OK');
    expect(b.file.text).toBe('# Generated by CONFIG REWRITE\nsave 3600 1\nsave 300 100\nsave 60 10000\n');
    const c = new ReplPump();
    const n = c.add(6379);
    expect(one(n, c)('CONFIG', 'REWRITE')).toBe('-ERR The server is running without a config file');
    installConfigFile(n.srv, { read: () => '', write: () => { throw new Error('Permission denied'); } });
    expect(one(n, c)('CONFIG', 'REWRITE')).toBe('-ERR Rewriting config file: Permission denied');
  });

  test('formatMemory (rewriteConfigFormatMemory) and repr (sdscatrepr)', () => {
    expect([0n, 1024n, 3000000n, 16n * 1024n * 1024n, 2n * 1024n ** 3n, 1536n].map(formatMemory)).toEqual(['0', '1kb', '3000000', '16mb', '2gb', '1536']);
    expect(repr('a b"c\\\n\x01')).toBe('"a b\\"c\\\\\\n\\x01"');
  });

  test('a config file rewritten after any CONFIG SETs of the replication parameters, read back at start, gives the same CONFIG GET; rewriting again changes nothing but one final blank line', () => {
    const setting = fc.constantFrom(
      ['repl-backlog-size', '2mb'], ['repl-backlog-size', '100000'], ['slave-priority', '0'], ['replica-priority', '7'], ['repl-timeout', '5'],
      ['min-slaves-to-write', '2'], ['min-replicas-max-lag', '0'], ['replica-read-only', 'no'], ['repl-diskless-sync', 'no'], ['repl-backlog-ttl', '0'],
      ['repl-ping-slave-period', '3'], ['replica-announced', 'no'], ['repl-diskless-sync-delay', '0'], ['replica-serve-stale-data', 'no'],
    );
    const lines = fc.subarray(['# c', 'slave-priority 50', 'repl-backlog-size 1mb', 'min-slaves-max-lag 10', 'repl-timeout 60', '']);
    fc.assert(
      fc.property(lines, fc.array(setting, { maxLength: 8 }), (old, sets) => {
        const { net, node, file } = withFile(old.join('\n'));
        for (const [name, value] of sets) expect(one(node, net)('CONFIG', 'SET', name, value)).toBe('OK');
        one(node, net)('CONFIG', 'REWRITE');
        const once = file.text ?? '';
        // The file's final newline reads as an empty last line, so the second rewrite may add one
        // blank line at the end (7.0.15 does the same); from then on nothing changes.
        one(node, net)('CONFIG', 'REWRITE');
        const twice = file.text ?? '';
        expect([once, `${once}\n`]).toContain(twice);
        one(node, net)('CONFIG', 'REWRITE');
        expect(file.text).toBe(twice);
        const directives = new Map(once.split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const));
        const fresh = new ReplPump().add(6380, replicationDirectives(directives).config);
        const all = (n: typeof node): unknown => n.srv.config.configGet(['repl*', 'min-*', 'replica-*']);
        expect(all(fresh)).toEqual(all(node));
      }),
      { numRuns: 60 },
    );
  });
});
