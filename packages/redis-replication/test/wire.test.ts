import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeCommand } from '@protolab/resp';
import { Keyspace } from '@protolab/redis-keyspace';
import { auxText, decodeRdb } from '@protolab/redis-rdb';
import { ReplBacklogBlocks, ReplicaLink, ReplicationError, concatBytes, loadRdbIntoKeyspace, rdbForReplication, type ReplicaLinkEvent } from '../src/index.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const show = (b: Uint8Array): string => JSON.stringify(new TextDecoder().decode(b));
const REPLID = 'a'.repeat(40);
const MARK = '0123456789abcdef0123456789abcdef01234567';

/** Events with their bytes as text, for comparisons. */
function plainEvents(events: readonly ReplicaLinkEvent[]): string[] {
  return events.map((e) => {
    switch (e.type) {
      case 'send':
        return `send ${show(e.bytes)}`;
      case 'rdb':
        return `rdb ${e.form} ${show(e.payload)}`;
      case 'command':
        return `command ${e.argv.map((a) => new TextDecoder().decode(a)).join(' ')} (${e.len})`;
      default:
        return JSON.stringify(e);
    }
  });
}

/** The master's side of a whole full resync, as bytes, for a replica that sent PSYNC ? -1. */
function masterBytes(rdb: Uint8Array, form: 'disk' | 'diskless', stream: readonly (readonly string[])[]): Uint8Array {
  const head = ascii(`+PONG\r\n+OK\r\n+OK\r\n\n+FULLRESYNC ${REPLID} 7\r\n\n`);
  const framed = form === 'disk' ? [ascii(`$${rdb.length}\r\n`), rdb] : [ascii(`$EOF:${MARK}\r\n`), rdb, ascii(MARK)];
  return concatBytes([head, ...framed, ...stream.map((argv) => encodeCommand(argv))]);
}

function feedAll(link: ReplicaLink, bytes: Uint8Array, cuts: readonly number[]): ReplicaLinkEvent[] {
  const out = [...link.connected()];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(...link.input(bytes.subarray(at, c)));
    at = c;
  }
  out.push(...link.input(bytes.subarray(at)));
  return out;
}

describe('ReplicaLink: the replica side of the wire (replication.c syncWithMaster, readSyncBulkPayload)', () => {
  test('the handshake byte by byte: PING, REPLCONF listening-port + capa eof psync2 in one write, PSYNC ? -1, then +FULLRESYNC, the $<len> RDB and the stream with GETACK', () => {
    const link = new ReplicaLink({ listeningPort: 6380, cached: undefined });
    expect(plainEvents(link.connected())).toEqual([`send ${show(ascii('*1\r\n$4\r\nPING\r\n'))}`]);
    expect(plainEvents(link.input(ascii('+PONG\r\n')))).toEqual([
      `send ${show(ascii('*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n6380\r\n*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n'))}`,
    ]);
    expect(link.input(ascii('+OK\r\n'))).toEqual([]);
    expect(plainEvents(link.input(ascii('+OK\r\n')))).toEqual([`send ${show(ascii('*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n'))}`]);
    expect(link.input(ascii(`+FULLRESYNC ${REPLID} 100\r\n`))).toEqual([{ type: 'fullresync', replid: REPLID, offset: 100 }]);
    expect(link.state).toBe('REPL_STATE_TRANSFER');
    expect(plainEvents(link.input(ascii('\n$3\r\nRDB*1\r\n$4\r\nPING\r\n*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n')))).toEqual([
      'rdb disk "RDB"',
      `send ${show(ascii('*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$3\r\n100\r\n'))}`,
      'command PING (14)',
      // GETACK is answered with the offset before it (server.master->reploff is updated after the command).
      `send ${show(ascii('*3\r\n$8\r\nREPLCONF\r\n$3\r\nACK\r\n$3\r\n114\r\n'))}`,
      'command REPLCONF GETACK * (37)',
    ]);
    expect(link.offset).toBe(151);
  });

  test('slaveTryPartialResynchronization: a cached master asks PSYNC <replid> <offset+1>; +CONTINUE <newid> connects and ACKs at once', () => {
    const link = new ReplicaLink({ listeningPort: 1, cached: { replid: REPLID, offset: 41 } });
    link.connected();
    link.input(ascii('+PONG\r\n+OK\r\n'));
    expect(plainEvents(link.input(ascii('+OK\r\n')))).toEqual([`send ${show(encodeCommand(['PSYNC', REPLID, '42']))}`]);
    expect(plainEvents(link.input(ascii(`+CONTINUE ${'b'.repeat(40)}\r\n`)))).toEqual([
      JSON.stringify({ type: 'continue', replid: 'b'.repeat(40) }),
      `send ${show(encodeCommand(['REPLCONF', 'ACK', '41']))}`,
    ]);
    expect(link.state).toBe('REPL_STATE_CONNECTED');
  });

  test('a replica reads the same events whatever the split of the master bytes, for both $<len> and $EOF:<mark> framing', () => {
    const cmd = fc.tuple(fc.constantFrom('SET', 'DEL', 'INCR'), fc.string({ maxLength: 12 }), fc.string({ maxLength: 30 })).map(([c, k, v]) => (c === 'SET' ? [c, k, v] : [c, k]));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('disk' as const, 'diskless' as const), fc.array(cmd, { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 12 }), (rdb, form, stream, cutSeeds) => {
        fc.pre(form === 'disk' || !new TextDecoder('latin1').decode(rdb).includes(MARK));
        const bytes = masterBytes(rdb, form, stream);
        const whole = plainEvents(feedAll(new ReplicaLink({ listeningPort: 6380, cached: undefined }), bytes, []));
        const cuts = cutSeeds.map((n) => n % (bytes.length + 1));
        const split = new ReplicaLink({ listeningPort: 6380, cached: undefined });
        expect(plainEvents(feedAll(split, bytes, cuts))).toEqual(whole);
        expect(whole.filter((e) => e.startsWith('rdb'))).toEqual([`rdb ${form} ${show(rdb)}`]);
        expect(whole.filter((e) => e.startsWith('command'))).toHaveLength(stream.length);
        expect(split.offset).toBe(7 + stream.reduce((n, argv) => n + encodeCommand(argv).length, 0));
      }),
    );
  });

  test('bad input from the master is an error event and the link stops, never a hang: -ERR to PSYNC, a non-$ bulk header, an endless line', () => {
    const run = (bytes: string): ReplicaLinkEvent[] => {
      const link = new ReplicaLink({ listeningPort: 1, cached: undefined, maxRdbBytes: 1000 });
      link.connected();
      return link.input(ascii(bytes));
    };
    expect(run('+PONG\r\n+OK\r\n+OK\r\n-ERR unknown command\r\n').at(-1)).toEqual({ type: 'error', text: "Unexpected reply to PSYNC from master: '-ERR unknown command'" });
    expect(run(`+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC ${REPLID} 0\r\nhello\r\n`).at(-1)?.type).toBe('error');
    expect(run(`+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC ${REPLID} 0\r\n$99999\r\n`).at(-1)?.type).toBe('error');
    expect(run('x'.repeat(70_000)).at(-1)?.type).toBe('error');
    expect(() => new ReplicaLink({ listeningPort: 1, cached: undefined }).input(ascii('+PONG\r\n'))).not.toThrow();
    const twice = new ReplicaLink({ listeningPort: 1, cached: undefined });
    twice.connected();
    expect(() => twice.connected()).toThrow(ReplicationError);
  });
});

describe('ReplBacklogBlocks (replication.c 7.0 feedReplicationBuffer / incrementalTrimReplicationBacklog)', () => {
  test('the backlog holds a suffix of the stream in 16 KiB blocks, dropping whole old blocks while histlen > repl-backlog-size, and from(offset) returns exactly the bytes after any offset it still holds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70_000 }), fc.array(fc.integer({ min: 0, max: 9000 }), { maxLength: 20 }), fc.nat(), (size, lens, pick) => {
        const b = new ReplBacklogBlocks(size, 0);
        const model: number[] = [];
        for (const n of lens) {
          const chunk = new Uint8Array(n).fill(model.length % 251);
          b.feed(chunk);
          model.push(...chunk);
        }
        expect(b.offset + b.histlen - 1).toBe(model.length);
        // Trimming stops once at most one block (16 KiB) over size, and never drops the last block.
        expect(b.histlen <= size + 16 * 1024 || b.histlen <= 16 * 1024).toBe(true);
        const ask = 1 + (pick % (model.length + 2));
        const got = b.from(ask);
        // (Buffer.equals: vitest's deep equality walks typed arrays element by element.)
        if (ask >= b.offset && ask <= b.offset + b.histlen) expect(got !== undefined && Buffer.from(got).equals(Uint8Array.from(model.slice(ask - 1)))).toBe(true);
        else expect(got).toBeUndefined();
      }),
      { numRuns: 60 },
    );
  });
});

describe('the full-resync RDB (rdbSaveRio with rdbPopulateSaveInfo, rdbLoad on a replica)', () => {
  test('rdbForReplication → loadRdbIntoKeyspace gives back every key of every type and db, expired keys included (a replica keeps them for the master to DEL)', () => {
    let now = 1_000_000;
    const master = new Keyspace({ now: () => now });
    for (const argv of [['SET', 's', 'v'], ['RPUSH', 'l', 'a', 'b'], ['HSET', 'h', 'f', '1'], ['SADD', 'set', 'x'], ['ZADD', 'z', '2', 'm'], ['SET', 'gone', 'x', 'PX', '10'], ['SELECT', '4'], ['SET', 'four', '4']]) master.execute(argv);
    const rdb = rdbForReplication(master, { replid: REPLID, offset: 9, streamDb: 4, nowMs: now });
    const aux = decodeRdb(rdb);
    expect([auxText(aux, 'repl-id'), auxText(aux, 'repl-offset'), auxText(aux, 'repl-stream-db')]).toEqual([REPLID, '9', '4']);
    now += 100; // "gone" is logically expired now
    const replica = new Keyspace({ now: () => now });
    replica.execute(['SET', 'stale', 'x']);
    expect(loadRdbIntoKeyspace(replica, rdb)).toBe(7);
    expect([...replica.entries()].map((e) => `${e.db}:${new TextDecoder().decode(e.key)}`).sort()).toEqual(['0:gone', '0:h', '0:l', '0:s', '0:set', '0:z', '4:four']);
  });
});
