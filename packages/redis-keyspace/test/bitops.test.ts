// Example tests pinned to Redis's own suite by name: tests/unit/bitops.tcl (redis/redis), the
// BITCOUNT and BITOP cases (BITPOS and the SETBIT fuzzers: bitops-bitpos.test.ts; bitfield.tcl:
// bitops-bitfield.test.ts). Expected values are the suite's own, or — where 7.0.15 answers
// differently from the later suite — what redis-server 7.0.15 answers, said in the test name
// (bitops.peer.test.ts replays those cases on the real server). The fuzzing tests compare with
// the naive model of bitops-model.ts, as the Tcl suite compares with its count_bits procs.
import { describe, expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { bin, countBits, countBitsStartEnd, randstring, simulateBitOp } from './bitops-model.js';

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

});
