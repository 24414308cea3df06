import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { allEntries, decodeRdb } from '@protolab/redis-rdb';
import { persistentHarness, bulk } from './persistence-harness.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PersistenceError, startPersistentRedisServer } from '../src/index.js';
import { halfGigabyteStringRdb, lzfRunOfA, rdbWithLzfString, tinyImpossibleLzfRdb } from './forged-rdb.js';

const AOF = { appendonly: true, appendfsync: 'always' as const, save: [] };
const RDB_ONLY = { appendonly: false, save: [] };

/** The keys (db 0) and their string values in the dump file, read back with @protolab/redis-rdb. */
function dumpKeys(h: ReturnType<typeof persistentHarness>, file = 'dump.rdb'): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of allEntries(decodeRdb(h.disk.read(file)))) {
    m.set(Buffer.from(e.key).toString('latin1'), e.value.type === 'string' ? Buffer.from(e.value.value).toString('latin1') : e.value.type);
  }
  return m;
}

describe('loadDataFromDisk (server.c, aof.c, rdb.c 7.0)', () => {
  test('appendonly yes: a new server on the same dir replays the AOF (manifest, BASE, INCR)', () => {
    const h = persistentHarness(AOF);
    expect(h.cmd('SET k v')).toBe('+OK\r\n');
    expect(h.cmd('RPUSH l a b c')).toBe(':3\r\n');
    expect(h.disk.list()).toEqual(['appendonlydir/appendonly.aof.1.base.rdb', 'appendonlydir/appendonly.aof.1.incr.aof', 'appendonlydir/appendonly.aof.manifest']);
    const r = h.restart();
    expect(r.cmd('GET k')).toBe(bulk('v'));
    expect(r.cmd('LRANGE l 0 -1')).toBe(`*3\r\n${bulk('a')}${bulk('b')}${bulk('c')}`);
  });

  test('appendonly no: dump.rdb is loaded, keys already expired are skipped (rdb_last_load_keys_expired)', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('SET a 1');
    h.cmd('SET b 2 PX 500');
    expect(h.cmd('SAVE')).toBe('+OK\r\n');
    h.advance(1000);
    const r = h.restart();
    expect(r.cmd('MGET a b')).toBe(`*2\r\n${bulk('1')}$-1\r\n`);
    const info = r.cmd('INFO persistence');
    expect(info).toContain('rdb_last_load_keys_loaded:1\r\n');
    expect(info).toContain('rdb_last_load_keys_expired:1\r\n');
  });

  test('with appendonly yes the dump.rdb is not read, as Redis (only the AOF counts)', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('SET only-in-rdb 1');
    h.cmd('SAVE');
    const r = h.restart(AOF);
    expect(r.cmd('EXISTS only-in-rdb')).toBe(':0\r\n');
  });

  test('a damaged dump.rdb or manifest is LOAD_FAILED (redis-server exits 1)', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('SET a 1');
    h.cmd('SAVE');
    h.disk.truncate('dump.rdb', 20);
    expect(() => h.restart()).toThrow(PersistenceError);
    expect(() => h.restart()).toThrow(/Short read or OOM loading DB/);
    const a = persistentHarness(AOF);
    a.cmd('SET a 1');
    a.disk.write('appendonlydir/appendonly.aof.manifest', Buffer.from('file x seq 1 type q\n'));
    expect(() => a.restart()).toThrow(expect.objectContaining({ code: 'LOAD_FAILED' }));
  });

  /** startPersistentRedisServer on a real dir holding `dump` (the CLI's path): how it fails, and that nothing was served. */
  async function startOn(dump: Uint8Array): Promise<unknown> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-redis-load-'));
    try {
      fs.writeFileSync(path.join(dir, 'dump.rdb'), dump);
      const logged: string[] = [];
      const failure = await startPersistentRedisServer({ port: 0, persistence: { dir, appendonly: false, save: [] }, log: (l) => logged.push(l) }).then(
        async (srv) => {
          await srv.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(logged.filter((l) => l.startsWith('DB loaded'))).toEqual([]);
      return failure;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  test('the forged files load as intended when the string is small: "k" is the LZF run of a, between "before" and "after"', () => {
    const h = persistentHarness(RDB_ONLY);
    h.disk.create('dump.rdb');
    h.disk.write('dump.rdb', rdbWithLzfString(lzfRunOfA(600), 600));
    const r = h.restart();
    expect(r.cmd('MGET before after')).toBe(`*2\r\n${bulk('x')}${bulk('y')}`);
    expect(r.cmd('GET k')).toBe(bulk('a'.repeat(600)));
  });

  test('a dump.rdb whose LZF string announces 2^29 bytes in 5 compressed bytes: LOAD_FAILED naming LZF_CORRUPT, never served (redis-server 7.0.15: "Invalid LZF compressed string", exit 1)', async () => {
    const e = await startOn(tinyImpossibleLzfRdb());
    expect(e).toBeInstanceOf(PersistenceError);
    expect(e).toMatchObject({ code: 'LOAD_FAILED' });
    expect((e as Error).message).toMatch(/^Short read or OOM loading DB\. Unrecoverable error, aborting now\. \(LZF_CORRUPT: LZF: announced length 536870912 is impossible for 5 compressed bytes/);
  });

  test('a dump.rdb whose string decodes to 2^29 bytes (over the longest value, 2^29 - 24): LOAD_FAILED naming STRING_TOO_LONG and the key, never a bare KeyspaceError, never served', async () => {
    const e = await startOn(halfGigabyteStringRdb());
    expect(e).toBeInstanceOf(PersistenceError);
    expect(e).toMatchObject({ code: 'LOAD_FAILED' });
    expect((e as Error).cause).toMatchObject({ name: 'KeyspaceError', code: 'STRING_TOO_LONG' });
    expect((e as Error).message).toBe('Short read or OOM loading DB. Unrecoverable error, aborting now. (STRING_TOO_LONG: a 536870912-byte string is longer than the longest value (536870888 bytes); reading key "k")');
  });
});

describe('appendfsync always: ack only after durable', () => {
  test('a server under appendfsync always never loses an acknowledged write to a power loss', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('SET', 'INCR', 'DEL', 'RPUSH'), fc.integer({ min: 0, max: 5 })), { minLength: 1, maxLength: 30 }), fc.integer(), (ops, seed) => {
        const h = persistentHarness(AOF);
        const model = new Map<string, string>();
        ops.forEach(([op, k], i) => {
          const key = `k${k}`;
          if (op === 'SET') {
            h.cmd(`SET ${key} v${i}`);
            model.set(key, `+string`);
          } else if (op === 'DEL') {
            h.cmd(`DEL ${key} l${k}`);
            model.delete(key);
            model.delete(`l${k}`);
          } else if (op === 'INCR') {
            h.cmd(`SET ${key} ${i}`);
            model.set(key, '+string');
          } else {
            h.cmd(`RPUSH l${k} x${i}`);
            model.set(`l${k}`, '+list');
          }
          h.advance(7);
        });
        const r = h.crashAndRestart(seed);
        for (const [key, type] of model) expect(r.cmd(`TYPE ${key}`)).toBe(`${type}\r\n`);
        expect(r.cmd('DBSIZE')).toBe(`:${model.size}\r\n`);
      }),
      { numRuns: 60 },
    );
  });

  test('the AOF bytes of a reply are fsynced before the reply is handed back (durable size = size)', () => {
    const h = persistentHarness(AOF);
    h.cmd('SET k v');
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    expect(h.disk.durableSize(incr)).toBe(h.disk.size(incr));
    expect(h.disk.size(incr)).toBeGreaterThan(0);
  });

  test('everysec acknowledges before the fsync: a power loss may lose the last second', () => {
    const h = persistentHarness({ ...AOF, appendfsync: 'everysec' });
    h.cmd('SET k v');
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    expect(h.disk.size(incr)).toBeGreaterThan(0);
    h.advance(1500);
    h.tick();
    expect(h.disk.durableSize(incr)).toBe(h.disk.size(incr));
  });
});

describe('SAVE, BGSAVE, LASTSAVE, save points (rdb.c)', () => {
  test('BGSAVE writes the dataset as of the command; writes before the child finishes are not in the file', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 10 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 10 }), (before, after) => {
        const h = persistentHarness(RDB_ONLY);
        const expected = new Map<string, string>();
        for (const k of before) {
          h.cmd(`SET k${k} before`);
          expected.set(`k${k}`, 'before');
        }
        expect(h.cmd('BGSAVE')).toBe('+Background saving started\r\n');
        expect(h.cmd('INFO persistence')).toContain('rdb_bgsave_in_progress:1\r\n');
        for (const k of after) h.cmd(`SET k${k} after`);
        h.advance(100);
        h.tick();
        expect(h.cmd('INFO persistence')).toContain('rdb_bgsave_in_progress:0\r\n');
        expect(dumpKeys(h)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  test('BGSAVE twice: "Background save already in progress"; SAVE too; BGSAVE SCHEDULE during a rewrite', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('SET a 1');
    expect(h.cmd('BGSAVE')).toBe('+Background saving started\r\n');
    expect(h.cmd('BGSAVE')).toBe('-ERR Background save already in progress\r\n');
    expect(h.cmd('SAVE')).toBe('-ERR Background save already in progress\r\n');
    h.tick();
    expect(h.cmd('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
    expect(h.cmd('BGSAVE')).toBe("-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n");
    expect(h.cmd('BGSAVE SCHEDULE')).toBe('+Background saving scheduled\r\n');
    expect(h.cmd('BGSAVE foo')).toBe('-ERR syntax error\r\n');
  });

  test('SAVE resets rdb_changes_since_last_save and sets LASTSAVE to the save time', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('SET a 1');
    h.cmd('SET b 2');
    expect(h.cmd('INFO persistence')).toContain('rdb_changes_since_last_save:2\r\n');
    h.advance(5000);
    expect(h.cmd('SAVE')).toBe('+OK\r\n');
    expect(h.cmd('LASTSAVE')).toBe(`:${Math.floor(h.clock.now / 1000)}\r\n`);
    expect(h.cmd('INFO persistence')).toContain('rdb_changes_since_last_save:0\r\n');
    expect(dumpKeys(h)).toEqual(new Map([['a', '1'], ['b', '2']]));
  });

  test('save 2 3: serverCron starts a BGSAVE once 3 changes are older than 2 s (strictly), as serverCron', () => {
    const h = persistentHarness({ appendonly: false, save: [{ seconds: 2, changes: 3 }] });
    h.cmd('SET a 1');
    h.cmd('SET b 1');
    h.advance(3000);
    h.tick();
    h.tick();
    expect(h.disk.exists('dump.rdb')).toBe(false);
    h.cmd('SET c 1');
    h.tick();
    h.tick();
    expect(dumpKeys(h).size).toBe(3);
    expect(h.log).toContain('DB saved on disk');
  });
});

describe('BGREWRITEAOF, DEBUG, SHUTDOWN', () => {
  test('BGREWRITEAOF: writes during the rewrite go to the new INCR; a restart sees all of them', () => {
    const h = persistentHarness(AOF);
    for (let i = 0; i < 20; i++) h.cmd(`INCR n`);
    expect(h.cmd('BGREWRITEAOF')).toBe('+Background append only file rewriting started\r\n');
    expect(h.cmd('BGREWRITEAOF')).toBe('-ERR Background append only file rewriting already in progress\r\n');
    h.cmd('INCR n');
    h.tick();
    expect(h.cmd('INFO persistence')).toContain('aof_rewrites:1\r\n');
    expect(h.disk.list()).toEqual(['appendonlydir/appendonly.aof.2.base.rdb', 'appendonlydir/appendonly.aof.2.incr.aof', 'appendonlydir/appendonly.aof.manifest']);
    expect(h.restart().cmd('GET n')).toBe(bulk('21'));
  });

  test('BGREWRITEAOF with appendonly no writes a BASE-only AOF directory, as 7.0 does', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('SET a 1');
    h.cmd('BGREWRITEAOF');
    h.tick();
    expect(h.disk.list()).toEqual(['appendonlydir/appendonly.aof.1.base.rdb', 'appendonlydir/appendonly.aof.manifest']);
    expect(h.restart(AOF).cmd('GET a')).toBe(bulk('1'));
  });

  test('DEBUG RELOAD keeps the dataset and logs nothing to the AOF; DEBUG SLEEP 0 answers OK', () => {
    const h = persistentHarness(AOF);
    h.cmd('SET a 1');
    h.cmd('SELECT 3');
    h.cmd('SET b 2');
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    const size = h.disk.size(incr);
    expect(h.cmd('DEBUG RELOAD')).toBe('+OK\r\n');
    expect(h.disk.size(incr)).toBe(size);
    expect(h.cmd('GET b')).toBe(bulk('2'));
    expect(h.cmd('DEBUG SLEEP 0')).toBe('+OK\r\n');
    // redis-server 7.0.15's text (debug.c → addReplySubcommandSyntaxError), as the differential saw it.
    expect(h.cmd('DEBUG NOPE')).toBe("-ERR unknown subcommand or wrong number of arguments for 'NOPE'. Try DEBUG HELP.\r\n");
  });

  test('DEBUG RELOAD propagates nothing (replicas keep their data) and, as emptyData → signalFlushedDb, dirties only WATCHers of keys that exist (redis-server 7.0.15 seen by redis-cli)', () => {
    const h = persistentHarness(RDB_ONLY);
    const propagated: string[] = [];
    const prev = h.srv.keyspace.onPropagate;
    h.srv.keyspace.onPropagate = (db, argv) => {
      propagated.push(argv.map((a) => Buffer.from(a).toString('latin1')).join(' '));
      prev?.(db, argv);
    };
    h.cmd('SET k v');
    h.cmd('WATCH k nope', 2);
    h.cmd('WATCH nope', 3);
    expect(h.cmd('DEBUG RELOAD')).toBe('+OK\r\n');
    expect(propagated).toEqual(['SET k v']);
    expect(h.cmd('MULTI', 2) + h.cmd('PING', 2) + h.cmd('EXEC', 2)).toBe('+OK\r\n+QUEUED\r\n*-1\r\n');
    expect(h.cmd('MULTI', 3) + h.cmd('PING', 3) + h.cmd('EXEC', 3)).toBe('+OK\r\n+QUEUED\r\n*1\r\n+PONG\r\n');
    expect(h.cmd('GET k')).toBe(bulk('v'));
  });

  test('SHUTDOWN saves when save points exist, NOSAVE does not, SAVE always does; the client gets no reply', () => {
    const withPoints = persistentHarness({ appendonly: false, save: [{ seconds: 3600, changes: 1 }] });
    withPoints.cmd('SET a 1');
    expect(withPoints.cmd('SHUTDOWN')).toBe('<close>');
    expect(withPoints.exits).toEqual([0]);
    expect(dumpKeys(withPoints)).toEqual(new Map([['a', '1']]));
    const nosave = persistentHarness({ appendonly: false, save: [{ seconds: 3600, changes: 1 }] });
    nosave.cmd('SET a 1');
    nosave.cmd('SHUTDOWN NOSAVE');
    expect(nosave.disk.exists('dump.rdb')).toBe(false);
    const save = persistentHarness(RDB_ONLY);
    save.cmd('SET a 1');
    save.cmd('SHUTDOWN SAVE');
    expect(dumpKeys(save).size).toBe(1);
    expect(save.cmd('SHUTDOWN SAVE NOSAVE', 2)).toBe('-ERR syntax error\r\n');
  });

  test('DUMP / RESTORE work (rdbPayloadCodec wired into the keyspace)', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('RPUSH l a b');
    const dump = h.cmd('DUMP l');
    const payload = dump.slice(dump.indexOf('\r\n') + 2, -2);
    expect(h.argv(['RESTORE', 'l2', '0', payload])).toBe('+OK\r\n');
    expect(h.cmd('LRANGE l2 0 -1')).toBe(`*2\r\n${bulk('a')}${bulk('b')}`);
  });
});

describe('CONFIG and INFO persistence', () => {
  test('CONFIG GET shows the directives; CONFIG SET appendonly yes starts the AOF from the current dataset', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('SET before 1');
    expect(h.cmd('CONFIG GET appendonly')).toBe(`*2\r\n${bulk('appendonly')}${bulk('no')}\r\n`.replace(/\r\n\r\n$/, '\r\n'));
    expect(h.cmd('CONFIG SET appendonly yes')).toBe('+OK\r\n');
    expect(h.cmd('INFO persistence')).toContain('aof_enabled:1\r\n');
    h.cmd('SET after 1');
    const r = h.restart(AOF);
    expect(r.cmd('MGET before after')).toBe(`*2\r\n${bulk('1')}${bulk('1')}`);
    expect(h.cmd('CONFIG SET appendfsync sometimes')).toMatch(/^-ERR CONFIG SET failed \(possibly related to argument 'appendfsync'\)/);
    expect(h.cmd('CONFIG SET appenddirname x')).toMatch(/can't set immutable config/);
  });

  test('CONFIG SET appendfsync always reopens the AOF with the new policy; the log goes on in the same INCR file', () => {
    const h = persistentHarness({ ...AOF, appendfsync: 'no' });
    h.cmd('SET a 1');
    expect(h.cmd('CONFIG SET appendfsync always')).toBe('+OK\r\n');
    expect(h.cmd('CONFIG GET appendfsync')).toBe(`*2\r\n${bulk('appendfsync')}${bulk('always')}`);
    h.cmd('SET b 2');
    const incr = 'appendonlydir/appendonly.aof.1.incr.aof';
    expect(h.disk.durableSize(incr)).toBe(h.disk.size(incr));
    expect(h.disk.list()).toHaveLength(3);
    expect(h.crashAndRestart(7).cmd('MGET a b')).toBe(`*2\r\n${bulk('1')}${bulk('2')}`);
  });
});

describe("Redis's own tests (tests/unit/other.tcl, tests/integration/rdb.tcl, aof.tcl), with this server", () => {
  test('BGSAVE (other.tcl): save, set x 10, bgsave, wait, debug reload, x is 10', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('FLUSHDB');
    expect(h.cmd('SAVE')).toBe('+OK\r\n');
    h.cmd('SET x 10');
    expect(h.cmd('BGSAVE')).toBe('+Background saving started\r\n');
    h.tick();
    expect(h.cmd('DEBUG RELOAD')).toBe('+OK\r\n');
    expect(h.cmd('GET x')).toBe(bulk('10'));
  });

  test('bgsave resets the change counter (rdb.tcl)', () => {
    const h = persistentHarness(RDB_ONLY);
    h.cmd('SET a 1');
    h.cmd('SET b 1');
    h.cmd('BGSAVE');
    h.tick();
    expect(h.cmd('INFO persistence')).toContain('rdb_changes_since_last_save:0\r\n');
  });

  test('Server started empty with non-existing RDB file (rdb.tcl)', () => {
    const h = persistentHarness(RDB_ONLY);
    expect(h.disk.exists('dump.rdb')).toBe(false);
    expect(h.cmd('DBSIZE')).toBe(':0\r\n');
  });

  test('Truncated AOF loaded: we expect foo to be equal to 5, then 6 after one more INCR (aof.tcl)', () => {
    const h = persistentHarness(RDB_ONLY);
    const incr = (k: string): string => `*2\r\n$4\r\nincr\r\n$${k.length}\r\n${k}\r\n`;
    h.disk.write('appendonlydir/appendonly.aof.manifest', Buffer.from('file appendonly.aof.1.incr.aof seq 1 type i\n'));
    h.disk.write('appendonlydir/appendonly.aof.1.incr.aof', Buffer.from(incr('foo').repeat(5) + incr('foo').slice(0, -1)));
    const r = h.restart(AOF);
    expect(r.cmd('GET foo')).toBe(bulk('5'));
    expect(r.cmd('INCR foo')).toBe(':6\r\n');
    expect(r.restart().cmd('GET foo')).toBe(bulk('6'));
  });

  test('a failed BGSAVE with save points refuses writes with -MISCONF (stop-writes-on-bgsave-error), reads still work', () => {
    const h = persistentHarness({ appendonly: false, save: [{ seconds: 3600, changes: 1 }] });
    h.cmd('SET a 1');
    h.disk.write('dump.rdb', Buffer.from('x'));
    const rename = h.disk.rename.bind(h.disk);
    h.disk.rename = () => { throw new Error('EIO: rename failed'); };
    h.cmd('BGSAVE');
    h.tick();
    h.disk.rename = rename;
    expect(h.cmd('INFO persistence')).toContain('rdb_last_bgsave_status:err\r\n');
    expect(h.cmd('SET b 2')).toMatch(/^-MISCONF Redis is configured to save RDB snapshots/);
    expect(h.cmd('GET a')).toBe(bulk('1'));
    expect(h.cmd('SAVE')).toBe('+OK\r\n');
    expect(h.cmd('SET b 2')).toBe('+OK\r\n');
  });
});
