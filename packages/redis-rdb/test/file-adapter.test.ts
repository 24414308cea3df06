import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RdbFileError, saveRdbFile, saveRdbFileWith, streamRdbFile, type DecodedEntry, type KeyEntry, type RdbFs } from '@protolab/redis-rdb';
import { b } from './helpers.js';

const es: KeyEntry[] = Array.from({ length: 3000 }, (_, i) => ({ db: i % 3, key: b(`k${i}`), value: { type: 'string' as const, value: b(`value-${i}`) } }));

function withDir(f: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-file-'));
  try {
    f(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The error `f` throws, which must be an RdbFileError. */
function fileError(f: () => unknown): RdbFileError {
  try {
    f();
  } catch (e) {
    if (e instanceof RdbFileError) return e;
    throw e;
  }
  throw new Error('expected an RdbFileError, nothing was thrown');
}

/** node:fs with one operation failing as the kernel would (a Node error carrying `code`). */
function failing(op: keyof RdbFs, errno: string): RdbFs {
  const err = (): never => {
    throw Object.assign(new Error(`${errno}: simulated`), { code: errno });
  };
  const real: RdbFs = {
    openSync: (p, f, m) => fs.openSync(p, f, m),
    writeSync: (fd, buf, o, l) => fs.writeSync(fd, buf, o, l),
    readSync: (fd, buf, o, l, pos) => fs.readSync(fd, buf, o, l, pos),
    fsyncSync: (fd) => { fs.fsyncSync(fd); },
    closeSync: (fd) => { fs.closeSync(fd); },
    renameSync: (a, c) => { fs.renameSync(a, c); },
    rmSync: (p, o) => { fs.rmSync(p, o); },
  };
  return { ...real, [op]: err };
}

describe('real-file adapter (rdb.c rdbSave: temp-<pid>.rdb, fsync, rename)', () => {
  it('writes the dump through a temp file that is gone afterwards, and streams it back record by record', () => {
    withDir((dir) => {
      const path = join(dir, 'dump.rdb');
      const n = saveRdbFile(path, es);
      expect(existsSync(path)).toBe(true);
      expect(readdirSync(dir)).toEqual(['dump.rdb']);
      const got: DecodedEntry[] = [];
      const r = streamRdbFile(path, (rec) => { if (rec.kind === 'entry') got.push(rec.entry); }, { chunkBytes: 1000 });
      expect(r.bytes).toBe(n);
      expect(got.length).toBe(3000);
    });
  });

  it('rdbSave unlinks the temp file when the rename fails (target is a directory: EISDIR), and the error names the path', () => {
    withDir((dir) => {
      const path = join(dir, 'dump.rdb');
      mkdirSync(path);
      const e = fileError(() => saveRdbFile(path, es));
      expect([e.code, e.op, e.path, e.errno]).toEqual(['RDB_IO', 'rename', path, 'EISDIR']);
      expect(readdirSync(dir)).toEqual(['dump.rdb']); // no temp-<pid>.rdb left
    });
  });

  it('a missing directory is ENOENT and a parent that is a file is ENOTDIR, both RdbFileError with the temp path', () => {
    withDir((dir) => {
      const missing = fileError(() => saveRdbFile(join(dir, 'nope', 'dump.rdb'), es));
      expect([missing.op, missing.errno, missing.path]).toEqual(['open', 'ENOENT', join(dir, 'nope', `temp-${process.pid}.rdb`)]);
      writeFileSync(join(dir, 'file'), 'x');
      const notDir = fileError(() => saveRdbFile(join(dir, 'file', 'dump.rdb'), es));
      expect([notDir.op, notDir.errno]).toEqual(['open', 'ENOTDIR']);
    });
  });

  it('ENOSPC on write, EIO on fsync and EROFS on rename: typed, and the temp file is removed every time', () => {
    const cases: [keyof RdbFs, string, string][] = [['writeSync', 'ENOSPC', 'write'], ['fsyncSync', 'EIO', 'fsync'], ['renameSync', 'EROFS', 'rename']];
    for (const [op, errno, name] of cases) {
      withDir((dir) => {
        const path = join(dir, 'dump.rdb');
        const e = fileError(() => saveRdbFileWith(failing(op, errno), path, es));
        expect([e.op, e.errno]).toEqual([name, errno]);
        expect(readdirSync(dir)).toEqual([]);
      });
    }
  });

  it('streamRdbFile on a missing file or a directory throws RdbFileError (ENOENT, EISDIR), never a raw Node error', () => {
    withDir((dir) => {
      expect(fileError(() => streamRdbFile(join(dir, 'none.rdb'), () => {})).errno).toBe('ENOENT');
      expect(fileError(() => streamRdbFile(dir, () => {})).errno).toBe('EISDIR');
    });
  });
});
