/**
 * Fuzzing the loader and check-aof: random and mutated AOF directories give a result or a typed
 * AofError; never another exception, never a hang, and never an allocation the input did not
 * pay for (a huge *<argc> or $<len> header costs nothing until its bytes are there).
 */
import fc from 'fast-check';
import { Keyspace } from '@protolab/redis-keyspace';
import { describe, expect, it } from 'vitest';
import { AofError, AppendOnlyFile, checkAof, loadAppendOnlyFiles, rdbCodec, readAofCommands } from '../src/index.js';
import { MapDisk, cmd, runs } from './helpers.js';

const NOW = 1_700_000_000_000;

/** A valid directory written by our writer, then mutated. */
function validDir(rdb: boolean): MapDisk {
  const d = new MapDisk();
  const aof = new AppendOnlyFile({ disk: d, appendfsync: 'always', useRdbPreamble: rdb, rdb: rdbCodec });
  const ks = new Keyspace({ now: () => NOW, onPropagate: (db, argv) => { aof.feed(db, argv, NOW); } });
  aof.start(ks, NOW);
  for (const c of [['SET', 'a', '1'], ['RPUSH', 'l', 'x', 'y'], ['SADD', 's', 'm'], ['ZADD', 'z', '1.5', 'q'], ['HSET', 'h', 'f', 'v'], ['EXPIRE', 'a', '100']]) {
    ks.execute(c);
    aof.beforeSleep(NOW);
  }
  aof.bgrewriteaof(ks, NOW);
  ks.execute(['MULTI']);
  ks.execute(['INCR', 'n']);
  ks.execute(['SET', 'b', 'two']);
  ks.execute(['EXEC']);
  aof.beforeSleep(NOW);
  return d;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 12 }) }),
);

function mutate(b: Uint8Array, ms: { kind: 'flip' | 'cut' | 'insert'; at: number; byte?: number; bytes?: Uint8Array }[]): Uint8Array {
  let out = b;
  for (const m of ms) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') {
      out = out.slice();
      out[at] = m.byte!;
    } else if (m.kind === 'cut') out = out.slice(0, at);
    else out = Buffer.concat([out.subarray(0, at), m.bytes!, out.subarray(at)]);
  }
  return out;
}

function onlyTyped(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof AofError)) throw e;
  }
}

describe('fuzz: the loader only ever answers with data or a typed AofError', () => {
  for (const rdb of [false, true]) {
    it(`mutated ${rdb ? 'RDB-preamble' : 'RESP'} base, incr and manifest`, () => {
      fc.assert(
        fc.property(fc.constantFrom('base', 'incr', 'manifest'), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), (which, ms, truncatedOk) => {
          const d = validDir(rdb);
          const name = d.list().find((f) => f.includes(`.${which}`))!;
          d.put(name, mutate(d.read(name), ms));
          onlyTyped(() => loadAppendOnlyFiles(d, new Keyspace({ now: () => NOW }), { rdb: rdbCodec, aofLoadTruncated: truncatedOk }));
          const r = checkAof(d, 'appendonlydir/appendonly.aof.manifest', { rdb: rdbCodec });
          expect([0, 1]).toContain(r.exitCode);
        }),
        { numRuns: runs(300) },
      );
    });
  }

  it('random bytes as an incr file', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const d = new MapDisk();
        d.put('appendonlydir/appendonly.aof.manifest', 'file appendonly.aof.1.incr.aof seq 1 type i\n');
        d.put('appendonlydir/appendonly.aof.1.incr.aof', bytes);
        onlyTyped(() => loadAppendOnlyFiles(d, new Keyspace({ now: () => NOW }), { rdb: rdbCodec }));
      }),
      { numRuns: runs(500) },
    );
  });

  it('command-shaped noise (valid headers, wrong lengths, stray CR/LF) as an incr file', () => {
    const piece = fc.oneof(
      fc.constantFrom('*', '$', '\r\n', '\n', '#TS:1\r\n', 'MULTI', 'EXEC', 'SET', '*1\r\n$5\r\nMULTI\r\n', '*1\r\n$4\r\nEXEC\r\n'),
      fc.integer({ min: -3, max: 99 }).map(String),
      fc.string({ maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const d = new MapDisk();
        d.put('appendonlydir/appendonly.aof.manifest', 'file appendonly.aof.1.incr.aof seq 1 type i\n');
        d.put('appendonlydir/appendonly.aof.1.incr.aof', cmd('SET', 'a', '1') + pieces.join(''));
        onlyTyped(() => loadAppendOnlyFiles(d, new Keyspace({ now: () => NOW })));
        const r = checkAof(d, 'appendonlydir/appendonly.aof.1.incr.aof');
        expect([0, 1]).toContain(r.exitCode);
      }),
      { numRuns: runs(500) },
    );
  });

  it('a header announcing 2^31 arguments or a 2^31-byte bulk allocates nothing: it is a short read, answered at once', () => {
    const evs = [...readAofCommands(Buffer.from('*2147483647\r\n$2147483647\r\nabc', 'latin1'))];
    expect(evs.at(-1)?.kind).toBe('short-read');
    const evs2 = [...readAofCommands(Buffer.from('*9999999999999999999\r\n$3\r\nSET\r\n', 'latin1'))];
    expect(evs2.at(-1)?.kind).toBe('short-read');
  });
});
