import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allEntries, decodeRdb, encodeRdb, type KeyEntry } from '@protolab/redis-rdb';
import { runCli, type CliIo } from '../src/adapters/cli.js';
import { b, normEntry, sortEntries } from './helpers.js';

const BIN = fileURLToPath(new URL('../src/bin/protolab-rdb.ts', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/redis-7.0.15-mixed.rdb', import.meta.url));

/** Runs the CLI in-process; `stepMs` advances a fake clock on every read (for the progress bar). */
function cli(argv: string[], stepMs = 0): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  let now = 0;
  const io: CliIo = { out: (t) => { out += t; }, err: (t) => { err += t; }, errIsTty: false, nowMs: () => (now += stepMs) };
  const code = runCli(argv, io);
  return { code, out, err };
}

/** Spawns the real bin (node + tsx from the sources), as a user would run it. */
function spawnCli(args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--conditions=@protolab/source', '--import', 'tsx', BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const dataset: KeyEntry[] = [
  ...Array.from({ length: 300 }, (_, i): KeyEntry => ({ db: 0, key: b(`user:${i}`), value: { type: 'hash', value: [[b('name'), b(`n${i}`)], [b('age'), b(String(i))]] } })),
  ...Array.from({ length: 50 }, (_, i): KeyEntry => ({ db: 0, key: b(`session:${i}`), value: { type: 'string', value: b('x'.repeat(i)) }, expireAtMs: 1_900_000_000_000 + i })),
  { db: 2, key: b('big:list'), value: { type: 'list', value: Array.from({ length: 5000 }, (_, i) => b(`item-${i}`)) } },
  { db: 2, key: b('scores'), value: { type: 'zset', value: [{ member: b('a'), score: -Infinity }, { member: b('b'), score: 1.5 }, { member: b('c'), score: Infinity }] } },
  { db: 2, key: Uint8Array.from([0xff, 0xfe, 0x00]), value: { type: 'set', value: [b('1'), b('2'), b('3')] } },
];

function withFile(f: (dir: string, dump: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-cli-'));
  try {
    const dump = join(dir, 'dump.rdb');
    writeFileSync(dump, encodeRdb(dataset));
    f(dir, dump);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('protolab-rdb CLI', () => {
  it('inspect --json: per-db counts, the type/encoding histogram, the biggest key and prefixes of a generated dump', () => {
    withFile((_dir, dump) => {
      const r = cli(['inspect', dump, '--json', '--top', '3']);
      expect(r.code).toBe(0);
      const rep = JSON.parse(r.out) as { version: number; databases: { db: number; keys: number; expires: number }[]; types: { type: string; encoding: string; keys: number }[]; biggest: { key: string; elements: number }[]; prefixes: { prefix: string; keys: number }[] };
      expect(rep.version).toBe(10);
      expect(rep.databases.map((d) => [d.db, d.keys, d.expires])).toEqual([[0, 350, 50], [2, 3, 0]]);
      expect(rep.types).toContainEqual({ type: 'HASH_LISTPACK', encoding: 'listpack', keys: 300 });
      expect(rep.types).toContainEqual({ type: 'SET_INTSET', encoding: 'intset', keys: 1 });
      expect(rep.biggest[0]).toMatchObject({ key: 'big:list', elements: 5000 });
      expect(rep.biggest.length).toBe(3);
      expect(rep.prefixes.slice(0, 3).map((p) => [p.prefix, p.keys])).toContainEqual(['user:', 300]);
    });
  });

  it('to-json then from-json writes a dump that decodes to the same keys, values and TTLs (binary keys as base64, ±inf scores)', () => {
    withFile((dir, dump) => {
      const j = cli(['to-json', dump]);
      expect(j.code).toBe(0);
      expect(j.out.trim().split('\n').length).toBe(dataset.length);
      expect(j.out).toContain('{"base64":"//4A"}');
      expect(j.out).toContain('["a","-inf"]');
      writeFileSync(join(dir, 'keys.ndjson'), j.out);
      const w = cli(['from-json', join(dir, 'keys.ndjson'), join(dir, 'out.rdb')]);
      expect(w.code).toBe(0);
      const back = [...allEntries(decodeRdb(new Uint8Array(readFileSync(join(dir, 'out.rdb')))))];
      expect(sortEntries(back).map((e) => normEntry(e))).toEqual(sortEntries(dataset).map((e) => normEntry(e)));
    });
  });

  it('annotate: one line per record, offsets contiguous from 0 to the end of the file', () => {
    withFile((_dir, dump) => {
      const r = cli(['annotate', dump, '--json']);
      expect(r.code).toBe(0);
      const recs = r.out.trim().split('\n').map((l) => JSON.parse(l) as { offset: number; length: number; what: string });
      let at = 0;
      for (const x of recs) {
        expect(x.offset).toBe(at);
        at += x.length;
      }
      expect(at).toBe(readFileSync(dump).length);
      expect(recs[0]?.what).toBe('magic "REDIS" + version 10');
      expect(recs.at(-1)?.what).toMatch(/^0xFF EOF, CRC-64 0x/);
    });
  });

  it('errors are one line on stderr with the documented exit code: 1 bad RDB, 2 usage, 3 file error', () => {
    withFile((dir) => {
      writeFileSync(join(dir, 'junk.rdb'), Uint8Array.from([...b('REDIS0010'), 0xfe])); // SELECTDB without its number
      const junk = cli(['inspect', join(dir, 'junk.rdb')]);
      expect(junk.code).toBe(1);
      expect(junk.err).toMatch(/^protolab-rdb: TRUNCATED: [^\n]*\n$/);
      const none = cli(['inspect', join(dir, 'none.rdb')]);
      expect(none.code).toBe(3);
      expect(none.err).toMatch(/^protolab-rdb: stat .*none\.rdb: ENOENT[^\n]*\n$/);
      expect(cli(['nope'])).toMatchObject({ code: 2 });
      expect(cli(['inspect'])).toMatchObject({ code: 2 });
      expect(cli(['inspect', 'x', '--frobnicate'])).toMatchObject({ code: 2, err: 'protolab-rdb: unknown option --frobnicate\n' });
      writeFileSync(join(dir, 'bad.ndjson'), '{"db":0,"key":"k","type":"zset","value":[["m","nan"]]}\n');
      const nan = cli(['from-json', join(dir, 'bad.ndjson'), join(dir, 'o.rdb')]);
      expect(nan.code).toBe(1);
      expect(nan.err).toContain('JSON line 1: a zset score must be a number');
    });
  });

  it('work over a second draws a progress bar on stderr (fake clock); quick work draws none', () => {
    withFile((_dir, dump) => {
      expect(cli(['inspect', dump, '--progress'], 400).err).toMatch(/\[#*\.*\] +\d+% /);
      expect(cli(['inspect', dump, '--progress'], 0).err).toBe('');
    });
  });

  it('the bin, spawned: --help exits 0; a corrupt file exits 1 with one line and no stack trace', () => {
    const h = spawnCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.out).toContain('protolab-rdb inspect <dump.rdb>');
    const bad = spawnCli(['to-json', fileURLToPath(new URL('./corpus/lzf-out-2p32-plus-8.rdb', import.meta.url))]);
    expect(bad.code).toBe(1);
    expect(bad.err.trim().split('\n')).toHaveLength(1);
    expect(bad.err).not.toMatch(/\n\s+at /);
    const ok = spawnCli(['inspect', FIXTURE]);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('db 0: 30 keys');
  });
});
