import { describe, expect, test } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PersistenceError, startPersistentRedisServer } from '../src/index.js';
import { halfGigabyteStringRdb, lzfRunOfA, rdbWithLzfString, tinyImpossibleLzfRdb } from './forged-rdb.js';

/**
 * server.c loadDataFromDisk with `appendonly yes`: aof.c loadAppendOnlyFiles reads the manifest's
 * BASE, which may be an RDB (aof-use-rdb-preamble, the default), through rdbLoadRio. A BASE whose
 * value cannot be held fails start-up as a dump.rdb does (persistence.test.ts): LOAD_FAILED, no
 * bare KeyspaceError, nothing served. The BASE is written by hand with its manifest.
 */
async function startOnAofBase(base: Uint8Array): Promise<{ failure: unknown; logged: string[]; got?: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'protolab-redis-aof-base-'));
  try {
    fs.mkdirSync(path.join(dir, 'appendonlydir'));
    fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.1.base.rdb'), base);
    fs.writeFileSync(path.join(dir, 'appendonlydir', 'appendonly.aof.manifest'), 'file appendonly.aof.1.base.rdb seq 1 type b\n');
    const logged: string[] = [];
    let got: string | undefined;
    const failure = await startPersistentRedisServer({ port: 0, persistence: { dir, appendonly: true, appendfsync: 'always', save: [] }, log: (l) => logged.push(l) }).then(
      async (srv) => {
        got = String(srv.server.keyspace.get('k')?.length);
        await srv.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    return got === undefined ? { failure, logged } : { failure, logged, got };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('an AOF BASE in RDB form that cannot be loaded (aof.c loadAppendOnlyFiles, 7.0)', () => {
  test('the forged BASE loads when its string is small: the AOF path reads it ("k" is 600 bytes)', async () => {
    const r = await startOnAofBase(rdbWithLzfString(lzfRunOfA(600), 600));
    expect(r.failure).toBeUndefined();
    expect(r.got).toBe('600');
    expect(r.logged).toContain('DB loaded from append only file');
  });

  test('a BASE whose LZF string announces 2^29 bytes in 5 compressed bytes: LOAD_FAILED, never served', async () => {
    const r = await startOnAofBase(tinyImpossibleLzfRdb());
    expect(r.failure).toBeInstanceOf(PersistenceError);
    expect(r.failure).toMatchObject({ code: 'LOAD_FAILED' });
    expect((r.failure as Error).message).toMatch(/^Error reading the RDB base file appendonly\.aof\.1\.base\.rdb: LZF_CORRUPT: LZF: announced length 536870912 is impossible for 5 compressed bytes/);
    expect((r.failure as Error).cause).toMatchObject({ name: 'AofError', code: 'AOF_RDB_BASE', cause: { code: 'LZF_CORRUPT' } });
    expect(r.logged.filter((l) => l.startsWith('DB loaded'))).toEqual([]);
  });

  test('a BASE whose string decodes to 2^29 bytes (over the longest value): LOAD_FAILED naming STRING_TOO_LONG, never a bare KeyspaceError, never served', async () => {
    const r = await startOnAofBase(halfGigabyteStringRdb());
    expect(r.failure).toBeInstanceOf(PersistenceError);
    expect(r.failure).toMatchObject({ code: 'LOAD_FAILED' });
    expect((r.failure as Error).message).toBe('The RDB base file appendonly.aof.1.base.rdb cannot be loaded: STRING_TOO_LONG: a 536870912-byte string is longer than the longest value (536870888 bytes); reading key "k"');
    expect((r.failure as Error).cause).toMatchObject({ name: 'AofError', code: 'AOF_RDB_BASE', cause: { name: 'KeyspaceError', code: 'STRING_TOO_LONG' } });
    expect(r.logged.filter((l) => l.startsWith('DB loaded'))).toEqual([]);
  });
});
