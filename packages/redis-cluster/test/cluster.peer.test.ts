// Against a real redis-server 7.0 with --cluster-enabled yes (run with `npm run test:peers`).
//  1. CLUSTER KEYSLOT vs keyHashSlot on a few thousand generated keys: ASCII, multi-byte UTF-8
//     strings, random bytes and brace-heavy keys, plus the pinned vectors.
//  2. Two real masters (0-8191 / 8192-16383) next to two ClusterNode cores with the same ids,
//     addresses and slots; the same commands go to both and the error texts must be identical:
//     MOVED, CROSSSLOT, ASK, TRYAGAIN, CLUSTERDOWN, SETSLOT refusals, unknown command, arity.
import { RespClient, type RespValue } from '@protolab/resp';
import { freePort, startServer, describePeer, type PeerServer } from '@protolab/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Arg, ClusterNode, type ClusterNodeInfo, type Connection, keyHashSlot, newConnection, SlotMap } from '@protolab/redis-cluster';
import { show as showReply } from './show.js';

const show = (r: RespValue): unknown => showReply(r, 'latin1');

async function startClusterNode(): Promise<PeerServer & { busPort: number }> {
  const busPort = await freePort();
  const server = await startServer({
    name: 'redis-server',
    command: 'redis-server',
    args: ({ port, dir }) => [
      '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-port', String(busPort),
      '--cluster-config-file', `${dir}/nodes.conf`, '--dir', dir, '--save', '', '--appendonly', 'no',
    ],
  });
  return Object.assign(server, { busPort });
}

async function waitFor(pred: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await pred())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describePeer('redis-server', 'redis-server --cluster-enabled yes (real peer)', () => {
  let sa: PeerServer & { busPort: number };
  let sb: PeerServer & { busPort: number };
  let ra: RespClient;
  let rb: RespClient;

  beforeAll(async () => {
    [sa, sb] = await Promise.all([startClusterNode(), startClusterNode()]);
    [ra, rb] = await Promise.all([RespClient.connect(sa.port), RespClient.connect(sb.port)]);
  });
  afterAll(async () => {
    await Promise.allSettled([ra.close(), rb.close()]);
    await Promise.allSettled([sa.stop(), sb.stop()]);
  });

  it('CLUSTER KEYSLOT equals keyHashSlot on thousands of generated keys (ASCII, UTF-8, bytes, brace-heavy)', async () => {
    const braceBytes = fc.array(fc.oneof(fc.constantFrom(0x7b, 0x7d, 0x61, 0x00, 0xe9), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }).map((a) => Uint8Array.from(a));
    const braceString = fc.array(fc.constantFrom('{', '}', 'a', 'b', 'é', '😀', '日'), { maxLength: 14 }).map((a) => a.join(''));
    const keys: Arg[] = [
      ...fc.sample(fc.string({ unit: 'binary-ascii', maxLength: 40 }), { numRuns: 1500, seed: 1 }),
      ...fc.sample(fc.string({ unit: 'grapheme', maxLength: 20 }), { numRuns: 1500, seed: 2 }),
      ...fc.sample(fc.uint8Array({ maxLength: 32 }), { numRuns: 1500, seed: 3 }),
      ...fc.sample(braceBytes, { numRuns: 1500, seed: 4 }),
      ...fc.sample(braceString, { numRuns: 1500, seed: 5 }),
      // A lone surrogate: the client sends EF BF BD (what Buffer.from does).
      'a\ud800b', '\udfff{\ud83d}', 'foo{}{bar}', '{}}', 'a{}{b}', '{user1000}.following', '',
    ];
    const replies = await Promise.all(keys.map((k) => ra.call('CLUSTER', 'KEYSLOT', typeof k === 'string' ? Buffer.from(k, 'utf8') : k)));
    const mismatches = keys.filter((k, i) => show(replies[i]!) !== keyHashSlot(k));
    console.log(`CLUSTER KEYSLOT compared on ${keys.length} keys, ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
  });

  it('a fresh node with no slots answers "CLUSTERDOWN Hash slot not served", like a core with an empty slot map', async () => {
    const id = show(await ra.call('CLUSTER', 'MYID')) as string;
    const core = new ClusterNode({ id, nodes: [{ id, ip: '127.0.0.1', port: sa.port, role: 'master', replicationOffset: 0, health: 'online' }], slots: SlotMap.empty() });
    const ours = core.execute(newConnection(), ['GET', 'foo']);
    expect('reply' in ours && show(ours.reply)).toBe(show(await ra.call('GET', 'foo')));
  });

  it('MOVED, CROSSSLOT, ASK, TRYAGAIN, SETSLOT and command errors have the same text as on the real server', async () => {
    const idA = show(await ra.call('CLUSTER', 'MYID')) as string;
    const idB = show(await rb.call('CLUSTER', 'MYID')) as string;
    expect(show(await ra.call('CLUSTER', 'ADDSLOTSRANGE', '0', '8191'))).toBe('+OK');
    expect(show(await rb.call('CLUSTER', 'ADDSLOTSRANGE', '8192', '16383'))).toBe('+OK');
    expect(show(await ra.call('CLUSTER', 'MEET', '127.0.0.1', String(sb.port), String(sb.busPort)))).toBe('+OK');
    const ok = async (c: RespClient): Promise<boolean> => (show(await c.call('CLUSTER', 'INFO')) as string).startsWith('cluster_state:ok');
    await waitFor(async () => (await ok(ra)) && (await ok(rb)), 'cluster_state:ok on both nodes');
    // Both must know each other's address before MOVED can name it.
    await waitFor(async () => (show(await rb.call('GET', '{b}x')) as string).startsWith('-MOVED 3300 127.0.0.1:'), 'B to learn A address');

    const infos: ClusterNodeInfo[] = [
      { id: idA, ip: '127.0.0.1', port: sa.port, role: 'master', replicationOffset: 0, health: 'online' },
      { id: idB, ip: '127.0.0.1', port: sb.port, role: 'master', replicationOffset: 0, health: 'online' },
    ];
    const slots = SlotMap.fromRanges([{ start: 0, end: 8191, node: idA }, { start: 8192, end: 16383, node: idB }]);
    const a = new ClusterNode({ id: idA, nodes: infos, slots });
    const b = new ClusterNode({ id: idB, nodes: infos, slots });
    const ca = newConnection();
    const cb = newConnection();

    const both = async (real: RespClient, core: ClusterNode, conn: Connection, ...argv: string[]): Promise<unknown> => {
      const theirs = show(await real.call(...argv));
      const out = core.execute(conn, argv);
      if (!('reply' in out)) throw new Error('MIGRATE is compared separately');
      expect(show(out.reply), argv.join(' ')).toEqual(theirs);
      return theirs;
    };
    const SLOT = keyHashSlot('foo'); // 12182, on B
    expect(await both(ra, a, ca, 'GET', 'foo')).toBe(`-MOVED ${SLOT} 127.0.0.1:${sb.port}`);
    expect(await both(ra, a, ca, 'MGET', '{t}a', 'zzz')).toBe("-CROSSSLOT Keys in request don't hash to the same slot");
    await both(ra, a, ca, 'MGET', 'foo', 'foo');
    await both(rb, b, cb, 'SET', 'foo', 'v1');
    await both(rb, b, cb, 'SET', '{foo}2', 'w');
    await both(ra, a, ca, 'foo', 'a', 'b');
    await both(ra, a, ca, 'GET');
    await both(ra, a, ca, 'CLUSTER', 'KEYSLOT', 'foo{}{bar}');
    await both(rb, b, cb, 'CLUSTER', 'COUNTKEYSINSLOT', String(SLOT));
    await both(rb, b, cb, 'CLUSTER', 'GETKEYSINSLOT', String(SLOT), '10');
    await both(ra, a, ca, 'CLUSTER', 'SETSLOT', String(SLOT), 'MIGRATING', idB);
    await both(rb, b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'IMPORTING', idA);
    await both(ra, a, ca, 'CLUSTER', 'SETSLOT', '100', 'MIGRATING', '0'.repeat(40));
    await both(ra, a, ca, 'CLUSTER', 'COUNTKEYSINSLOT', '16384');
    await both(ra, a, ca, 'CLUSTER', 'GETKEYSINSLOT', '1', '-1');
    await both(ra, a, ca, 'CLUSTER', 'SETSLOT', '16384', 'STABLE');
    await both(ra, a, ca, 'CLUSTER', 'SETSLOT', '100', 'FOO');
    await both(ra, a, ca, 'CLUSTER', 'FOO');
    // Transactions under routing, and string-command errors, on a key A owns ({b}x → 3300).
    await both(ra, a, ca, 'EXEC');
    await both(ra, a, ca, 'DISCARD');
    await both(ra, a, ca, 'MULTI');
    await both(ra, a, ca, 'MULTI');
    await both(ra, a, ca, 'SET', '{b}x', '1');
    await both(ra, a, ca, 'GET', 'foo');
    await both(ra, a, ca, 'EXEC');
    await both(ra, a, ca, 'SET', '{b}x', '9223372036854775807');
    await both(ra, a, ca, 'INCR', '{b}x');
    await both(ra, a, ca, 'SET', '{b}x', 'abc');
    await both(ra, a, ca, 'INCRBY', '{b}x', '1');
    await both(ra, a, ca, 'SET', '{b}x', 'v', 'NX');
    await both(ra, a, ca, 'SET', '{b}x', 'w', 'XX', 'GET');
    await both(ra, a, ca, 'DEL', '{b}x');

    // Open the slot: IMPORTING on A, MIGRATING on B.
    await both(ra, a, ca, 'CLUSTER', 'SETSLOT', String(SLOT), 'IMPORTING', idB);
    await both(rb, b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'MIGRATING', idA);
    // MIGRATE foo on both sides (ours: run the RESTORE-ASKING batch on the other core).
    expect(show(await rb.call('MIGRATE', '127.0.0.1', String(sa.port), 'foo', '0', '5000'))).toBe('+OK');
    const job = b.execute(cb, ['MIGRATE', '127.0.0.1', String(sa.port), 'foo', '0', '5000']);
    if (!('migrate' in job)) throw new Error('expected a MIGRATE job');
    const link = newConnection();
    expect(show(b.finishMigrate(job.migrate, job.migrate.restores.map((r) => { const o = a.execute(link, r); return 'reply' in o ? o.reply : { type: 'null' }; })))).toBe('+OK');

    expect(await both(rb, b, cb, 'GET', 'foo')).toBe(`-ASK ${SLOT} 127.0.0.1:${sa.port}`);
    await both(rb, b, cb, 'GET', '{foo}2');
    expect(await both(rb, b, cb, 'MGET', 'foo', '{foo}2')).toBe('-TRYAGAIN Multiple keys request during rehashing of slot');
    expect(await both(ra, a, ca, 'GET', 'foo')).toBe(`-MOVED ${SLOT} 127.0.0.1:${sb.port}`);
    await both(ra, a, ca, 'ASKING');
    expect(await both(ra, a, ca, 'GET', 'foo')).toBe('v1');
    await both(ra, a, ca, 'GET', 'foo'); // ASKING was one-shot: MOVED again
    await both(rb, b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'NODE', idA);
    // Finish: move the other key, then assign the slot to A everywhere.
    expect(show(await rb.call('MIGRATE', '127.0.0.1', String(sa.port), '', '0', '5000', 'KEYS', '{foo}2'))).toBe('+OK');
    const job2 = b.execute(cb, ['MIGRATE', '127.0.0.1', String(sa.port), '', '0', '5000', 'KEYS', '{foo}2']);
    if (!('migrate' in job2)) throw new Error('expected a MIGRATE job');
    b.finishMigrate(job2.migrate, job2.migrate.restores.map((r) => { const o = a.execute(link, r); return 'reply' in o ? o.reply : { type: 'null' }; }));
    await both(ra, a, ca, 'CLUSTER', 'SETSLOT', String(SLOT), 'NODE', idA);
    await both(rb, b, cb, 'CLUSTER', 'SETSLOT', String(SLOT), 'NODE', idA);
    expect(await both(rb, b, cb, 'GET', 'foo')).toBe(`-MOVED ${SLOT} 127.0.0.1:${sa.port}`);
    await both(ra, a, ca, 'GET', 'foo');

    // CLUSTER SLOTS: the same ranges, masters and ids (the real one may lag by a gossip round).
    await waitFor(async () => (show(await rb.call('CLUSTER', 'SLOTS')) as unknown[]).length === 4, 'B to publish 4 ranges');
    const theirs = (show(await rb.call('CLUSTER', 'SLOTS')) as unknown[][]).map((e) => [e[0], e[1], (e[2] as unknown[]).slice(0, 3)]);
    const out = b.execute(cb, ['CLUSTER', 'SLOTS']);
    const ours = ('reply' in out ? (show(out.reply) as unknown[][]) : []).map((e) => [e[0], e[1], (e[2] as unknown[]).slice(0, 3)]);
    expect(ours.map(String).sort()).toEqual(theirs.map(String).sort());

    // CLUSTER SHARDS: same shards, slot lists and node maps (key order included); only the
    // replication offset is left out, since our cores do not replicate.
    const norm = (reply: unknown): string[] =>
      (reply as unknown[][]).map((shard) => JSON.stringify(shard, (_k, v: unknown): unknown => (Array.isArray(v) ? (v as unknown[]).map((x, i): unknown => (i > 0 && v[i - 1] === 'replication-offset' ? 0 : x)) : v))).sort();
    const theirShards = show(await rb.call('CLUSTER', 'SHARDS'));
    const ourShards = b.execute(cb, ['CLUSTER', 'SHARDS']);
    expect(norm('reply' in ourShards ? show(ourShards.reply) : [])).toEqual(norm(theirShards));
  });

  it('the node runs the keyspace: data commands of every type, their errors, cluster-mode refusals and MIGRATE of a hash with a TTL answer as the real masters do', async () => {
    const idA = show(await ra.call('CLUSTER', 'MYID')) as string;
    const idB = show(await rb.call('CLUSTER', 'MYID')) as string;
    const infos: ClusterNodeInfo[] = [
      { id: idA, ip: '127.0.0.1', port: sa.port, role: 'master', replicationOffset: 0, health: 'online' },
      { id: idB, ip: '127.0.0.1', port: sb.port, role: 'master', replicationOffset: 0, health: 'online' },
    ];
    // Slot 3300 ({b}) is A's, 15495 ({a}) is B's, in the real cluster and here.
    const slots = SlotMap.fromRanges([{ start: 0, end: 8191, node: idA }, { start: 8192, end: 16383, node: idB }]);
    const a = new ClusterNode({ id: idA, nodes: infos, slots, now: () => Date.now() });
    const b = new ClusterNode({ id: idB, nodes: infos, slots, now: () => Date.now() });
    const [ca, cb] = [newConnection(), newConnection()];
    const mismatches: string[] = [];
    let compared = 0;
    const both = async (real: RespClient, core: ClusterNode, conn: Connection, ...argv: string[]): Promise<unknown> => {
      const theirs = show(await real.call(...argv));
      const out = core.execute(conn, argv);
      const ours = 'reply' in out ? show(out.reply) : 'MIGRATE job';
      compared++;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) mismatches.push(`${argv.join(' ')}: ours ${JSON.stringify(ours)}, real ${JSON.stringify(theirs)}`);
      return theirs;
    };
    await both(ra, a, ca, 'FLUSHALL');
    await both(rb, b, cb, 'FLUSHALL');
    const script: string[][] = [
      ['SET', '{b}s', '5'], ['INCRBY', '{b}s', '-0'], ['INCRBY', '{b}s', '+1'], ['GET', '{b}s'], ['INCRBYFLOAT', '{b}s', '0.5'], ['GETRANGE', '{b}s', '0', '1'],
      ['LPUSH', '{b}l', 'a', 'b', 'c'], ['LPOP', '{b}l'], ['LRANGE', '{b}l', '0', '-1'], ['RPOPLPUSH', '{b}l', '{b}l2'], ['LINDEX', '{b}l', '0'],
      ['HSET', '{b}h', 'f', '1', 'g', '2'], ['HINCRBY', '{b}h', 'f', '5'], ['HGETALL', '{b}h'], ['HMGET', '{b}h', 'f', 'zz'],
      ['ZADD', '{b}z', '1', 'a', '2', 'b'], ['ZINCRBY', '{b}z', '5', 'a'], ['ZRANGE', '{b}z', '0', '-1', 'WITHSCORES'], ['ZRANK', '{b}z', 'a'],
      ['SADD', '{b}set', 'x', 'y'], ['SCARD', '{b}set'], ['SINTERSTORE', '{b}d', '{b}set', '{b}set'], ['SMISMEMBER', '{b}set', 'x', 'q'],
      ['SUNIONSTORE', '{a}d', '{b}set'], ['ZUNIONSTORE', '{b}zu', '2', '{b}z', '{a}z'], ['ZUNIONSTORE', '{b}zu', '2', '{b}z', '{b}z2'],
      ['SORT', '{b}l2', 'ALPHA', 'STORE', '{b}sorted'], ['SORT', '{b}l2', 'ALPHA', 'STORE', '{a}q'], ['LMOVE', '{b}l', '{b}l3', 'LEFT', 'RIGHT'],
      ['OBJECT', 'ENCODING', '{b}h'], ['OBJECT', 'FOO', '{b}h'], ['OBJECT', 'ENCODING'], ['GET', '{b}h'], ['LPUSH', '{a}x', '1'], ['ZMPOP', '2', '{b}z', '{a}z', 'MIN'],
      ['RENAME', '{b}s', '{b}s2'], ['TYPE', '{b}s2'], ['COPY', '{b}s2', '{b}c'], ['EXISTS', '{b}c', '{b}s', '{b}s2'],
      ['SELECT', '0'], ['SELECT', '1'], ['SELECT', 'x'], ['SWAPDB', '0', '1'], ['MOVE', '{b}s2', '1'], ['COPY', '{b}s2', '{b}c2', 'DB', '1'],
      ['COPY', '{b}s2', '{b}c2', 'DB', '99'], ['COPY', '{b}s2', '{b}c2', 'DB', '1', 'FOO'],
      // DUMP payloads byte for byte (not of a set: a hashtable set's member order is the dict's).
      ['DUMP', '{b}s2'], ['DUMP', '{b}h'], ['DUMP', '{b}z'], ['DUMP', '{b}l3'],
      ['MULTI'], ['INCR', '{b}n'], ['LPUSH', '{b}n', 'x'], ['EXEC'],
      ['CLUSTER', 'COUNTKEYSINSLOT', '3300'], ['DBSIZE'], ['EXPIRE', '{b}h', '100'], ['TTL', '{b}h'],
      ['constructor'], ['__proto__', 'x'],
    ];
    for (const argv of script) await both(ra, a, ca, ...argv);
    // GETKEYSINSLOT lists the same keys (the order of a slot's list is compared as a set here).
    const theirKeys = (show(await ra.call('CLUSTER', 'GETKEYSINSLOT', '3300', '100')) as string[]).sort();
    const ourOut = a.execute(ca, ['CLUSTER', 'GETKEYSINSLOT', '3300', '100']);
    expect('reply' in ourOut ? (show(ourOut.reply) as string[]).sort() : []).toEqual(theirKeys);

    // MIGRATE {b}h (a hash with a TTL) from A to B, on both sides.
    await both(rb, b, cb, 'CLUSTER', 'SETSLOT', '3300', 'IMPORTING', idA);
    await both(ra, a, ca, 'CLUSTER', 'SETSLOT', '3300', 'MIGRATING', idB);
    expect(show(await ra.call('MIGRATE', '127.0.0.1', String(sb.port), '{b}h', '0', '5000'))).toBe('+OK');
    const job = a.execute(ca, ['MIGRATE', '127.0.0.1', String(sb.port), '{b}h', '0', '5000']);
    if (!('migrate' in job)) throw new Error('expected a MIGRATE job');
    const link = newConnection();
    expect(show(a.finishMigrate(job.migrate, job.migrate.restores.map((r) => { const o = b.execute(link, r); return 'reply' in o ? o.reply : { type: 'null' }; })))).toBe('+OK');
    for (const argv of [['ASKING'], ['HGETALL', '{b}h'], ['ASKING'], ['TTL', '{b}h'], ['ASKING'], ['OBJECT', 'ENCODING', '{b}h']]) await both(rb, b, cb, ...argv);
    await both(ra, a, ca, 'HGETALL', '{b}h');
    await both(ra, a, ca, 'CLUSTER', 'SETSLOT', '3300', 'STABLE');
    await both(rb, b, cb, 'CLUSTER', 'SETSLOT', '3300', 'STABLE');
    console.log(`keyspace commands on the cluster node: ${compared} compared with real masters, ${mismatches.length} mismatches${mismatches.length > 0 ? `:\n  ${mismatches.join('\n  ')}` : ''}`);
    expect(mismatches).toEqual([]);
  });
});
