// Example tests pinned to Redis's own suites by name: tests/unit/bitops.tcl and
// tests/unit/bitfield.tcl (redis/redis). Expected values are the suites' own (or, where 7.0.15
// answers differently from the later suite, what redis-server 7.0.15 answers — noted in the test
// name; bitops.peer.test.ts replays those cases on the real server). The fuzzing tests compare with
// a naive bit-string model written here, as the Tcl suite compares with its count_bits /
// simulate_bit_op procs.
import { describe, expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { clocked, show } from './helpers.js';

/** A keyspace whose arguments are given as binary strings (one char per byte, like the Tcl suite's "\xaa"). */
function bin(): ReturnType<typeof clocked> & { r: (...argv: string[]) => string } {
  const h = clocked();
  return { ...h, r: (...argv) => show(h.ks.execute(argv.map((a) => Buffer.from(a, 'latin1')))) };
}

/** count_bits: the number of 1 bits of a binary string. */
function countBits(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) for (let b = s.charCodeAt(i); b !== 0; b >>= 1) n += b & 1;
  return n;
}
/** count_bits_start_end: 1 bits among bits start..end (bit 0 = MSB of byte 0). */
function countBitsStartEnd(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i <= end && i < s.length * 8; i++) n += (s.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1;
  return n;
}
/** simulate_bit_op for and/or/xor/not over zero-padded sources. */
function simulateBitOp(op: string, ...srcs: string[]): string {
  const maxlen = Math.max(...srcs.map((s) => s.length));
  let out = '';
  for (let i = 0; i < maxlen; i++) {
    let b = i < (srcs[0] ?? '').length ? (srcs[0] ?? '').charCodeAt(i) : 0;
    if (op === 'not') b = ~b & 0xff;
    for (const s of srcs.slice(1)) {
      const c = i < s.length ? s.charCodeAt(i) : 0;
      b = op === 'and' ? b & c : op === 'or' ? b | c : b ^ c;
    }
    out += String.fromCharCode(b);
  }
  return out;
}
function randstring(r: Prng, min: number, max: number): string {
  const n = r.int(min, max + 1);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(r.int(0, 256));
  return s;
}

describe('tests/unit/bitops.tcl', () => {
  it('BITCOUNT against wrong type', () => {
    const { r } = bin();
    r('LPUSH', 'mylist', 'a', 'b', 'c');
    for (const args of [[], ['0', '100'], ['-6', '-7'], ['-6', '-15', 'bit']]) {
      expect(r('BITCOUNT', 'mylist', ...args)).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
    }
  });

  it('BITCOUNT returns 0 against non existing key', () => {
    const { r } = bin();
    expect(r('BITCOUNT', 'no-key')).toBe(':0');
    expect(r('BITCOUNT', 'no-key', '0', '1000', 'bit')).toBe(':0');
  });

  it('BITCOUNT returns 0 with out of range indexes', () => {
    const { r } = bin();
    r('SET', 'str', 'xxxx');
    expect(r('BITCOUNT', 'str', '4', '10')).toBe(':0');
    expect(r('BITCOUNT', 'str', '32', '87', 'bit')).toBe(':0');
  });

  it('BITCOUNT returns 0 with negative indexes where start > end', () => {
    const { r } = bin();
    r('SET', 'str', 'xxxx');
    expect(r('BITCOUNT', 'str', '-6', '-7')).toBe(':0');
    expect(r('BITCOUNT', 'str', '-6', '-15', 'bit')).toBe(':0');
    r('DEL', 'str');
    expect(r('BITCOUNT', 'str', '-6', '-7')).toBe(':0');
    expect(r('BITCOUNT', 'str', '-6', '-15', 'bit')).toBe(':0');
  });

  ['', '\xaa', '\x00\x00\xff', 'foobar', '123'].forEach((vec, i) => {
    it(`BITCOUNT against test vector #${i + 1}`, () => {
      const { r } = bin();
      r('SET', 'str', vec);
      const want = [0, 4, 8, 26, 10][i];
      expect(countBits(vec)).toBe(want);
      expect(r('BITCOUNT', 'str')).toBe(`:${want}`);
      expect(r('BITCOUNT', 'str', '0', '-1', 'bit')).toBe(`:${want}`);
    });
  });

  it('BITCOUNT fuzzing without start/end', () => {
    const { r } = bin();
    const p = new Prng(582);
    for (let j = 0; j < 100; j++) {
      const str = randstring(p, 0, 3000);
      r('SET', 'str', str);
      expect(r('BITCOUNT', 'str')).toBe(`:${countBits(str)}`);
      expect(r('BITCOUNT', 'str', '0', '-1', 'bit')).toBe(`:${countBits(str)}`);
    }
  });

  it('BITCOUNT fuzzing with start/end', () => {
    const { r } = bin();
    const p = new Prng(529);
    for (let j = 0; j < 200; j++) {
      const str = randstring(p, 1, 3000);
      r('SET', 'str', str);
      const bits = j >= 100;
      const l = bits ? str.length * 8 : str.length;
      let start = p.int(0, l), end = p.int(0, l);
      if (start > end) [start, end] = [end, start];
      const want = bits ? countBitsStartEnd(str, start, end) : countBits(str.slice(start, end + 1));
      expect(r('BITCOUNT', 'str', String(start), String(end), ...(bits ? ['bit'] : []))).toBe(`:${want}`);
    }
  });

  it('BITCOUNT with start, end', () => {
    const { r } = bin();
    r('SET', 's', 'foobar');
    expect(r('BITCOUNT', 's', '0', '-1')).toBe(':26');
    expect(r('BITCOUNT', 's', '1', '-2')).toBe(`:${countBits('ooba')}`);
    expect(r('BITCOUNT', 's', '-2', '1')).toBe(':0');
    expect(r('BITCOUNT', 's', '0', '1000')).toBe(':26');
    expect(r('BITCOUNT', 's', '0', '-1', 'bit')).toBe(':26');
    expect(r('BITCOUNT', 's', '10', '14', 'bit')).toBe(`:${countBitsStartEnd('foobar', 10, 14)}`);
    expect(r('BITCOUNT', 's', '3', '14', 'bit')).toBe(`:${countBitsStartEnd('foobar', 3, 14)}`);
    expect(r('BITCOUNT', 's', '3', '29', 'bit')).toBe(`:${countBitsStartEnd('foobar', 3, 29)}`);
    expect(r('BITCOUNT', 's', '10', '-34', 'bit')).toBe(`:${countBitsStartEnd('foobar', 10, 14)}`);
    expect(r('BITCOUNT', 's', '3', '-34', 'bit')).toBe(`:${countBitsStartEnd('foobar', 3, 14)}`);
    expect(r('BITCOUNT', 's', '3', '-19', 'bit')).toBe(`:${countBitsStartEnd('foobar', 3, 29)}`);
    expect(r('BITCOUNT', 's', '-2', '1', 'bit')).toBe(':0');
    expect(r('BITCOUNT', 's', '0', '1000', 'bit')).toBe(':26');
  });

  it('BITCOUNT with illegal arguments (7.0.15: a missing key answers 0 before its arguments are read)', () => {
    const { r } = bin();
    expect(r('BITCOUNT', 's', '0')).toBe(':0');
    expect(r('BITCOUNT', 's', '0', '1', 'hello')).toBe(':0');
    r('SET', 's', '1');
    expect(r('BITCOUNT', 's', '0')).toBe('-ERR syntax error');
    expect(r('BITCOUNT', 's', '0', '1', 'hello')).toBe('-ERR syntax error');
    expect(r('BITCOUNT', 's', '0', '1', 'hello', 'hello2')).toBe('-ERR syntax error');
    // 7.0 answers an inverted negative range before it reads the unit argument
    expect(r('BITCOUNT', 's', '-2', '-100', 'hello')).toBe(':0');
    expect(r('BITCOUNT', 's', '-100', '-2', 'hello')).toBe('-ERR syntax error');
  });

  it('BITCOUNT against non-integer value (7.0.15: a missing key answers 0, a list WRONGTYPE, first)', () => {
    const { r } = bin();
    r('SET', 's', '1');
    expect(r('BITCOUNT', 's', 'a', 'b')).toBe('-ERR value is not an integer or out of range');
    r('DEL', 's');
    expect(r('BITCOUNT', 's', 'a', 'b')).toBe(':0');
    r('LPUSH', 's', 'a', 'b', 'c');
    expect(r('BITCOUNT', 's', 'a', 'b')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('BITCOUNT regression test for github issue #582', () => {
    const { r } = bin();
    r('SETBIT', 'foo', '0', '1');
    expect(r('BITCOUNT', 'foo', '0', '4294967296')).toBe(':1');
  });

  it('BITCOUNT misaligned prefix', () => {
    const { r } = bin();
    r('SET', 'str', 'ab');
    expect(r('BITCOUNT', 'str', '1', '-1')).toBe(':3');
  });

  it('BITCOUNT misaligned prefix + full words + remainder', () => {
    const { r } = bin();
    r('SET', 'str', '__PPxxxxxxxxxxxxxxxxRR__');
    expect(r('BITCOUNT', 'str', '2', '-3')).toBe(':74');
  });

  it('BITOP NOT (empty string)', () => {
    const { r } = bin();
    r('SET', 's', '');
    expect(r('BITOP', 'NOT', 'dest', 's')).toBe(':0');
    expect(r('GET', 'dest')).toBe('(nil)');
  });

  it('BITOP NOT (known string)', () => {
    const { r } = bin();
    r('SET', 's', '\xaa\x00\xff\x55');
    r('BITOP', 'NOT', 'dest', 's');
    expect(r('GET', 'dest')).toBe('$\x55\xff\x00\xaa');
  });

  it('BITOP NOT with multiple source keys', () => {
    const { r } = bin();
    r('SET', 's', '\xaa\x00\xff\x55');
    expect(r('BITOP', 'NOT', 'dest', 's', 's')).toBe('-ERR BITOP NOT must be called with a single source key.');
  });

  it('BITOP where dest and target are the same key', () => {
    const { r } = bin();
    r('SET', 's', '\xaa\x00\xff\x55');
    r('BITOP', 'NOT', 's', 's');
    expect(r('GET', 's')).toBe('$\x55\xff\x00\xaa');
  });

  it("BITOP AND|OR|XOR don't change the string with single input key", () => {
    const { r } = bin();
    r('SET', 'a', '\x01\x02\xff');
    for (const op of ['and', 'or', 'xor']) {
      r('BITOP', op, `res-${op}`, 'a');
      expect(r('GET', `res-${op}`)).toBe('$\x01\x02\xff');
    }
  });

  it('BITOP missing key is considered a stream of zero', () => {
    const { r } = bin();
    r('SET', 'a', '\x01\x02\xff');
    r('BITOP', 'and', 'res1', 'no-such-key', 'a');
    r('BITOP', 'or', 'res2', 'no-such-key', 'a', 'no-such-key');
    r('BITOP', 'xor', 'res3', 'no-such-key', 'a');
    expect([r('GET', 'res1'), r('GET', 'res2'), r('GET', 'res3')]).toEqual(['$\x00\x00\x00', '$\x01\x02\xff', '$\x01\x02\xff']);
  });

  it('BITOP shorter keys are zero-padded to the key with max length', () => {
    const { r } = bin();
    r('SET', 'a', '\x01\x02\xff\xff');
    r('SET', 'b', '\x01\x02\xff');
    r('BITOP', 'and', 'res1', 'a', 'b');
    r('BITOP', 'or', 'res2', 'a', 'b');
    r('BITOP', 'xor', 'res3', 'a', 'b');
    expect([r('GET', 'res1'), r('GET', 'res2'), r('GET', 'res3')]).toEqual(['$\x01\x02\xff\x00', '$\x01\x02\xff\xff', '$\x00\x00\x00\xff']);
  });

  for (const op of ['and', 'or', 'xor']) {
    it(`BITOP ${op} fuzzing`, () => {
      const { r } = bin();
      const p = new Prng(`bitop-${op}`);
      for (let i = 0; i < 10; i++) {
        r('FLUSHALL');
        const vec: string[] = [];
        const keys: string[] = [];
        const numvec = p.int(0, 10) + 1;
        for (let j = 0; j < numvec; j++) {
          const str = randstring(p, 0, 1000);
          vec.push(str);
          keys.push(`vector_${j}`);
          r('SET', `vector_${j}`, str);
        }
        r('BITOP', op, 'target', ...keys);
        const want = simulateBitOp(op, ...vec);
        expect(r('GET', 'target')).toBe(want === '' ? '(nil)' : `$${want}`);
      }
    });
  }

  it('BITOP NOT fuzzing', () => {
    const { r } = bin();
    const p = new Prng('bitop-not');
    for (let i = 0; i < 10; i++) {
      r('FLUSHALL');
      const str = randstring(p, 0, 1000);
      r('SET', 'str', str);
      r('BITOP', 'not', 'target', 'str');
      const want = simulateBitOp('not', str);
      expect(r('GET', 'target')).toBe(want === '' ? '(nil)' : `$${want}`);
    }
  });

  it('BITOP with integer encoded source objects', () => {
    const { r } = bin();
    r('SET', 'a', '1');
    r('SET', 'b', '2');
    r('BITOP', 'xor', 'dest', 'a', 'b', 'a');
    expect(r('GET', 'dest')).toBe('$2');
  });

  it('BITOP with non string source key', () => {
    const { r } = bin();
    r('SET', 'a', '1');
    r('SET', 'b', '2');
    r('LPUSH', 'c', 'foo');
    expect(r('BITOP', 'xor', 'dest', 'a', 'b', 'c', 'd')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('BITOP with empty string after non empty string (issue #529)', () => {
    const { r } = bin();
    r('SET', 'a', '\x00'.repeat(32));
    expect(r('BITOP', 'or', 'x', 'a', 'b')).toBe(':32');
  });

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

describe('tests/unit/bitfield.tcl', () => {
  it('BITFIELD signed SET and GET basics', () => {
    const { r } = bin();
    expect([r('BITFIELD', 'bits', 'set', 'i8', '0', '-100'), r('BITFIELD', 'bits', 'set', 'i8', '0', '101'), r('BITFIELD', 'bits', 'get', 'i8', '0')]).toEqual(['[:0]', '[:-100]', '[:101]']);
  });

  it('BITFIELD unsigned SET and GET basics', () => {
    const { r } = bin();
    expect([r('BITFIELD', 'bits', 'set', 'u8', '0', '255'), r('BITFIELD', 'bits', 'set', 'u8', '0', '100'), r('BITFIELD', 'bits', 'get', 'u8', '0')]).toEqual(['[:0]', '[:255]', '[:100]']);
  });

  it('BITFIELD #<idx> form', () => {
    const { r } = bin();
    r('BITFIELD', 'bits', 'set', 'u8', '#0', '65');
    r('BITFIELD', 'bits', 'set', 'u8', '#1', '66');
    r('BITFIELD', 'bits', 'set', 'u8', '#2', '67');
    expect(r('GET', 'bits')).toBe('$ABC');
  });

  it('BITFIELD basic INCRBY form / BITFIELD chaining of multiple commands', () => {
    const { r } = bin();
    r('BITFIELD', 'bits', 'set', 'u8', '#0', '10');
    expect([r('BITFIELD', 'bits', 'incrby', 'u8', '#0', '100'), r('BITFIELD', 'bits', 'incrby', 'u8', '#0', '100')]).toEqual(['[:110]', '[:210]']);
    r('BITFIELD', 'bits', 'set', 'u8', '#0', '10');
    expect(r('BITFIELD', 'bits', 'incrby', 'u8', '#0', '100', 'incrby', 'u8', '#0', '100')).toBe('[:110, :210]');
  });

  it('BITFIELD unsigned overflow wrap / sat, signed overflow wrap / sat', () => {
    const { r } = bin();
    const seq = (type: string, mode: string, a: string, b: string): string[] => {
      r('BITFIELD', 'bits', 'set', type === 'i8s' ? 'u8' : type.slice(0, 2), '#0', '100');
      const t = type.slice(0, 2);
      return [r('BITFIELD', 'bits', 'overflow', mode, 'incrby', t, '#0', a), r('BITFIELD', 'bits', 'get', t, '#0'), r('BITFIELD', 'bits', 'overflow', mode, 'incrby', t, '#0', b), r('BITFIELD', 'bits', 'get', t, '#0')];
    };
    expect(seq('u8', 'wrap', '257', '255')).toEqual(['[:101]', '[:101]', '[:100]', '[:100]']);
    expect(seq('u8', 'sat', '257', '-255')).toEqual(['[:255]', '[:255]', '[:0]', '[:0]']);
    expect(seq('i8', 'wrap', '257', '255')).toEqual(['[:101]', '[:101]', '[:100]', '[:100]']);
    expect(seq('i8s', 'sat', '257', '-255')).toEqual(['[:127]', '[:127]', '[:-128]', '[:-128]']);
  });

  it('BITFIELD overflow detection fuzzing / BITFIELD overflow wrap fuzzing', () => {
    const { r } = bin();
    const p = new Prng('bitfield-overflow');
    const clamp = (v: bigint): bigint => (v > 9223372036854775807n ? 9223372036854775807n : v < -9223372036854775808n ? -9223372036854775808n : v);
    for (let j = 0; j < 1000; j++) {
      const bits = p.int(1, 65);
      const sign = bits === 64 ? 1 : p.int(0, 2);
      const range = 1n << BigInt(bits);
      const min = sign ? -(range / 2n) : 0n;
      const max = min + range - 1n;
      const type = `${sign ? 'i' : 'u'}${bits}`;
      const rand2 = (): bigint => clamp(min * 2n + BigInt.asUintN(bits + 1, BigInt(p.int(0, 2 ** 30)) * BigInt(p.int(0, 2 ** 30)) * BigInt(p.int(0, 2 ** 30))));
      const value = rand2();
      const incr = rand2();
      const overflow = value > max || value < min || value + incr > max || value + incr < min;
      r('DEL', 'bits');
      const res1 = r('BITFIELD', 'bits', 'overflow', 'fail', 'set', type, '0', String(value));
      const res2 = r('BITFIELD', 'bits', 'overflow', 'fail', 'incrby', type, '0', String(incr));
      if (overflow) expect(res1 === '[(nil)]' || res2 === '[(nil)]', `${type} ${value}+${incr}`).toBe(true);
      else expect([res1, res2], `${type} ${value}+${incr}`).toEqual(['[:0]', `[:${value + incr}]`]);
      // wrap: (value + incr) modulo 2^bits, into [min, max]
      r('DEL', 'bits');
      r('BITFIELD', 'bits', 'overflow', 'wrap', 'set', type, '0', String(value));
      r('BITFIELD', 'bits', 'overflow', 'wrap', 'incrby', type, '0', String(incr));
      let want = (((value + incr - min) % range) + range) % range + min;
      if (want > max) want -= range;
      expect(r('BITFIELD', 'bits', 'get', type, '0'), `WRAP ${type} ${value}+${incr}`).toBe(`[:${want}]`);
    }
  });

  it('BITFIELD regression for #3221', () => {
    const { r } = bin();
    r('SET', 'bits', '1');
    expect(r('BITFIELD', 'bits', 'get', 'u1', '0')).toBe('[:0]');
  });

  it('BITFIELD regression for #3564', () => {
    const { r } = bin();
    for (let j = 0; j < 10; j++) {
      r('DEL', 'mystring');
      expect(r('BITFIELD', 'mystring', 'SET', 'i8', '0', '10', 'SET', 'i8', '64', '10', 'INCRBY', 'i8', '10', '99900')).toBe('[:0, :0, :60]');
    }
  });
});
