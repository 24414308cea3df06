/**
 * A real full file system (issue 13.7): a small tmpfs (`mount -t tmpfs -o size=…`, needs root;
 * skipped with a message otherwise). The AOF writes real files with FsDisk until write(2) fails
 * with ENOSPC, partway through a command; then space returns. As aof.c flushAppendOnlyFile does:
 * the torn bytes are truncated away (check-aof finds the file valid while the disk is still full),
 * writes are refused with -MISCONF, `always` holds its reply, and after the retry every
 * acknowledged write loads.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describePeer, peersRequired } from '@protolab/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AofError, AppendOnlyFile, FsDisk, checkAof, loadAppendOnlyFiles, type AppendFsync } from '../src/index.js';
import { TinyKeyspace } from './helpers.js';
import { tempDir } from './peer-util.js';

const SIZE = 256 * 1024;
let mnt = '';
let mounted = false;

describePeer('mount', 'a real tmpfs that fills up: every acknowledged write survives and the directory loads', () => {
  beforeAll(() => {
    mnt = tempDir();
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', mnt], { encoding: 'utf8' });
    mounted = r.status === 0;
    if (!mounted && peersRequired()) throw new Error(`cannot mount a tmpfs (needs root): ${r.stderr.trim()}`);
  });
  afterAll(() => {
    if (mounted) spawnSync('umount', [mnt]);
    fs.rmSync(mnt, { recursive: true, force: true });
  });

  for (const policy of ['always', 'everysec', 'no'] as const satisfies readonly AppendFsync[]) {
    it(`${policy}: ENOSPC mid-command, -MISCONF while full, space returns, nothing acknowledged is lost`, (ctx) => {
      if (!mounted) ctx.skip();
      const root = path.join(mnt, policy);
      fs.mkdirSync(root);
      // Most of the file system is taken by another file; the AOF gets the rest.
      const filler = path.join(mnt, `filler-${policy}`);
      fs.writeFileSync(filler, Buffer.alloc(SIZE - 48 * 1024));
      const disk = new FsDisk(root);
      const aof = new AppendOnlyFile({ disk, appendfsync: policy, useRdbPreamble: false });
      const ks = new TinyKeyspace((db, argv) => { aof.feed(db, argv, 0); });
      aof.start(ks, 0);
      const acked = new Map<string, string>();
      let held: [string, string] | undefined;
      let misconf = 0;
      let torn = 0;
      for (let i = 0; misconf < 5 && i < 1000; i++) {
        const k = `k${i}`;
        const v = `${i}:`.padEnd(700, 'v');
        if (aof.writeDeniedError() !== undefined) {
          expect(aof.writeDeniedError()).toBe('MISCONF Errors writing to the AOF file: No space left on device');
          misconf++;
          continue;
        }
        ks.execute(['SET', k, v]);
        const r = aof.beforeSleep(i * 10);
        if (r.write === 'error') torn += aof.writeState.log.some((l) => l.startsWith('Short write')) ? 1 : 0;
        if (aof.repliesHeld()) held = [k, v];
        else acked.set(k, v);
      }
      expect(misconf).toBe(5);
      expect(aof.infoPersistence().aof_last_write_status).toBe('err');
      expect(torn).toBeGreaterThan(0); // a write(2) really stopped partway
      // While the disk is still full, the file holds no torn command.
      expect(checkAof(disk, 'appendonlydir/appendonly.aof.manifest').exitCode).toBe(0);
      // Space returns; serverCron's retry writes aof_buf.
      fs.rmSync(filler);
      const retry = aof.beforeSleep(100_000);
      expect(retry.error).toBeUndefined();
      expect(aof.writeDeniedError()).toBeUndefined();
      expect(aof.repliesHeld()).toBe(false);
      if (held !== undefined) acked.set(held[0], held[1]); // the held reply goes out now
      ks.execute(['SET', 'after', 'space returned']);
      aof.beforeSleep(100_001);
      acked.set('after', 'space returned');
      aof.shutdown(100_002);
      disk.close();
      const reread = new FsDisk(root);
      const back = new TinyKeyspace();
      expect(loadAppendOnlyFiles(reread, back, { aofLoadTruncated: false }).status).toBe('ok');
      expect(checkAof(reread, 'appendonlydir/appendonly.aof.manifest').exitCode).toBe(0);
      reread.close();
      const got = new Map(back.dump().map((l) => [l.slice(2, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
      for (const [k, v] of acked) expect(got.get(k), k).toBe(v);
      fs.rmSync(root, { recursive: true });
    });
  }

  it('a read-only file system: start() fails with AofError AOF_IO, errno EROFS, naming the file', (ctx) => {
    if (!mounted) ctx.skip();
    const ro = path.join(mnt, 'ro');
    fs.mkdirSync(ro);
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', ro]).status).toBe(0);
    try {
      const aof = new AppendOnlyFile({ disk: new FsDisk(ro), appendfsync: 'always' });
      let got: unknown;
      try {
        aof.start(new TinyKeyspace(), 0);
      } catch (e) {
        got = e;
      }
      expect(got).toBeInstanceOf(AofError);
      expect(got).toMatchObject({ code: 'AOF_IO', errno: 'EROFS' });
      expect((got as AofError).file?.startsWith(ro)).toBe(true);
    } finally {
      spawnSync('umount', [ro]);
    }
  });
});
