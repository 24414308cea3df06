// protolab-keyslot, spawned as a user runs it (through tsx, from the sources), on CLUSTER SLOTS
// files that a real redis-cli 7.0.15 printed for a 3-master cluster (ports 27101-27103) with one
// replica (27104) of the first master: test/fixtures/cluster-slots.redis-cli.txt (`--no-raw`, the
// numbered form) and cluster-slots.redis-cli-raw.txt (the raw form redis-cli uses when piped).
// Every expected slot below is what that server's CLUSTER KEYSLOT answered.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const cli = fileURLToPath(new URL('../src/adapters/keyslot-cli.ts', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const tty = fixture('cluster-slots.redis-cli.txt');
const raw = fixture('cluster-slots.redis-cli-raw.txt');
const tmp = mkdtempSync(join(tmpdir(), 'protolab-keyslot-'));
afterAll(() => { rmSync(tmp, { recursive: true, force: true }); });

function run(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(tsx, ['--conditions=@protolab/source', cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const N1 = { host: '127.0.0.1', port: 27101, id: '8abaffecef091cca2cd8a7c210f2d10a79665a89' };
const N2 = { host: '127.0.0.1', port: 27102, id: 'a3d0149db74b107ec4466d5c067fce1fca0cee1f' };
const N3 = { host: '127.0.0.1', port: 27103, id: '20016fae483b3ee2cee115c8009590e8c218cd0b' };

describe('protolab-keyslot (the CLI, spawned)', () => {
  it('prints slot and hash tag per key, as CLUSTER KEYSLOT of redis-server 7.0.15 answered', () => {
    const r = run('{user1000}.following', 'foo', 'foo{}{bar}', '{a}{b}');
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      'key                     slot   tag',
      '"{user1000}.following"  3443   "user1000"',
      '"foo"                   12182  -',
      '"foo{}{bar}"            8363   -',
      '"{a}{b}"                15495  "a"',
      '',
    ].join('\n'));
  });

  it('--slots with the numbered (--no-raw) and the raw redis-cli output give the same owners', () => {
    const keys = ['foo', '{user}a', 'x{}', '123456789', '日本{語}'];
    const want = [
      { key: 'foo', slot: 12182, tag: null, node: N3 },
      { key: '{user}a', slot: 5474, tag: 'user', node: N2 },
      { key: 'x{}', slot: 2608, tag: null, node: N1 },
      { key: '123456789', slot: 12739, tag: null, node: N3 },
      { key: '日本{語}', slot: 6482, tag: '語', node: N2 },
    ];
    for (const file of [tty, raw]) {
      const r = run('--json', '--slots', file, ...keys);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual(want);
    }
  });

  it('the table names the master of each key (the replica of 0-5460 is not an owner)', () => {
    const r = run('--slots', tty, 'x{}', 'foo');
    expect(r.code).toBe(0);
    expect(r.out).toBe([
      'key    slot   tag  node',
      `"x{}"  2608   -    127.0.0.1:27101 ${N1.id}`,
      `"foo"  12182  -    127.0.0.1:27103 ${N3.id}`,
      '',
    ].join('\n'));
  });

  it('exit code 1 when a slot is served by no range of the file (here only 0-5460 is listed)', () => {
    const partial = join(tmp, 'partial.txt');
    writeFileSync(partial, readFileSync(tty, 'utf8').split('\n').slice(0, 10).join('\n'));
    const r = run('--slots', partial, 'x{}', 'foo');
    expect(r.code).toBe(1);
    expect(r.out).toContain('"foo"  12182  -    (no node serves this slot)');
  });

  it('exit code 2 and a message for usage errors: no key, unknown option, missing or malformed --slots', () => {
    const bad = join(tmp, 'bad.txt');
    writeFileSync(bad, '1) 1) (integer) 0\n   2) (integer) 99999\n   3) 1) "127.0.0.1"\n      2) (integer) 1\n');
    expect(run()).toMatchObject({ code: 2, err: expect.stringContaining('no KEY given') as unknown });
    expect(run('--bogus', 'k')).toMatchObject({ code: 2, err: expect.stringContaining('unknown option --bogus') as unknown });
    expect(run('--slots')).toMatchObject({ code: 2, err: expect.stringContaining('--slots needs a FILE') as unknown });
    expect(run('--slots', join(tmp, 'missing.txt'), 'k')).toMatchObject({ code: 2, err: expect.stringContaining('ENOENT') as unknown });
    expect(run('--slots', bad, 'k')).toMatchObject({ code: 2, err: expect.stringContaining('SLOT_RANGE') as unknown });
  });

  it('--help prints the usage and exits 0; `--` lets a key start with a dash', () => {
    const h = run('--help');
    expect(h.code).toBe(0);
    expect(h.out).toContain('usage: protolab-keyslot');
    const d = run('--', '-k');
    expect(d.code).toBe(0);
    expect(d.out).toContain('"-k"');
  });
});
