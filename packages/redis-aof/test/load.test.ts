import { describe, expect, it } from 'vitest';
import { AofError, loadAppendOnlyFiles, parseManifest, readAofCommands } from '../src/index.js';
import { MapDisk, TinyKeyspace, cmd, aofErrorCode } from './helpers.js';

const MANIFEST = 'file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n';
const D = 'appendonlydir/';

/** The incr file real Redis 7.0.15 wrote for: set a 1; set b hello ex 100; MULTI; SET c 1; INCR c; EXEC. */
const CAPTURED_INCR =
  '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n*5\r\n$3\r\nSET\r\n$1\r\nb\r\n$5\r\nhello\r\n$4\r\nPXAT\r\n$13\r\n1795798791200\r\n' +
  '*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n1\r\n*2\r\n$4\r\nINCR\r\n$1\r\nc\r\n*1\r\n$4\r\nEXEC\r\n';

function dir(incr: string, base = ''): MapDisk {
  const d = new MapDisk();
  d.put(D + 'appendonly.aof.manifest', MANIFEST);
  d.put(D + 'appendonly.aof.1.base.aof', base);
  d.put(D + 'appendonly.aof.1.incr.aof', incr);
  return d;
}

const errCode = aofErrorCode;

describe('aof.c loadSingleAppendOnlyFile: reading commands', () => {
  it('the file real Redis 7.0.15 wrote is 188 bytes and holds 7 commands (SELECT first, MULTI … EXEC kept together)', () => {
    const bytes = Buffer.from(CAPTURED_INCR, 'latin1');
    expect(bytes.length).toBe(188);
    const evs = [...readAofCommands(bytes)];
    const names = evs.flatMap((e) => (e.kind === 'command' ? [Buffer.from(e.argv[0]!).toString()] : []));
    expect(names).toEqual(['SELECT', 'set', 'SET', 'MULTI', 'SET', 'INCR', 'EXEC']);
    expect(evs.at(-1)).toEqual({ kind: 'eof', at: 188 });
  });

  it('the loader is as lenient as Redis: the two bytes after a bulk are skipped unchecked, `#` lines are annotations', () => {
    const bytes = Buffer.from('#TS:1700000000\r\n*1\r\n$4\r\nPINGXY', 'latin1');
    const evs = [...readAofCommands(bytes)];
    expect(evs.map((e) => e.kind)).toEqual(['annotation', 'command', 'eof']);
  });

  it('a byte other than * or # where a command starts is "Bad file format" with its offset', () => {
    const d = dir(cmd('SET', 'a', '1') + 'garbage\r\n');
    const ks = new TinyKeyspace();
    try {
      loadAppendOnlyFiles(d, ks);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AofError);
      expect((e as AofError).code).toBe('AOF_BAD_FORMAT');
      expect((e as AofError).offset).toBe(cmd('SET', 'a', '1').length);
    }
  });
});

describe('aof.c loadAppendOnlyFiles: truncated and incomplete files', () => {
  it('loads a directory written by Redis 7.0.15 (RESP base + incr), applying the transaction', () => {
    const ks = new TinyKeyspace();
    const r = loadAppendOnlyFiles(dir(CAPTURED_INCR), ks);
    expect(r.status).toBe('ok');
    expect(ks.dump()).toEqual(['0:a=1', '0:b=hello', '0:c=2']);
  });

  it('aof-load-truncated yes: a short read in the last file is cut at valid_up_to, reported, and the file truncated on disk', () => {
    const good = cmd('SELECT', '0') + cmd('SET', 'a', '1');
    const d = dir(good + cmd('SET', 'b', '2').slice(0, 15));
    const ks = new TinyKeyspace();
    const r = loadAppendOnlyFiles(d, ks);
    expect(r.status).toBe('truncated');
    expect(r.files[1]?.truncatedTo).toBe(good.length);
    expect(d.text(D + 'appendonly.aof.1.incr.aof')).toBe(good);
    expect(ks.dump()).toEqual(['0:a=1']);
    expect(r.log).toContain(`!!! Truncating the AOF appendonly.aof.1.incr.aof at offset ${good.length} !!!`);
  });

  it('aof-load-truncated no: the same file is refused (Redis exits with "Unexpected end of file")', () => {
    const d = dir(cmd('SET', 'a', '1') + '*3\r\n$3\r\nSET');
    expect(errCode(() => loadAppendOnlyFiles(d, new TinyKeyspace(), { aofLoadTruncated: false }))).toBe('AOF_UNEXPECTED_EOF');
  });

  it('a truncated file that is not the last one in the manifest is fatal ("the truncated file is not the last file")', () => {
    const d = dir(cmd('SET', 'a', '1'), cmd('SET', 'z', '9').slice(0, 10));
    expect(errCode(() => loadAppendOnlyFiles(d, new TinyKeyspace()))).toBe('AOF_TRUNCATED_NOT_LAST');
  });

  it('a clean EOF inside MULTI reverts the transaction: "Revert incomplete MULTI/EXEC transaction", cut before MULTI', () => {
    const before = cmd('SET', 'a', '1');
    const d = dir(before + cmd('MULTI') + cmd('SET', 'b', '2'));
    const ks = new TinyKeyspace();
    const r = loadAppendOnlyFiles(d, ks);
    expect(r.files[1]?.revertedMulti).toBe(true);
    expect(d.text(D + 'appendonly.aof.1.incr.aof')).toBe(before);
    expect(ks.dump()).toEqual(['0:a=1']);
  });

  it('a missing file named in the manifest is fatal', () => {
    const d = dir(cmd('SET', 'a', '1'));
    d.remove(D + 'appendonly.aof.1.base.aof');
    expect(errCode(() => loadAppendOnlyFiles(d, new TinyKeyspace()))).toBe('AOF_MISSING_FILE');
  });

  it('an unknown command is fatal', () => {
    expect(errCode(() => loadAppendOnlyFiles(dir(cmd('NOSUCHCMD', 'x')), new TinyKeyspace()))).toBe('AOF_UNKNOWN_COMMAND');
  });

  it('aofUpgradePrepare: an old single appendonly.aof in dir becomes the BASE of a new manifest', () => {
    const d = new MapDisk();
    d.put('appendonly.aof', cmd('SELECT', '0') + cmd('SET', 'old', 'style'));
    const ks = new TinyKeyspace();
    const r = loadAppendOnlyFiles(d, ks);
    expect(r.upgraded).toBe(true);
    expect(d.text(D + 'appendonly.aof.manifest')).toBe('file appendonly.aof seq 1 type b\n');
    expect(d.exists('appendonly.aof')).toBe(false);
    expect(ks.dump()).toEqual(['0:old=style']);
  });
});

describe('a file cut inside MULTI: Redis 7.0.15 loses a later acknowledged write, protolab does not', () => {
  // Real 7.0.15 (redis.md §4.4, follow_up_write_after_truncated_load): the loader truncates after
  // the last complete queued command, leaving a dangling MULTI; the next write lands after it and
  // is discarded with the incomplete transaction on the following restart.
  const scenario = (mode: 'protolab' | 'redis-7.0.15'): string[] => {
    const d = dir(cmd('SELECT', '0') + cmd('SET', 'a', '1') + cmd('MULTI') + cmd('SET', 'b', '2') + cmd('SET', 'c', '3').slice(0, 12));
    loadAppendOnlyFiles(d, new TinyKeyspace(), { multiTruncation: mode }); // restart 1: short read inside MULTI
    // Redis starts, a client writes SET x 1 under appendfsync always and gets +OK: it is appended.
    d.write(D + 'appendonly.aof.1.incr.aof', Buffer.from(cmd('SELECT', '0') + cmd('SET', 'x', '1'), 'latin1'));
    const ks = new TinyKeyspace();
    loadAppendOnlyFiles(d, ks, { multiTruncation: mode }); // restart 2
    return ks.dump();
  };

  it('redis-7.0.15 mode reproduces the bug: the acknowledged SET x 1 is gone after the second restart', () => {
    expect(scenario('redis-7.0.15')).toEqual(['0:a=1']);
  });

  it('protolab mode truncates before MULTI, so SET x 1 survives', () => {
    expect(scenario('protolab')).toEqual(['0:a=1', '0:x=1']);
  });
});

describe('manifest on disk', () => {
  it('the manifest of a loaded directory is parsed with the 7.0 rules', () => {
    expect(parseManifest(MANIFEST).incr[0]?.fileName).toBe('appendonly.aof.1.incr.aof');
  });
});
