/**
 * Regression tests for two manifest defects (issues 13.5 and 13.6): a `seq` beyond 2^53 and a
 * file name that names a directory.
 */
import { Keyspace } from '@protolab/redis-keyspace';
import { describe, expect, it } from 'vitest';
import { AppendOnlyFile, LLONG_MAX, checkAof, loadAppendOnlyFiles, parseManifest, rdbCodec } from '../src/index.js';
import { canon } from './canon.js';
import { MapDisk, aofErrorCode, cmd } from './helpers.js';

const NOW = 1_700_000_000_000;
const D = 'appendonlydir/';

function dirWithSeq(seq: string): MapDisk {
  const d = new MapDisk();
  d.put(D + 'appendonly.aof.manifest', `file appendonly.aof.${seq}.base.aof seq ${seq} type b\nfile appendonly.aof.${seq}.incr.aof seq ${seq} type i\n`);
  d.put(D + `appendonly.aof.${seq}.base.aof`, cmd('SET', 'base', 'b'));
  d.put(D + `appendonly.aof.${seq}.incr.aof`, cmd('SET', 'acked', '1'));
  return d;
}

function loadCanon(d: MapDisk): string[] {
  const ks = new Keyspace({ now: () => NOW });
  loadAppendOnlyFiles(d, ks);
  return canon(ks.entries());
}

describe('aof.h file_seq is a long long (issue 13.5)', () => {
  it('aofLoadManifestFromFile reads seq with atoll: 9007199254740993 (2^53 + 1) is kept exactly, and 2^63 saturates at LLONG_MAX', () => {
    expect(parseManifest('file a seq 9007199254740993 type i\n').incr[0]?.fileSeq).toBe(9007199254740993n);
    expect(parseManifest('file a seq 9223372036854775808 type i\n').incr[0]?.fileSeq).toBe(9223372036854775807n);
    expect(parseManifest('file a seq 99999999999999999999999999 type b\n').base?.fileSeq).toBe(LLONG_MAX);
  });

  it('BGREWRITEAOF on a manifest with seq 2^53 names new files seq 2^53 + 1 and keeps every acknowledged write', () => {
    const seq = '9007199254740992';
    const d = dirWithSeq(seq);
    const aof = new AppendOnlyFile({ disk: d, appendfsync: 'always', useRdbPreamble: false });
    const ks = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { aof.feed(db, argv, NOW); } });
    aof.start(ks, NOW);
    aof.bgrewriteaof(ks, NOW);
    ks.execute(['SET', 'after', '2']);
    aof.beforeSleep(NOW);
    expect(d.text(D + 'appendonly.aof.manifest')).toBe(
      'file appendonly.aof.9007199254740993.base.aof seq 9007199254740993 type b\nfile appendonly.aof.9007199254740993.incr.aof seq 9007199254740993 type i\n',
    );
    expect(loadCanon(d)).toEqual(['0 "acked" string "1"', '0 "after" string "2"', '0 "base" string "b"']);
  });

  it('a rewrite that would need seq LLONG_MAX + 1 is refused with AOF_SEQ_OVERFLOW before any file changes, and the directory still loads', () => {
    const seq = LLONG_MAX.toString();
    const d = dirWithSeq(seq);
    const aof = new AppendOnlyFile({ disk: d, appendfsync: 'always', useRdbPreamble: false });
    const ks = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { aof.feed(db, argv, NOW); } });
    aof.start(ks, NOW);
    const files = d.list().map((f) => `${f}:${d.text(f)}`);
    expect(aofErrorCode(() => { aof.bgrewriteaof(ks, NOW); })).toBe('AOF_SEQ_OVERFLOW');
    expect(d.list().map((f) => `${f}:${d.text(f)}`)).toEqual(files);
    ks.execute(['SET', 'still', 'writable']);
    aof.beforeSleep(NOW);
    expect(loadCanon(d).some((l) => l.includes('still'))).toBe(true);
  });
});

describe('util.c pathIsBaseName and names that are directories (issue 13.6)', () => {
  for (const name of ['..', '.', '""']) {
    it(`"file ${name}" is MANIFEST_PATH for the parser, the loader and checkAof (Redis 7.0 lets it through pathIsBaseName and then fails reading a directory)`, () => {
      const text = `file ${name} seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n`;
      expect(aofErrorCode(() => parseManifest(text))).toBe('MANIFEST_PATH');
      const d = new MapDisk();
      d.put(D + 'appendonly.aof.manifest', text);
      d.put(D + 'appendonly.aof.1.incr.aof', cmd('SET', 'a', '1'));
      expect(aofErrorCode(() => loadAppendOnlyFiles(d, new Keyspace({ now: () => NOW }), { rdb: rdbCodec }))).toBe('MANIFEST_PATH');
      const r = checkAof(d, D + 'appendonly.aof.manifest');
      expect(r.exitCode).toBe(1);
      expect(r.output).toContain("File can't be a path, just a filename");
    });
  }
});
