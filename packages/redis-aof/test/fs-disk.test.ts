/** The real-file adapter: append, truncate, rename over, fsync, and a background fsync that is pending until it completes. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AofError, FsDisk, fsBio } from '../src/index.js';

describe('FsDisk (real files)', () => {
  it('appends, reads, truncates, renames atomically over an existing file, lists nested names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aof-fsdisk-'));
    try {
      const d = new FsDisk(dir);
      d.write('appendonlydir/a.aof', Buffer.from('hello '));
      d.write('appendonlydir/a.aof', Buffer.from('world'));
      d.fsync('appendonlydir/a.aof');
      expect(Buffer.from(d.read('appendonlydir/a.aof')).toString()).toBe('hello world');
      d.truncate('appendonlydir/a.aof', 5);
      d.write('appendonlydir/a.aof', Buffer.from('!'));
      expect(Buffer.from(d.read('appendonlydir/a.aof')).toString()).toBe('hello!');
      d.write('tmp.txt', Buffer.from('new'));
      d.rename('tmp.txt', 'appendonlydir/a.aof');
      expect(Buffer.from(d.read('appendonlydir/a.aof')).toString()).toBe('new');
      expect(d.list()).toEqual(['appendonlydir/a.aof']);
      d.remove('appendonlydir/a.aof');
      expect(d.exists('appendonlydir/a.aof')).toBe(false);
      d.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fsBio: an fdatasync on the thread pool is pending until its callback (bio.c BIO_AOF_FSYNC)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aof-fsdisk-'));
    try {
      const d = new FsDisk(dir);
      const bio = fsBio(d);
      d.write('x.aof', Buffer.from('data'));
      expect(bio.pending()).toBe(false);
      bio.fsync('x.aof');
      expect(bio.pending()).toBe(true);
      for (let i = 0; i < 200 && bio.pending(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(bio.pending()).toBe(false);
      d.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('FsDisk: a failed file operation is an AofError AOF_IO with the errno and the path', () => {
  function ioError(f: () => unknown): { code: string; errno: string | undefined; file: string | undefined } {
    try {
      f();
    } catch (e) {
      if (e instanceof AofError) return { code: e.code, errno: e.errno, file: e.file };
      throw e;
    }
    return { code: 'no error', errno: undefined, file: undefined };
  }

  it('ENOENT (read a missing file), EISDIR (read a directory), ENOTDIR (a file where a directory must be)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aof-fsdisk-err-'));
    try {
      const d = new FsDisk(dir);
      expect(ioError(() => d.read('appendonlydir/nope.aof'))).toEqual({ code: 'AOF_IO', errno: 'ENOENT', file: path.join(dir, 'appendonlydir/nope.aof') });
      fs.mkdirSync(path.join(dir, 'appendonlydir'));
      expect(ioError(() => d.read('appendonlydir'))).toEqual({ code: 'AOF_IO', errno: 'EISDIR', file: path.join(dir, 'appendonlydir') });
      fs.writeFileSync(path.join(dir, 'plain'), 'x');
      expect(ioError(() => { d.write('plain/appendonly.aof.1.incr.aof', Buffer.from('x')); })).toMatchObject({ code: 'AOF_IO', errno: expect.stringMatching(/^(ENOTDIR|EEXIST)$/) as unknown });
      expect(ioError(() => new FsDisk(path.join(dir, 'plain', 'sub')))).toMatchObject({ code: 'AOF_IO', errno: 'ENOTDIR', file: path.join(dir, 'plain', 'sub') });
      d.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
