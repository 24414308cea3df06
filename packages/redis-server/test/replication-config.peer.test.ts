/**
 * The replication parameters as live configuration against the real thing: the same CONFIG GET /
 * SET / INFO / command sequence goes to redis-server 7.0.15 and to protolab-redis (as a master,
 * then as a replica of a port nobody listens on) and the replies must be the same bytes; and a
 * real redis-sentinel 7.0.15 that finds a protolab replica set to `replica-priority 0` by CONFIG
 * SET never promotes it (sentinel.c sentinelSelectSlave skips slave_priority 0).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { describePeer, startServer, type PeerServer } from '@protolab/testkit';
import { encode } from '@protolab/resp';
import { startReplicatedRedisServer, type RunningReplicatedRedisServer } from '../src/adapters/replication.js';
import { cmd, eventually, info, pipeline, startRealSentinel } from './replication-harness.js';
import { startCli, type Cli } from './killtest.js';
import { installConfigFile } from '../src/server-config.js';
import { pipeline as pipelined } from './peer-client.js';

/** Send commands on one connection (pipelined); each reply re-encoded as RESP text. */
async function ask(port: number, cmds: readonly (readonly string[])[]): Promise<string[]> {
  return (await pipelined(port, cmds)).map((v) => Buffer.from(encode(v)).toString('latin1'));
}

const w = (line: string): string[] => line.split(' ');

/** Every name (parameters and aliases) protolab models. */
const NAMES = [
  'repl-backlog-size', 'repl-backlog-ttl', 'repl-timeout', 'repl-ping-replica-period', 'repl-ping-slave-period', 'repl-diskless-sync',
  'repl-diskless-sync-delay', 'repl-diskless-sync-max-replicas', 'min-replicas-to-write', 'min-slaves-to-write', 'min-replicas-max-lag',
  'min-slaves-max-lag', 'replica-priority', 'slave-priority', 'replica-read-only', 'slave-read-only', 'replica-serve-stale-data',
  'slave-serve-stale-data', 'replica-announced', 'replicaof', 'slaveof', 'masteruser', 'masterauth',
];

/** [name, values tried in turn (good and bad), default to restore]. */
const VALUES: [string, string[], string][] = [
  ['repl-backlog-size', ['2mb', '1GB', '0', '-1', '1.5mb', 'abc', 'mb', '', '18446744073709551615', '9223372036854775808', '10000000000gb', '9223372036854775807', '0005', '1kb', '20000', '64KB', '5 '], '1mb'],
  ['repl-backlog-ttl', ['0', '-1', '05', '+5', '', '99999999999999999999', '9223372036854775807', '7200'], '3600'],
  ['repl-timeout', ['0', 'x', '2147483648', '2147483647', '5'], '60'],
  ['repl-ping-replica-period', ['0', '1', '-3'], '10'],
  ['repl-ping-slave-period', ['3', 'x'], '10'],
  ['repl-diskless-sync', ['maybe', 'NO', 'yes', '1'], 'yes'],
  ['repl-diskless-sync-delay', ['-1', '0', '99'], '5'],
  ['repl-diskless-sync-max-replicas', ['-1', '3'], '0'],
  ['min-replicas-to-write', ['-1', '0', '2147483647'], '0'],
  ['min-slaves-to-write', ['2', 'x'], '0'],
  ['min-replicas-max-lag', ['-1', '0', ''], '10'],
  ['min-slaves-max-lag', ['20'], '10'],
  ['replica-priority', ['-1', '0', '2147483648', '7'], '100'],
  ['slave-priority', ['5', 'x'], '100'],
  ['replica-read-only', ['1', 'no', 'YES'], 'yes'],
  ['slave-read-only', ['no'], 'yes'],
  ['replica-serve-stale-data', ['nah', 'no'], 'yes'],
  ['slave-serve-stale-data', ['No'], 'yes'],
  ['replica-announced', ['x', 'no'], 'yes'],
  ['masterauth', ['pass word', ''], ''],
  ['masteruser', ['bob'], ''],
];

function masterScript(): string[][] {
  const s: string[][] = NAMES.map((n) => ['CONFIG', 'GET', n]);
  for (const [name, values, def] of VALUES) {
    for (const v of values) s.push(['CONFIG', 'SET', name, v], ['CONFIG', 'GET', name]);
    s.push(['CONFIG', 'SET', name, def]);
  }
  s.push(
    w('CONFIG GET REPL-TIMEOUT'), w('CONFIG GET Slave-Priority'),
    w('CONFIG SET replica-priority 1 slave-priority 2'), w('CONFIG GET replica-priority'), w('CONFIG SET repl-timeout 5 REPL-TIMEOUT 6'),
    w('CONFIG SET replica-priority 5 repl-timeout 0'), w('CONFIG GET replica-priority'), w('CONFIG GET repl-timeout'),
    ['CONFIG', 'SET', 'replicaof', '1 2'], ['CONFIG', 'SET', 'slaveof', '1 2'], w('CONFIG SET replica-priority 100'),
    w('CONFIG SET min-replicas-to-write 1'), w('SET k v'), w('GET k'), w('MULTI'), w('SET k v'), w('EXEC'),
    w('CONFIG SET min-replicas-max-lag 0'), w('SET k v'), w('CONFIG SET min-replicas-to-write 0 min-replicas-max-lag 10'), w('SET k w'), w('DEL k'),
  );
  return s;
}

function replicaScript(): string[][] {
  return [
    w('CONFIG GET replicaof'), w('CONFIG GET slaveof'), w('SET k v'), w('GET k'), w('CONFIG SET replica-priority 0'),
    w('CONFIG SET replica-serve-stale-data no'), w('GET k'), w('PING'), w('ECHO hi'), w('SET k v'), w('CONFIG GET replica-serve-stale-data'),
    w('MULTI'), w('GET k'), w('EXEC'), w('CONFIG SET replica-read-only no replica-announced no'), w('SET k v'),
    w('CONFIG SET slave-serve-stale-data yes'), w('SET k v'), w('GET k'), w('DEL k'), w('CONFIG SET replica-read-only yes replica-announced yes'),
  ];
}

/** The INFO replication fields both servers must agree on (no ids, offsets or times). */
const INFO_FIELDS = ['role', 'master_host', 'master_port', 'master_link_status', 'slave_priority', 'slave_read_only', 'replica_announced', 'connected_slaves', 'min_slaves_good_slaves', 'repl_backlog_size'];

async function infoLines(port: number): Promise<string[]> {
  const m = await info(port, 'replication');
  return INFO_FIELDS.filter((f) => m.has(f)).map((f) => `${f}:${m.get(f) ?? ''}`);
}

describePeer('redis-server', 'replication parameters: CONFIG GET / SET / INFO give redis-server 7.0.15\'s bytes', () => {
  let real: PeerServer;
  let ours: RunningReplicatedRedisServer;
  beforeAll(async () => {
    real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'] });
    ours = await startReplicatedRedisServer({ port: 0, config: new Map([['save', '']]) });
  });
  afterAll(async () => {
    await real.stop();
    await ours.close();
  });

  /** Run `script` on both, compare reply by reply; INFO replication fields after it. */
  async function compare(script: readonly (readonly string[])[]): Promise<void> {
    const [a, b] = await Promise.all([ask(ours.port, script), ask(real.port, script)]);
    const diffs = script.map((c, i) => ({ cmd: c.join(' '), ours: a[i], real: b[i] })).filter((d) => d.ours !== d.real);
    expect(diffs).toEqual([]);
    expect(await infoLines(ours.port)).toEqual(await infoLines(real.port));
  }

  test('as a master: CONFIG GET of every name, CONFIG SET of good and bad values (config.c\'s texts), aliases, all-or-nothing, immutable replicaof, and min-replicas-* gating writes (-NOREPLICAS)', async () => {
    const script = masterScript();
    expect(script.length).toBeGreaterThan(150);
    await compare(script);
    // A small size shows raised to 16384 in INFO too (resizeReplicationBacklog).
    await compare([w('CONFIG SET repl-backlog-size 100'), w('CONFIG GET repl-backlog-size')]);
    await compare([w('CONFIG SET repl-backlog-size 1mb')]);
    // INFO's min_slaves_good_slaves: shown while both min-replicas-to-write and min-replicas-max-lag are set.
    await compare([w('CONFIG SET min-replicas-to-write 1')]);
    expect((await info(ours.port, 'replication')).get('min_slaves_good_slaves')).toBe('0');
    await compare([w('CONFIG SET min-replicas-max-lag 0')]);
    await compare([w('CONFIG SET min-replicas-to-write 0 min-replicas-max-lag 10')]);
  });

  test('as a replica with its link down: replicaof shown, -READONLY, replica-priority in INFO slave_priority at once, -MASTERDOWN with replica-serve-stale-data no (stale-flagged commands still served), replica-read-only no', async () => {
    await compare([w('REPLICAOF 127.0.0.1 1')]);
    try {
      await compare(replicaScript());
      await compare([w('CONFIG SET replica-priority 0 replica-read-only no replica-announced no')]);
    } finally {
      await compare([w('REPLICAOF NO ONE'), w('CONFIG GET replicaof'), w('CONFIG SET replica-priority 100 replica-read-only yes replica-announced yes')]);
    }
  });

  test('CONFIG GET with globs: every name protolab lists is listed by redis-server 7.0.15 with the same value (Redis lists more parameters, in hash order)', async () => {
    for (const pattern of ['repl*', 'min-*', '*slave*', 'replica-*', '*priority*', 'REPL-B*']) {
      const [mine, theirs] = await Promise.all([cmd(ours.port, 'CONFIG', 'GET', pattern), cmd(real.port, 'CONFIG', 'GET', pattern)]);
      const asMap = (v: unknown): Map<string, string> => {
        const a = (Array.isArray(v) ? v : []).map(String);
        return new Map(a.flatMap((x, i) => (i % 2 === 0 ? [[x, a[i + 1] ?? ''] as const] : [])));
      };
      const m = asMap(mine);
      const t = asMap(theirs);
      expect(m.size, pattern).toBeGreaterThan(0);
      for (const [k, v] of m) expect([pattern, k, t.get(k)]).toEqual([pattern, k, v]);
    }
  });
});

let sentinel: PeerServer | undefined;
const nodes: RunningReplicatedRedisServer[] = [];
afterEach(async () => {
  await sentinel?.stop();
  sentinel = undefined;
  for (const n of nodes.splice(0)) await n.close();
});

describePeer('redis-sentinel', 'replica-priority 0 set by CONFIG SET on a protolab replica: a real redis-sentinel never promotes it', () => {
  test('sentinel lists the replica with slave-priority 0 (read from INFO slave_priority) and, when the master goes, promotes the other replica', async () => {
    const m = await startReplicatedRedisServer({ port: 0 });
    const never = await startReplicatedRedisServer({ port: 0, replicaof: { host: '127.0.0.1', port: m.port } });
    const other = await startReplicatedRedisServer({ port: 0, replicaof: { host: '127.0.0.1', port: m.port } });
    nodes.push(m, never, other);
    // Each replica has a config file, so the fail-over's CONFIG REWRITE (sentinel.c sends it in the
    // MULTI with SLAVEOF) writes the new roles down.
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-sentinel-rewrite-'));
    const conf = new Map([never, other].map((n) => [n, path.join(base, `${n.port}.conf`)] as const));
    for (const [n, file] of conf) {
      fs.writeFileSync(file, `# replica ${n.port}\nreplicaof 127.0.0.1 ${m.port}\n`);
      installConfigFile(n.server, { read: () => fs.readFileSync(file, 'utf8'), write: (t) => { fs.writeFileSync(file, t); } });
    }
    // `never` is the better candidate by everything else: sentinel would pick it by offset/run id otherwise.
    expect(await cmd(never.port, 'CONFIG', 'SET', 'replica-priority', '0')).toBe('OK');
    expect((await info(never.port, 'replication')).get('slave_priority')).toBe('0');
    await cmd(m.port, 'SET', 'k', 'v');
    await eventually('both replicas are online', async () => (await info(m.port, 'replication')).get('connected_slaves') === '2');
    sentinel = await startRealSentinel(m.port);
    const s = sentinel;
    const priorities = async (): Promise<Map<string, string>> => {
      const rows = (await cmd(s.port, 'SENTINEL', 'REPLICAS', 'mymaster')) as string[][];
      return new Map(rows.map((r) => {
        const f = new Map(r.flatMap((x, i) => (i % 2 === 0 ? [[x, r[i + 1] ?? ''] as const] : [])));
        return [f.get('port') ?? '', f.get('slave-priority') ?? ''] as const;
      }));
    };
    // A replica is listed with 100 when the master's INFO names it, then with what its own INFO says.
    const want = JSON.stringify([[String(never.port), '0'], [String(other.port), '100']].sort());
    await eventually('the sentinel read both replicas\' priorities from their INFO', async () => JSON.stringify([...(await priorities())].sort()) === want, 20_000);
    await m.close();
    nodes.splice(nodes.indexOf(m), 1);
    await eventually('the sentinel switched the master', () => Promise.resolve(s.output().includes('+switch-master')), 30_000);
    const addr = (await cmd(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster')) as string[];
    expect(addr[1]).toBe(String(other.port));
    expect((await info(never.port, 'replication')).get('role')).toBe('slave');
    // The promoted replica's file lost its replicaof line; the other one's names the new master.
    await eventually('sentinel repointed the other replica', async () => (await info(never.port, 'replication')).get('master_port') === String(other.port), 30_000);
    const files = [other, never].map((n) => fs.readFileSync(conf.get(n) ?? '', 'utf8'));
    fs.rmSync(base, { recursive: true, force: true });
    expect(files[0]).not.toMatch(/^replicaof/m);
    expect(files[1]).toMatch(new RegExp(`^replicaof 127\\.0\\.0\\.1 ${other.port}$`, 'm'));
    expect(files[1]).toMatch(/^replica-priority 0$/m);
  });
});

describePeer('redis-server', 'CONFIG REWRITE of a config file: protolab-redis writes the lines redis-server 7.0.15 writes', () => {
  const procs: { stop: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.stop();
  });

  /**
   * The lines both must agree on: without port, dir and what protolab does not model (latency
   * tracking, ACL users); the lines after the signature sorted (Redis appends them in its config
   * dict's order, which a random hash seed decides at each start).
   */
  const comparable = (text: string): string[] => {
    const lines = text.split('\n').filter((l) => !/^(port|dir|latency-tracking-info-percentiles|user) /.test(l));
    const at = lines.indexOf('# Generated by CONFIG REWRITE');
    return at < 0 ? lines : [...lines.slice(0, at + 1), ...lines.slice(at + 1).sort()];
  };

  test('the replication parameters in place under their canonical names, new ones after the signature, replicaof following REPLICAOF (Sentinel\'s REPLICAOF … CONFIG REWRITE), and a restart reads the result', async () => {
    const body = '# protolab peer test\nsave ""\nappendonly no\nslave-priority 50\nrepl-backlog-size 2mb\nmin-slaves-to-write 0\nrepl-timeout 60\nslaveof 127.0.0.1 1\n';
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-rewrite-'));
    const [realConf, ourConf] = [path.join(base, 'real.conf'), path.join(base, 'ours.conf')];
    fs.writeFileSync(realConf, body);
    fs.writeFileSync(ourConf, body);
    try {
      const real = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => [realConf, '--port', String(port), '--dir', dir] });
      procs.push(real);
      const start = async (): Promise<Cli> => {
        const c = await startCli([ourConf, '--dir', base]);
        procs.push({ stop: async () => { c.child.kill('SIGKILL'); await c.exited; } });
        return c;
      };
      const ours = await start();
      const both = async (...argv: string[]): Promise<void> => {
        const [a, b] = await Promise.all([cmd(ours.port, ...argv), cmd(real.port, ...argv)]);
        expect([argv.join(' '), a]).toEqual([argv.join(' '), b]);
      };
      const files = (): [string[], string[]] => [comparable(fs.readFileSync(ourConf, 'utf8')), comparable(fs.readFileSync(realConf, 'utf8'))];
      await both('CONFIG', 'SET', 'replica-priority', '0', 'repl-backlog-size', '3000000', 'repl-timeout', '30', 'replica-read-only', 'no', 'min-replicas-max-lag', '20', 'repl-ping-replica-period', '5');
      await both('CONFIG', 'REWRITE');
      let [a, b] = files();
      expect(a).toEqual(b);
      expect(a).toContain('replicaof 127.0.0.1 1');
      await both('REPLICAOF', 'NO', 'ONE');
      await both('CONFIG', 'SET', 'repl-backlog-size', '16mb', 'repl-timeout', '60', 'replica-priority', '100', 'min-slaves-to-write', '2');
      await both('CONFIG', 'REWRITE');
      [a, b] = files();
      expect(a).toEqual(b);
      expect(a.some((l) => l.startsWith('replicaof'))).toBe(false);
      // A restart from the rewritten file has the values set by CONFIG SET.
      ours.child.kill('SIGKILL');
      await ours.exited;
      const again = await start();
      expect(await cmd(again.port, 'CONFIG', 'GET', 'min-replicas-to-write')).toEqual(['min-replicas-to-write', '2']);
      expect(await cmd(again.port, 'CONFIG', 'GET', 'repl-backlog-size')).toEqual(['repl-backlog-size', String(16 * 1024 * 1024)]);
      expect(await cmd(again.port, 'CONFIG', 'GET', 'replica-read-only')).toEqual(['replica-read-only', 'no']);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});

describePeer('redis-server', 'masterauth / masteruser: a protolab replica of a redis-server 7.0.15 master with requirepass', () => {
  let master: PeerServer | undefined;
  let replica: RunningReplicatedRedisServer | undefined;
  afterEach(async () => {
    await replica?.close();
    await master?.stop();
    replica = undefined;
    master = undefined;
  });

  test('without masterauth the link never comes up (-NOAUTH to REPLCONF); CONFIG SET masterauth makes the next connection AUTH first and sync; masteruser default works too', async () => {
    const m = (master = await startServer({ name: 'redis-server', command: 'redis-server', args: ({ port, dir }) => ['--port', String(port), '--dir', dir, '--save', '', '--requirepass', 'sekret'] }));
    const authed = async (...argv: string[]): Promise<unknown> => (await pipeline(m.port, [['AUTH', 'sekret'], argv]))[1];
    await authed('SET', 'k', 'v');
    const r = (replica = await startReplicatedRedisServer({ port: 0, replicaof: { host: '127.0.0.1', port: m.port } }));
    await new Promise((res) => setTimeout(res, 2500));
    expect((await info(r.port, 'replication')).get('master_link_status')).toBe('down');
    expect(r.replication.st.replicaStats.linkErrors.some((e) => /NOAUTH/.test(e))).toBe(true);
    expect(await cmd(r.port, 'CONFIG', 'SET', 'masterauth', 'sekret')).toBe('OK');
    await eventually('the replica authenticates and syncs', async () => (await info(r.port, 'replication')).get('master_link_status') === 'up');
    expect(await cmd(r.port, 'GET', 'k')).toBe('v');
    expect(await cmd(r.port, 'CONFIG', 'GET', 'masterauth')).toEqual(['masterauth', 'sekret']);
    // A wrong password: "Unable to AUTH to MASTER", the link stays down.
    expect(await cmd(r.port, 'CONFIG', 'SET', 'masteruser', 'default', 'masterauth', 'wrong')).toBe('OK');
    r.dropMasterLink();
    await eventually('the wrong password is refused', () => Promise.resolve(r.replication.st.replicaStats.linkErrors.some((e) => e.startsWith('Unable to AUTH to MASTER: WRONGPASS'))));
    expect(await cmd(r.port, 'CONFIG', 'SET', 'masterauth', 'sekret')).toBe('OK');
    await eventually('AUTH default sekret works', async () => (await info(r.port, 'replication')).get('master_link_status') === 'up');
    await authed('SET', 'k2', 'v2');
    await eventually('the stream follows', async () => (await cmd(r.port, 'GET', 'k2')) === 'v2');
  });
});
