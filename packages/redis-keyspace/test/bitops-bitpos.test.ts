// Example tests pinned to tests/unit/bitops.tcl (redis/redis) by name: the BITPOS cases, "SETBIT/
// BITFIELD only increase dirty when the value changed" and the fuzzers that drive BITPOS/BITCOUNT
// with SETBIT. Where 7.0.15 answers differently from the later suite the test name says so
// (bitops.peer.test.ts replays those cases on redis-server 7.0.15).
import { describe, expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { bin } from './bitops-model.js';

describe('tests/unit/bitops.tcl (BITPOS, dirty, fuzzing with SETBIT)', () => {
  it('BITPOS against wrong type', () => {
    const { r } = bin();
    r('LPUSH', 'mylist', 'a', 'b', 'c');
    expect(r('BITPOS', 'mylist', '0')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
    expect(r('BITPOS', 'mylist', '1', '10', '100')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('BITPOS will illegal arguments (7.0.15: a missing key answers before its range is read)', () => {
    const { r } = bin();
    expect(r('BITPOS', 's', '0', '1', 'hello', 'hello2')).toBe(':0');
    expect(r('BITPOS', 's', '1', '0', '1', 'hello')).toBe(':-1');
    r('SET', 's', '1');
    expect(r('BITPOS', 's', '0', '1', 'hello', 'hello2')).toBe('-ERR syntax error');
    expect(r('BITPOS', 's', '0', '0', '1', 'hello')).toBe('-ERR syntax error');
  });

  it('BITPOS against non-integer value (7.0.15: the bit is read first, then a missing key or a wrong type answers)', () => {
    const { r } = bin();
    const notInt = '-ERR value is not an integer or out of range';
    r('SET', 's', '1');
    expect(r('BITPOS', 's', 'a')).toBe(notInt);
    expect(r('BITPOS', 's', '0', 'a', 'b')).toBe(notInt);
    r('DEL', 's');
    expect(r('BITPOS', 's', 'b')).toBe(notInt);
    expect(r('BITPOS', 's', '0', 'a', 'b')).toBe(':0');
    r('LPUSH', 's', 'a', 'b', 'c');
    expect(r('BITPOS', 's', 'a')).toBe(notInt);
    expect(r('BITPOS', 's', '1', 'a', 'b')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('BITPOS bit=0 with empty key returns 0 / BITPOS bit=1 with empty key returns -1', () => {
    const { r } = bin();
    expect(r('BITPOS', 'str', '0')).toBe(':0');
    expect(r('BITPOS', 'str', '0', '0', '-1', 'bit')).toBe(':0');
    expect(r('BITPOS', 'str', '1')).toBe(':-1');
    expect(r('BITPOS', 'str', '1', '0', '-1')).toBe(':-1');
  });

  it('BITPOS bit=0 / bit=1 with string less than 1 word works, and starting at unaligned address', () => {
    const { r } = bin();
    r('SET', 'str', '\xff\xf0\x00');
    expect([r('BITPOS', 'str', '0'), r('BITPOS', 'str', '0', '0', '-1', 'bit')]).toEqual([':12', ':12']);
    expect([r('BITPOS', 'str', '0', '1'), r('BITPOS', 'str', '0', '1', '-1', 'bit')]).toEqual([':12', ':12']);
    r('SET', 'str', '\x00\x0f\x00');
    expect([r('BITPOS', 'str', '1'), r('BITPOS', 'str', '1', '0', '-1', 'bit')]).toEqual([':12', ':12']);
    r('SET', 'str', '\x00\x0f\xff');
    expect([r('BITPOS', 'str', '1', '1'), r('BITPOS', 'str', '1', '1', '-1', 'bit')]).toEqual([':12', ':12']);
  });

  for (const bit of [0, 1]) {
    it(`BITPOS bit=${bit} unaligned+full word+reminder`, () => {
      const { r } = bin();
      const fill = bit === 0 ? '\xff' : '\x00';
      r('SET', 'str', fill.repeat(3));
      for (let i = 0; i < 3; i++) r('APPEND', 'str', fill.repeat(8));
      r('APPEND', 'str', bit === 0 ? '\x0f' : '\xf0');
      for (let s = 0; s <= 8; s++) expect(r('BITPOS', 'str', String(bit), String(s))).toBe(':216');
      for (let s = 1; s <= 65; s += 8) expect(r('BITPOS', 'str', String(bit), String(s), '-1', 'bit')).toBe(':216');
    });
  }

  it('BITPOS bit=1 returns -1 if string is all 0 bits', () => {
    const { r } = bin();
    r('SET', 'str', '');
    for (let j = 0; j < 20; j++) {
      expect(r('BITPOS', 'str', '1')).toBe(':-1');
      expect(r('BITPOS', 'str', '1', '0', '-1', 'bit')).toBe(':-1');
      r('APPEND', 'str', '\x00');
    }
  });

  it('BITPOS bit=0 works with intervals', () => {
    const { r } = bin();
    r('SET', 'str', '\x00\xff\x00');
    const q = (...a: string[]): string => r('BITPOS', 'str', '0', ...a);
    expect([q('0', '-1'), q('1', '-1'), q('2', '-1'), q('2', '200'), q('1', '1')]).toEqual([':0', ':16', ':16', ':16', ':-1']);
    expect([q('0', '-1', 'bit'), q('8', '-1', 'bit'), q('16', '-1', 'bit'), q('16', '200', 'bit'), q('8', '8', 'bit')]).toEqual([':0', ':16', ':16', ':16', ':-1']);
  });

  it('BITPOS bit=1 works with intervals', () => {
    const { r } = bin();
    r('SET', 'str', '\x00\xff\x00');
    const q = (...a: string[]): string => r('BITPOS', 'str', '1', ...a);
    expect([q('0', '-1'), q('1', '-1'), q('2', '-1'), q('2', '200'), q('1', '1')]).toEqual([':8', ':8', ':-1', ':-1', ':8']);
    expect([q('0', '-1', 'bit'), q('8', '-1', 'bit'), q('16', '-1', 'bit'), q('16', '200', 'bit'), q('8', '8', 'bit')]).toEqual([':8', ':8', ':-1', ':-1', ':8']);
  });

  it('BITPOS bit=0 changes behavior if end is given', () => {
    const { r } = bin();
    r('SET', 'str', '\xff\xff\xff');
    expect(r('BITPOS', 'str', '0')).toBe(':24');
    expect(r('BITPOS', 'str', '0', '0')).toBe(':24');
    expect(r('BITPOS', 'str', '0', '0', '-1')).toBe(':-1');
    expect(r('BITPOS', 'str', '0', '0', '-1', 'bit')).toBe(':-1');
  });

  it('SETBIT/BITFIELD only increase dirty when the value changed', () => {
    const { r, ks } = bin();
    const d0 = ks.dirty;
    r('SETBIT', 'foo', '0', '0');
    r('BITFIELD', 'foo2', 'set', 'i5', '0', '0');
    expect(ks.dirty).toBe(d0 + 2); // a new key always counts
    r('SETBIT', 'foo', '0', '0');
    r('BITFIELD', 'foo2', 'set', 'i5', '0', '0');
    expect(ks.dirty).toBe(d0 + 2); // no change
    for (const v of ['1', '1', '0', '0']) {
      r('SETBIT', 'foo', '0', v);
      r('BITFIELD', 'foo2', 'set', 'i5', '0', v);
    }
    expect(ks.dirty).toBe(d0 + 6); // two changes each
    r('BITFIELD', 'foo3', 'incrby', 'i5', '0', '1');
    r('BITFIELD', 'foo3', 'incrby', 'i5', '0', '1');
    expect(ks.dirty).toBe(d0 + 8);
    r('SETBIT', 'foo', '90', '0'); // the length changes only
    r('BITFIELD', 'foo2', 'set', 'i5', '90', '0');
    expect(ks.dirty).toBe(d0 + 10);
  });

  it('BITPOS bit=1 fuzzy testing using SETBIT / BITPOS bit=0 fuzzy testing using SETBIT', () => {
    const { r } = bin();
    const p = new Prng('bitpos-fuzz');
    const max = 524288;
    let first = -1;
    for (let j = 0; j < 1000; j++) {
      expect(r('BITPOS', 'str', '1')).toBe(`:${first}`);
      expect(r('BITPOS', 'str', '1', '0', '-1', 'bit')).toBe(`:${first}`);
      const pos = p.int(0, max);
      r('SETBIT', 'str', String(pos), '1');
      if (first === -1 || first > pos) first = pos;
    }
    r('SET', 'str', '\xff'.repeat(max / 8));
    let firstZero = max;
    for (let j = 0; j < 1000; j++) {
      expect(r('BITPOS', 'str', '0')).toBe(`:${firstZero}`);
      expect(r('BITPOS', 'str', '0', '0', '-1', 'bit')).toBe(`:${firstZero === max ? -1 : firstZero}`);
      const pos = p.int(0, max);
      r('SETBIT', 'str', String(pos), '0');
      if (firstZero > pos) firstZero = pos;
    }
  });

  it('BITPOS/BITCOUNT fuzzy testing using SETBIT', () => {
    const { r } = bin();
    const p = new Prng('bitpos-bitcount');
    const max = 80;
    r('SETBIT', 'str', String(max - 1), '0');
    const bytes = max >> 3;
    const testOne = (s1: number, e1: number, s2: number, e2: number, pos: number, bit: number, type: string): void => {
      let start = p.int(s1, e1 + 1), end = p.int(s2, e2 + 1);
      if (start > end) [start, end] = [end, start];
      const startbit = type === 'byte' ? start << 3 : start;
      const endbit = type === 'byte' ? (end << 3) + 7 : end;
      const inrange = pos >= startbit && pos <= endbit ? 1 : 0;
      const count = (endbit - startbit + 1) * (1 - bit) + inrange * (bit ? 1 : -1);
      expect(r('BITPOS', 'str', String(bit), String(start), String(end), type)).toBe(`:${inrange ? pos : -1}`);
      expect(r('BITCOUNT', 'str', String(start), String(end), type)).toBe(`:${count}`);
    };
    for (let bit = 0; bit < 2; bit++) {
      r('BITOP', 'not', 'str', 'str');
      for (let j = 0; j < max; j++) {
        r('SETBIT', 'str', String(j), String(bit));
        for (const [curr, end, type] of [[j >> 3, bytes, 'byte'], [j, max, 'bit']] as const) {
          testOne(curr, curr, curr, curr, j, bit, type);
          if (curr > 0) testOne(0, curr - 1, 0, curr - 1, j, bit, type);
          if (curr < end - 1) testOne(curr + 1, end - 1, curr + 1, end - 1, j, bit, type);
          if (curr > 0 && curr < end - 1) testOne(0, curr - 1, curr + 1, end - 1, j, bit, type);
        }
        r('SETBIT', 'str', String(j), String(1 - bit));
      }
    }
  });
});
