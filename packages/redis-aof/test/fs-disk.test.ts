/** The real-file adapter: append, truncate, rename over, fsync, and a background fsync that is pending until it completes. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsDisk, fsBio } from '../src/index.js';

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
