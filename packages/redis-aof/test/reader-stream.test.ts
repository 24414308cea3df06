/**
 * The chunked AOF reader (the one reader; readAofCommands feeds it one chunk): the same events (aof.c
 * loadSingleAppendOnlyFile's fgets/fread rules) for any split of the input, and linear work
 * whatever the chunk size (operation counter: one chunk vs 1, 7, 256 and 65,536-byte chunks).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AofReader, readAofCommands, type AofReadEvent, type ReaderWork } from '../src/index.js';
import { cmd, runs } from './helpers.js';

function whole(b: Uint8Array): AofReadEvent[] {
  return [...readAofCommands(b)];
}

function chunked(b: Uint8Array, cuts: readonly number[], work?: ReaderWork): AofReadEvent[] {
  const r = new AofReader(0, work);
  const out: AofReadEvent[] = [];
  let prev = 0;
  for (const c of [...cuts].sort((x, y) => x - y)) {
    const at = Math.min(c, b.length);
    out.push(...r.push(b.subarray(prev, Math.max(prev, at))));
    prev = Math.max(prev, at);
  }
  out.push(...r.push(b.subarray(prev)));
  out.push(...r.end());
  return out;
}

const piece = fc.oneof(
  fc.constantFrom('*', '$', '\r\n', '\n', '\r', '#TS:1\r\n', 'MULTI', 'SET', cmd('SET', 'k', 'v'), cmd('MULTI'), '*1\r\n$0\r\n\r\n', '$-1\r\n', '*0\r\n'),
  fc.integer({ min: -3, max: 40 }).map(String),
  fc.string({ maxLength: 5 }),
  fc.constant('x'.repeat(1500)),
);
const input = fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.array(piece, { maxLength: 30 }).map((p) => Buffer.from(p.join(''), 'latin1')));

const plain = (evs: AofReadEvent[]): unknown[] => evs.map((e) => (e.kind === 'command' ? { ...e, argv: e.argv.map((a) => Buffer.from(a).toString('latin1')) } : e));

describe('AofReader: loadSingleAppendOnlyFile fed in chunks', () => {
  it('property: for any bytes split anywhere, the events are those of the same bytes in one chunk (readAofCommands, which the loader uses)', () => {
    fc.assert(
      fc.property(input, fc.array(fc.nat({ max: 3200 }), { maxLength: 12 }), (b, cuts) => {
        expect(plain(chunked(b, cuts))).toEqual(plain(whole(b)));
      }),
      { numRuns: runs(500) },
    );
  });

  it('property: 1-byte chunks give the same events as one chunk', () => {
    fc.assert(
      fc.property(input, (b) => {
        expect(plain(chunked(b, Array.from({ length: b.length }, (_, i) => i)))).toEqual(plain(whole(b)));
      }),
      { numRuns: runs(200) },
    );
  });

  const shapes: Record<string, string> = {
    'tiny commands': cmd('SET', 'k', 'v'),
    'one huge bulk': `*1\r\n$262144\r\n${'v'.repeat(262_144)}\r\n`,
    'a line without a newline': 'x',
    'annotations': '#TS:1700000000\r\n',
  };
  for (const [name, unit] of Object.entries(shapes)) {
    it(`linear time by operation counter, ${name}: 1, 7, 256 and 65,536-byte chunks cost at most 3× one chunk (+ 1 per chunk)`, () => {
      const b = Buffer.from(unit.repeat(Math.max(1, Math.ceil(65_536 / unit.length))), 'latin1');
      const one: ReaderWork = { steps: 0 };
      const ref = plain(chunked(b, [], one));
      for (const size of [1, 7, 256, 65_536]) {
        const work: ReaderWork = { steps: 0 };
        const cuts = Array.from({ length: Math.ceil(b.length / size) }, (_, i) => i * size);
        expect(plain(chunked(b, cuts, work))).toEqual(ref);
        expect(work.steps).toBeLessThanOrEqual(3 * one.steps + cuts.length + 2);
      }
    });
  }
});
