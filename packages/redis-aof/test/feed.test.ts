/**
 * aof.c feedAppendOnlyFile: what reaches the file for each write, with @protolab/redis-keyspace's
 * propagate() supplying the deterministic argv (redis.md §2.5, captured from real 7.0.15).
 */
import { Keyspace } from '@protolab/redis-keyspace';
import { describe, expect, it } from 'vitest';
import { AofFeeder, AppendOnlyFile } from '../src/index.js';
import { MapDisk, cmd } from './helpers.js';

const NOW = 1_700_000_000_000;

function setup(timestampEnabled = false) {
  const d = new MapDisk();
  const aof = new AppendOnlyFile({ disk: d, appendfsync: 'always', useRdbPreamble: false, timestampEnabled });
  const ks = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { aof.feed(db, argv, NOW); } });
  aof.start(ks, NOW);
  const incr = (): string => d.text('appendonlydir/appendonly.aof.1.incr.aof');
  return { d, aof, ks, incr };
}

describe('feedAppendOnlyFile', () => {
  it('SELECT before the first command and whenever the db changes; a client SELECT itself is never logged', () => {
    const { aof, ks, incr } = setup();
    ks.execute(['set', 'a', '1']);
    ks.execute(['SELECT', '3']);
    ks.execute(['SET', 'b', '2']);
    ks.execute(['SET', 'c', '3']);
    ks.execute(['SELECT', '0']);
    ks.execute(['SET', 'd', '4']);
    aof.beforeSleep(NOW);
    expect(incr()).toBe(cmd('SELECT', '0') + cmd('set', 'a', '1') + cmd('SELECT', '3') + cmd('SET', 'b', '2') + cmd('SET', 'c', '3') + cmd('SELECT', '0') + cmd('SET', 'd', '4'));
  });

  it('relative expiries are logged absolute: SET … EX → SET … PXAT, EXPIRE → PEXPIREAT (redis.md §2.5)', () => {
    const { aof, ks, incr } = setup();
    ks.execute(['SET', 'a', 'v', 'EX', '100']);
    ks.execute(['EXPIRE', 'a', '10']);
    aof.beforeSleep(NOW);
    expect(incr()).toBe(cmd('SELECT', '0') + cmd('SET', 'a', 'v', 'PXAT', String(NOW + 100_000)) + cmd('PEXPIREAT', 'a', String(NOW + 10_000)));
  });

  it('a transaction is MULTI, its writes, EXEC, in one write(2); reads and no-op writes log nothing', () => {
    const { d, aof, ks, incr } = setup();
    ks.execute(['MULTI']);
    ks.execute(['SET', 'x', '1']);
    ks.execute(['GET', 'x']);
    ks.execute(['INCR', 'x']);
    ks.execute(['EXEC']);
    ks.execute(['DEL', 'missing']);
    expect(d.text('appendonlydir/appendonly.aof.1.incr.aof')).toBe(''); // still in aof_buf
    expect(aof.beforeSleep(NOW).write).toBe('write');
    expect(incr()).toBe(cmd('SELECT', '0') + cmd('MULTI') + cmd('SET', 'x', '1') + cmd('INCR', 'x') + cmd('EXEC'));
  });

  it('aof-timestamp-enabled: #TS:<unix s> before the first command of each new second', () => {
    const f = new AofFeeder(true);
    f.feed(0, ['SET', 'a', '1'], 1700000000);
    f.feed(0, ['SET', 'a', '2'], 1700000000);
    f.feed(0, ['SET', 'a', '3'], 1700000001);
    expect(Buffer.from(f.take()).toString()).toBe('#TS:1700000000\r\n' + cmd('SELECT', '0') + cmd('SET', 'a', '1') + cmd('SET', 'a', '2') + '#TS:1700000001\r\n' + cmd('SET', 'a', '3'));
  });

  it('starting on an empty directory creates base seq 1, incr seq 1 and the manifest (as 7.0.15 does)', () => {
    const { d } = setup();
    expect(d.list()).toEqual(['appendonlydir/appendonly.aof.1.base.aof', 'appendonlydir/appendonly.aof.1.incr.aof', 'appendonlydir/appendonly.aof.manifest']);
    expect(d.text('appendonlydir/appendonly.aof.manifest')).toBe('file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
  });
});
