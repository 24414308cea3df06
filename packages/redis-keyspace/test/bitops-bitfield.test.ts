// Example tests pinned to tests/unit/bitfield.tcl (redis/redis) by name, with the suite's expected
// replies; its two fuzzers compare with exact bigint arithmetic, as the Tcl suite does with Tcl's.
import { describe, expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { bin } from './bitops-model.js';

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
