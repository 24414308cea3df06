import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { PROTO_REPLY_CHUNK_BYTES, ReplBacklogBlocks, ReplicaLink, ReplicationError, WireReplication, type ReplIo, type ReplicaLinkEvent, type WireReplicationHost } from '../src/index.js';

const text = (outs: readonly ReplIo[]): string => outs.map((o) => (o.type === 'write' ? Buffer.from(o.bytes).toString('latin1') : '')).join('');

/** A master core on a fake clock: no keyspace, an empty RDB, ids A…, B…, C…. */
function master(config: ConstructorParameters<typeof WireReplication>[1] = {}): { repl: WireReplication; clock: { now: number } } {
  const clock = { now: 1_000_000 };
  let n = 0;
  const host: WireReplicationHost = {
    now: () => clock.now,
    newReplid: () => String.fromCharCode(65 + (n++ % 26)).repeat(40),
    listeningPort: 6379,
    rdb: () => new Uint8Array([1, 2, 3]),
    loadRdb: () => 0,
    apply: () => undefined,
  };
  return { repl: new WireReplication(host, config), clock };
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const infoField = (r: WireReplication, name: string): string => r.info().find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1) ?? '';

describe('repl-backlog-size changed at run time (config.c updateReplBacklogSize → replication.c resizeReplicationBacklog, 7.0)', () => {
  test('after any sequence of resizes and writes the backlog holds a suffix of the stream, at least the last min(size, kept + written) bytes, no block more than that, and from(offset) succeeds iff the offset is inside it', () => {
    const step = fc.oneof(
      fc.record({ write: fc.integer({ min: 0, max: 20_000 }) }),
      fc.record({ resize: fc.integer({ min: 1, max: 80_000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80_000 }), fc.array(step, { maxLength: 25 }), fc.nat(), (size0, steps, pick) => {
        const b = new ReplBacklogBlocks(size0, 0);
        let written = 0;
        // The bytes that must still be held: a write adds its bytes up to the size in effect, a
        // resize keeps at most the new size (history trimmed away does not come back on growing).
        let need = 0;
        for (const s of steps) {
          if ('write' in s) {
            b.feed(new Uint8Array(s.write).map((_, i) => (written + i) % 251));
            written += s.write;
            need = Math.min(b.size, need + s.write);
          } else {
            b.resize(s.resize);
            need = Math.min(s.resize, need);
          }
        }
        // The suffix: it ends at the last byte written.
        expect(b.offset + b.histlen - 1).toBe(written);
        // Trimming keeps at least the last `need` bytes...
        expect(b.histlen).toBeGreaterThanOrEqual(need);
        // ...and drops a block whenever what stays would still exceed the size (incrementalTrimReplicationBacklog),
        // the first block being the rest of a 16 KiB block: histlen - firstBlock ≤ size.
        const firstBlock = PROTO_REPLY_CHUNK_BYTES - ((b.offset - 1) % PROTO_REPLY_CHUNK_BYTES);
        if (b.histlen > firstBlock) expect(b.histlen - firstBlock).toBeLessThanOrEqual(b.size);
        const ask = 1 + (pick % (written + 2));
        const got = b.from(ask);
        if (ask >= b.offset && ask <= b.offset + b.histlen) {
          expect(got?.length).toBe(written + 1 - ask);
          expect(got?.every((v, i) => v === (ask - 1 + i) % 251)).toBe(true);
        } else expect(got).toBeUndefined();
      }),
      { numRuns: 150 },
    );
  });

  test('a repl-backlog-size below 1 is a typed BAD_CONFIG error, for a resize as for a new backlog', () => {
    const b = new ReplBacklogBlocks(100, 0);
    expect(() => { b.resize(0); }).toThrow(ReplicationError);
    const { repl } = master();
    expect(() => { repl.configure({ replBacklogSize: 0 }); }).toThrow(ReplicationError);
  });

  test('a master whose repl-backlog-size shrinks answers a PSYNC from before the kept history with +FULLRESYNC, and one inside it with +CONTINUE', () => {
    const { repl } = master();
    text(repl.sync(1, '10.0.0.1', { replid: '?', offset: -1 }).out); // creates the backlog
    const replid = infoField(repl, 'master_replid');
    const value = 'v'.repeat(1000);
    for (let i = 0; i < 100; i++) repl.propagate(0, [enc('SET'), enc(`k${i}`), enc(value)]);
    const end = repl.st.master_repl_offset;
    expect(end).toBeGreaterThan(100_000);
    // Everything is still held (1 MB): an early offset continues.
    expect(text(repl.sync(2, '10.0.0.2', { replid, offset: 10 }).out)).toMatch(/^\+CONTINUE/);
    repl.configure({ replBacklogSize: 16384 });
    expect(infoField(repl, 'repl_backlog_size')).toBe('16384');
    const first = Number(infoField(repl, 'repl_backlog_first_byte_offset'));
    expect(first).toBeGreaterThan(10);
    expect(Number(infoField(repl, 'repl_backlog_histlen'))).toBe(end + 1 - first);
    expect(text(repl.sync(3, '10.0.0.3', { replid, offset: 10 }).out)).toMatch(/^\+FULLRESYNC /);
    expect(text(repl.sync(4, '10.0.0.4', { replid, offset: end + 1 - 1000 }).out)).toMatch(/^\+CONTINUE/);
  });
});

describe('the other replication parameters at run time', () => {
  test('replication.c replicationCron: a master without replicas for more than repl-backlog-ttl seconds frees its backlog and takes a new replid (a later PSYNC is a full resync)', () => {
    const { repl, clock } = master({ replBacklogTtlSec: 3600 });
    repl.sync(1, '10.0.0.1', { replid: '?', offset: -1 });
    const replid = infoField(repl, 'master_replid');
    repl.propagate(0, [enc('SET'), enc('k'), enc('v')]);
    repl.clientClosed(1);
    repl.tick();
    repl.configure({ replBacklogTtlSec: 5 }); // read at the next cron
    clock.now += 5000;
    repl.tick();
    expect(infoField(repl, 'repl_backlog_active')).toBe('1');
    clock.now += 1000;
    repl.tick();
    expect(infoField(repl, 'repl_backlog_active')).toBe('0');
    expect(infoField(repl, 'master_replid')).not.toBe(replid);
    expect(text(repl.sync(2, '10.0.0.2', { replid, offset: 2 }).out)).toMatch(/^\+FULLRESYNC /);
  });

  test('repl-backlog-ttl 0 never frees the backlog', () => {
    const { repl, clock } = master({ replBacklogTtlSec: 0 });
    repl.sync(1, '10.0.0.1', { replid: '?', offset: -1 });
    repl.clientClosed(1);
    for (let i = 0; i < 10; i++) {
      clock.now += 1_000_000;
      repl.tick();
    }
    expect(infoField(repl, 'repl_backlog_active')).toBe('1');
  });

  test('replication.c checkGoodReplicasStatus: min-replicas-to-write gates writes at once, and min-replicas-max-lag 0 turns the check off', () => {
    const { repl } = master();
    expect(repl.enoughGoodReplicas()).toBe(true);
    repl.configure({ minReplicasToWrite: 1 });
    expect(repl.enoughGoodReplicas()).toBe(false);
    repl.configure({ minReplicasMaxLagSec: 0 });
    expect(repl.enoughGoodReplicas()).toBe(true);
    repl.configure({ minReplicasMaxLagSec: 10, minReplicasToWrite: 0 });
    expect(repl.enoughGoodReplicas()).toBe(true);
  });

  test('INFO replication of a replica shows replica-priority, replica-read-only and replica-announced as set (slave_priority, slave_read_only, replica_announced)', () => {
    const { repl } = master();
    repl.replicaof('127.0.0.1', 6379);
    expect([infoField(repl, 'slave_priority'), infoField(repl, 'slave_read_only'), infoField(repl, 'replica_announced')]).toEqual(['100', '1', '1']);
    repl.configure({ replicaPriority: 0, replicaReadOnly: false, replicaAnnounced: false });
    expect([infoField(repl, 'slave_priority'), infoField(repl, 'slave_read_only'), infoField(repl, 'replica_announced')]).toEqual(['0', '0', '0']);
    expect(repl.refusesWrites()).toBe(false);
    expect(repl.refusesStaleCommands()).toBe(false);
    repl.configure({ replicaReadOnly: true, replicaServeStaleData: false });
    expect(repl.refusesWrites()).toBe(true);
    expect(repl.refusesStaleCommands()).toBe(true); // the link is not up
  });
});

describe('masterauth / masteruser in the handshake (replication.c syncWithMaster, 7.0)', () => {
  const sent = (evs: readonly ReplicaLinkEvent[]): string => evs.map((e) => (e.type === 'send' ? Buffer.from(e.bytes).toString('latin1') : `<${e.type}>`)).join('');
  const crlf = (s: string): Uint8Array => enc(`${s}\r\n`);

  test('with masterauth, AUTH [masteruser] masterauth goes first, pipelined with the two REPLCONFs; +OK goes on to PSYNC', () => {
    const link = new ReplicaLink({ listeningPort: 6380, cached: undefined, auth: { user: 'repl', pass: 'pw' } });
    link.connected();
    expect(sent(link.input(crlf('-NOAUTH Authentication required.')))).toBe(
      '*3\r\n$4\r\nAUTH\r\n$4\r\nrepl\r\n$2\r\npw\r\n*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n',
    );
    expect(link.state).toBe('REPL_STATE_RECEIVE_AUTH_REPLY');
    expect(sent(link.input(enc('+OK\r\n+OK\r\n+OK\r\n')))).toBe('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n');
    const noUser = new ReplicaLink({ listeningPort: 1, cached: undefined, auth: { user: undefined, pass: 'pw' } });
    noUser.connected();
    expect(sent(noUser.input(crlf('+PONG')))).toMatch(/^\*2\r\n\$4\r\nAUTH\r\n\$2\r\npw\r\n/);
  });

  test('an error to AUTH fails the link with "Unable to AUTH to MASTER: <error>"', () => {
    const link = new ReplicaLink({ listeningPort: 6380, cached: undefined, auth: { user: undefined, pass: 'bad' } });
    link.connected();
    link.input(crlf('+PONG'));
    expect(link.input(crlf('-WRONGPASS invalid username-password pair or user is disabled.'))).toEqual([
      { type: 'error', text: 'Unable to AUTH to MASTER: WRONGPASS invalid username-password pair or user is disabled.' },
    ]);
    expect(link.state).toBe('REPL_STATE_FAILED');
  });
});
