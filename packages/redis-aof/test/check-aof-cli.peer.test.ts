/**
 * protolab-check-aof against the real redis-check-aof 7.0.15, byte for byte, on directories a real
 * redis-server wrote: RDB-preamble and RESP bases, before and after BGREWRITEAOF, with `#TS:`
 * annotations; as they are, cut (`--fix`), and cut by `--truncate-to-timestamp`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describePeer } from '@protolab/testkit';
import { afterEach, expect, it } from 'vitest';
import { runCli } from './cli-run.js';
import { bgrewriteaof, RespClient, startRedis, tempDir } from './peer-util.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A real directory: writes over three wall-clock seconds (three #TS: values), keys with and without TTL. */
async function realDir(preamble: boolean, rewrite: boolean): Promise<string> {
  const dir = tempDir();
  dirs.push(dir);
  const srv = await startRedis(dir, ['--aof-use-rdb-preamble', preamble ? 'yes' : 'no', '--aof-timestamp-enabled', 'yes']);
  try {
    const c = await RespClient.connect(srv.port);
    await c.call('SET', 'a', '1');
    await c.call('SET', 'ttl', 'x', 'EX', '1000');
    await c.call('RPUSH', 'l', 'x', 'y');
    await c.call('SELECT', '2');
    await c.call('HSET', 'h', 'f', 'v');
    if (rewrite) await bgrewriteaof(c);
    await sleep(1100);
    await c.call('SET', 'b', '2');
    await c.call('MULTI');
    await c.call('INCR', 'n');
    await c.call('SADD', 's', 'm');
    await c.call('EXEC');
    await sleep(1100);
    await c.call('SET', 'c', '3');
    await c.close();
  } finally {
    await srv.stop();
  }
  return dir;
}

/** Two copies of `dir` (the real tool and ours each change their own). */
function twoCopies(dir: string): [string, string] {
  const a = path.join(dir, 'theirs');
  const b = path.join(dir, 'ours');
  for (const d of [a, b]) fs.cpSync(path.join(dir, 'appendonlydir'), path.join(d, 'appendonlydir'), { recursive: true });
  return [a, b];
}

function compare(dir: string, args: (d: string) => string[], input = ''): { stdout: string; status: number | null } {
  const [theirs, ours] = twoCopies(dir);
  const real = spawnSync('redis-check-aof', args(theirs), { cwd: theirs, input, encoding: 'latin1' });
  const mine = runCli(args(ours), { cwd: ours, input });
  expect(mine.stdout).toBe(real.stdout);
  expect(mine.status).toBe(real.status);
  expect(mine.stderr).toBe('');
  const files = fs.readdirSync(path.join(theirs, 'appendonlydir')).sort();
  expect(fs.readdirSync(path.join(ours, 'appendonlydir')).sort()).toEqual(files);
  for (const f of files) expect(fs.readFileSync(path.join(ours, 'appendonlydir', f)), f).toEqual(fs.readFileSync(path.join(theirs, 'appendonlydir', f)));
  fs.rmSync(theirs, { recursive: true });
  fs.rmSync(ours, { recursive: true });
  return { stdout: real.stdout, status: real.status };
}

function incrFiles(dir: string): string[] {
  return fs.readdirSync(path.join(dir, 'appendonlydir')).filter((f) => f.includes('.incr.')).sort();
}

function timestamps(dir: string): number[] {
  const out: number[] = [];
  for (const f of incrFiles(dir)) for (const m of fs.readFileSync(path.join(dir, 'appendonlydir', f), 'latin1').matchAll(/#TS:(\d+)\r\n/g)) out.push(Number(m[1]));
  return out;
}

describePeer('redis-check-aof', 'protolab-check-aof prints what redis-check-aof 7.0.15 prints on real server directories', () => {
  for (const preamble of [true, false]) {
    for (const rewrite of [false, true]) {
      it(`${preamble ? 'RDB-preamble' : 'RESP'} base, ${rewrite ? 'after' : 'before'} BGREWRITEAOF: the manifest, the base file alone, a cut last file with --fix, and --truncate-to-timestamp`, async () => {
        const dir = await realDir(preamble, rewrite);
        const whole = compare(dir, () => ['appendonlydir/appendonly.aof.manifest']);
        expect(whole.status).toBe(0);
        if (preamble) expect(whole.stdout).toMatch(/AUX FIELD aof-base = '1'[\s\S]*Checksum OK/);
        if (preamble && rewrite) expect(whole.stdout).toContain('[info] 1 expires'); // the TTL key is in the new base
        const base = fs.readdirSync(path.join(dir, 'appendonlydir')).find((f) => f.includes('.base.'));
        expect(base).toBeDefined();
        compare(dir, () => [`appendonlydir/${base ?? ''}`]);
        // Cut the last INCR file inside its last command: --fix (answer y) must cut at the same offset.
        const last = incrFiles(dir).at(-1) ?? '';
        const lastPath = path.join(dir, 'appendonlydir', last);
        const full = fs.readFileSync(lastPath);
        fs.writeFileSync(lastPath, full.subarray(0, full.length - 5));
        const notValid = compare(dir, () => ['appendonlydir/appendonly.aof.manifest']);
        expect(notValid.status).toBe(1);
        compare(dir, () => ['--fix', 'appendonlydir/appendonly.aof.manifest'], 'y\n');
        compare(dir, () => ['--fix', 'appendonlydir/appendonly.aof.manifest'], 'n\n');
        fs.writeFileSync(lastPath, full);
        // Every #TS: value as the limit (and one before the first): same text, same files after.
        const ts = [...new Set(timestamps(dir))];
        expect(ts.length).toBeGreaterThanOrEqual(2);
        for (const t of [(ts[0] ?? 1) - 1, ...ts]) compare(dir, () => ['--truncate-to-timestamp', String(t), 'appendonlydir/appendonly.aof.manifest']);
        // A file of the manifest missing from the directory.
        fs.rmSync(lastPath);
        expect(compare(dir, () => ['appendonlydir/appendonly.aof.manifest']).status).toBe(1);
      }, 120_000);
    }
  }
});
