// HyperLogLog (redis/redis src/hyperloglog.c, 7.0): the test cases of the server's own
// tests/unit/hyperloglog.tcl by name, bytes recorded from redis-server 7.0.15, MurmurHash64A
// against an independent bigint transcription, and what is propagated / counted dirty.
// Properties and the fuzz of corrupt strings are in hyperloglog-props.test.ts.
import { describe, expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { Keyspace } from '../src/index.js';
import { murmurHash64A } from '../src/murmur64a.js';
import { clocked } from './helpers.js';
import { sparseHll } from './hyperloglog-crafted.js';

/** A keyspace whose execute takes binary strings (one char per byte) as bytes. */
function hll(maxBytes?: number): { ks: Keyspace; r: (...argv: string[]) => unknown; get: (k: string) => string; log: { db: number; argv: string[] }[] } {
  const c = clocked(1_700_000_000_000, maxBytes === undefined ? {} : { thresholds: { hllSparseMaxBytes: maxBytes } });
  const run = (...argv: string[]): unknown => {
    const reply = c.ks.execute(argv.map((a) => Buffer.from(a, 'latin1')));
    if (reply.type === 'integer' || reply.type === 'simple' || reply.type === 'error') return reply.type === 'error' ? `-${reply.value}` : reply.value;
    if (reply.type === 'bulk') return Buffer.from(reply.value).toString('latin1');
    if (reply.type === 'array') return reply.value.length;
    return reply.type;
  };
  const get = (k: string): string => {
    const reply = c.ks.execute(['GET', k]);
    return reply.type === 'bulk' ? Buffer.from(reply.value).toString('hex') : reply.type;
  };
  return { ks: c.ks, r: run, get, log: c.log };
}

const rand = (p: Prng): string => String(p.float());

describe('hyperloglog.tcl (redis 7.0) test cases', () => {
  it('HyperLogLog self test passes', { timeout: 180_000 }, () => {
    expect(hll().r('PFSELFTEST')).toBe('OK');
  });

  it('PFADD without arguments creates an HLL value; Approximated cardinality after creation is zero', () => {
    const { r } = hll();
    expect(r('PFADD', 'hll')).toBe(1n);
    expect(r('EXISTS', 'hll')).toBe(1n);
    expect(r('PFCOUNT', 'hll')).toBe(0n);
  });

  it('PFADD returns 1 when at least 1 reg was modified; PFADD returns 0 when no reg was modified; PFADD works with empty string (regression)', () => {
    const { r } = hll();
    r('PFADD', 'hll');
    expect(r('PFADD', 'hll', 'a', 'b', 'c')).toBe(1n);
    expect(r('PFADD', 'hll', 'a', 'b', 'c')).toBe(0n);
    expect(r('PFADD', 'hll', '')).toBe(1n); // redis-server 7.0.15 answers 1 here too
  });

  it('PFCOUNT returns approximated cardinality of set', () => {
    const { r } = hll();
    r('PFADD', 'hll', '1', '2', '3', '4', '5');
    expect(r('PFCOUNT', 'hll')).toBe(5n);
    r('PFADD', 'hll', '6', '7', '8', '8', '9', '10');
    expect(r('PFCOUNT', 'hll')).toBe(10n);
  });

  it('HyperLogLogs are promote from sparse to dense', () => {
    const { r } = hll(3000);
    const p = new Prng(1);
    for (let n = 100; n <= 100_000; n += 100) {
      r('PFADD', 'hll', ...Array.from({ length: 100 }, () => rand(p)));
      const card = Number(r('PFCOUNT', 'hll'));
      expect(Math.abs(card - n)).toBeLessThan((card / 100) * 5);
      if (n < 1000) expect(r('PFDEBUG', 'ENCODING', 'hll')).toBe('sparse');
      else if (n > 10000) expect(r('PFDEBUG', 'ENCODING', 'hll')).toBe('dense');
    }
  });

  it('Change hll-sparse-max-bytes', () => {
    const { ks, r } = hll(3000);
    r('PFADD', 'hll', 'a', 'b', 'c', 'd', 'e', 'd', 'g', 'h', 'i', 'j', 'k');
    expect(r('PFDEBUG', 'ENCODING', 'hll')).toBe('sparse');
    ks.core.thresholds.hllSparseMaxBytes = 30; // CONFIG SET hll-sparse-max-bytes 30
    r('PFADD', 'hll', 'new_element');
    expect(r('PFDEBUG', 'ENCODING', 'hll')).toBe('dense');
  });

  it('Hyperloglog promote to dense well in different hll-sparse-max-bytes', () => {
    const p = new Prng(2);
    for (const max of [100, 500, 3000]) {
      const { r } = hll(max);
      r('PFADD', 'hll');
      let len = Number(r('STRLEN', 'hll'));
      while (len <= max) {
        expect(r('PFDEBUG', 'ENCODING', 'hll')).toBe('sparse');
        r('PFADD', 'hll', ...Array.from({ length: 10 }, () => rand(p)));
        len = Number(r('STRLEN', 'hll'));
      }
      expect(r('PFDEBUG', 'ENCODING', 'hll')).toBe('dense');
    }
  });

  it('HyperLogLog sparse encoding stress test', () => {
    const { r } = hll();
    const p = new Prng(3);
    for (let x = 0; x < 1000; x++) {
      r('DEL', 'hll1', 'hll2');
      const elements = Array.from({ length: p.int(0, 100) }, () => rand(p));
      r('PFADD', 'hll2');
      r('PFDEBUG', 'TODENSE', 'hll2');
      r('PFADD', 'hll1', ...elements);
      r('PFADD', 'hll2', ...elements);
      expect(r('PFDEBUG', 'ENCODING', 'hll1')).toBe('sparse');
      expect(r('PFDEBUG', 'ENCODING', 'hll2')).toBe('dense');
      expect(r('PFCOUNT', 'hll1')).toBe(r('PFCOUNT', 'hll2'));
    }
  });

  it('Corrupted sparse HyperLogLogs are detected: Additional at tail / Broken magic / Invalid encoding; Corrupted dense HyperLogLogs are detected: Wrong length', () => {
    const { r } = hll();
    const corrupt = (how: () => void): unknown => {
      r('DEL', 'hll');
      r('PFADD', 'hll', 'a', 'b', 'c');
      how();
      return r('PFCOUNT', 'hll');
    };
    expect(corrupt(() => r('APPEND', 'hll', 'hello'))).toBe('-INVALIDOBJ Corrupted HLL object detected');
    expect(corrupt(() => r('SETRANGE', 'hll', '0', '0123'))).toBe('-WRONGTYPE Key is not a valid HyperLogLog string value.');
    expect(corrupt(() => r('SETRANGE', 'hll', '4', 'x'))).toBe('-WRONGTYPE Key is not a valid HyperLogLog string value.');
    expect(corrupt(() => r('SETRANGE', 'hll', '4', '\0'))).toBe('-WRONGTYPE Key is not a valid HyperLogLog string value.');
  });

  it("Corrupted sparse HyperLogLogs doesn't cause overflow and out-of-bounds with XZERO opcode (CVE-2025-32023: fixed in the installed Debian 7.0.15, upstream 7.0.15 wraps an int here)", () => {
    const { r } = hll();
    const value = sparseHll(Array.from({ length: 131072 + 1000 }, () => ({ xzero: 16384 })), 0n) + '\xff';
    r('SET', 'hll', value);
    const t = performance.now();
    expect(r('PFCOUNT', 'hll', 'hll')).toBe('-INVALIDOBJ Corrupted HLL object detected');
    expect(r('PFDEBUG', 'GETREG', 'hll')).toBe('-INVALIDOBJ Corrupted HLL object detected');
    expect(r('PFMERGE', 'm', 'hll')).toBe('-INVALIDOBJ Corrupted HLL object detected');
    expect(r('PFADD', 'hll', 'x')).toBe('-INVALIDOBJ Corrupted HLL object detected'); // the split would pass 3000 bytes: promotion finds it corrupt
    expect(r('PFCOUNT', 'hll')).toBe(0n); // its cached cardinality (0, valid) is answered without reading the registers, as Redis does
    expect(r('PING')).toBe('PONG');
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('Fuzzing dense/sparse encoding: Redis should always detect errors', () => {
    const { r } = hll();
    const p = new Prng(4);
    for (let j = 0; j < 300; j++) {
      r('DEL', 'hll');
      r('PFADD', 'hll', ...Array.from({ length: p.int(0, 3000) }, () => rand(p)));
      for (let i = 0; i < 5; i++) {
        const len = Number(r('STRLEN', 'hll'));
        r('SETRANGE', 'hll', String(p.int(0, len)), String.fromCharCode(p.int(0, 256)));
        if (p.chance(0.5)) break;
      }
      const reply = r('PFCOUNT', 'hll');
      expect(typeof reply === 'bigint' || (typeof reply === 'string' && /^-(INVALIDOBJ|WRONGTYPE) /.test(reply))).toBe(true);
    }
  });

  it('PFADD, PFCOUNT, PFMERGE type checking works', () => {
    const { r } = hll();
    r('SET', 'foo{t}', 'bar');
    const wrong = '-WRONGTYPE Key is not a valid HyperLogLog string value.';
    expect(r('PFADD', 'foo{t}', '1')).toBe(wrong);
    expect(r('PFCOUNT', 'foo{t}')).toBe(wrong);
    expect(r('PFMERGE', 'bar{t}', 'foo{t}')).toBe(wrong);
    expect(r('PFMERGE', 'foo{t}', 'bar{t}')).toBe(wrong);
    r('RPUSH', 'l', 'x');
    expect(r('PFADD', 'l', 'x')).toBe('-WRONGTYPE Operation against a key holding the wrong kind of value');
  });

  it('PFMERGE results on the cardinality of union of sets', () => {
    const { r } = hll();
    r('PFADD', 'hll1{t}', 'a', 'b', 'c');
    r('PFADD', 'hll2{t}', 'b', 'c', 'd');
    r('PFADD', 'hll3{t}', 'c', 'd', 'e');
    r('PFMERGE', 'hll{t}', 'hll1{t}', 'hll2{t}', 'hll3{t}');
    expect(r('PFCOUNT', 'hll{t}')).toBe(5n);
  });

  it('PFMERGE on missing source keys will create an empty destkey; PFMERGE with one empty input key, create an empty destkey', () => {
    const { r } = hll();
    expect(r('PFMERGE', 'destkey{t}', 'sourcekey{t}')).toBe('OK');
    expect(r('EXISTS', 'destkey{t}')).toBe(1n);
    expect(r('PFCOUNT', 'destkey{t}')).toBe(0n);
    expect(r('PFMERGE', 'destkey2{t}', 'sourcekey{t}', 'sourcekey2{t}')).toBe('OK');
    expect(r('EXISTS', 'destkey2{t}')).toBe(1n);
    expect(r('PFMERGE', 'destkey')).toBe('OK');
    expect(r('PFCOUNT', 'destkey')).toBe(0n);
  });

  it('PFMERGE with one non-empty input key, dest key is actually one of the source keys', () => {
    const { r } = hll();
    expect(r('PFADD', 'destkey', 'a', 'b', 'c')).toBe(1n);
    expect(r('PFMERGE', 'destkey')).toBe('OK');
    expect(r('PFCOUNT', 'destkey')).toBe(3n);
  });

  it('PFCOUNT multiple-keys merge returns cardinality of union #1', () => {
    const { r } = hll();
    for (let x = 1; x < 10000; x++) {
      r('PFADD', 'hll1{t}', `foo-${x}`);
      r('PFADD', 'hll2{t}', `bar-${x}`);
      r('PFADD', 'hll3{t}', `zap-${x}`);
      if (x % 50 !== 0 && x > 100) continue; // the .tcl test counts after every round (10^4 merges); every 50th here
      const card = Number(r('PFCOUNT', 'hll1{t}', 'hll2{t}', 'hll3{t}'));
      expect(Math.abs(card - x * 3)).toBeLessThan((card / 100) * 5);
    }
  });

  it('PFCOUNT multiple-keys merge returns cardinality of union #2', () => {
    const { r } = hll();
    const p = new Prng(5);
    const elements = new Set<number>();
    for (let x = 1; x < 10000; x++) {
      for (let j = 1; j <= 3; j++) {
        const rint = p.int(0, 20000);
        r('PFADD', `hll${j}{t}`, String(rint));
        elements.add(rint);
      }
    }
    const card = Number(r('PFCOUNT', 'hll1{t}', 'hll2{t}', 'hll3{t}'));
    expect(Math.abs(card - elements.size)).toBeLessThan((card / 100) * 5);
  });

  it('PFDEBUG GETREG returns the HyperLogLog raw registers', () => {
    const { r } = hll();
    r('PFADD', 'hll', '1', '2', '3');
    expect(r('PFDEBUG', 'GETREG', 'hll')).toBe(16384);
  });

  it('PFADD / PFCOUNT cache invalidation works', () => {
    const { r } = hll();
    r('PFADD', 'hll', 'a', 'b', 'c');
    r('PFCOUNT', 'hll');
    expect(r('GETRANGE', 'hll', '15', '15')).toBe('\x00');
    r('PFADD', 'hll', 'a', 'b', 'c');
    expect(r('GETRANGE', 'hll', '15', '15')).toBe('\x00');
    r('PFADD', 'hll', '1', '2', '3');
    expect(r('GETRANGE', 'hll', '15', '15')).toBe('\x80');
  });
});

describe('HLL bytes as redis-server 7.0.15 leaves them (recorded)', () => {
  it('PFADD hll a b c, then PFCOUNT: the sparse string, then its cached cardinality 3 with the valid bit', () => {
    const { r, get } = hll();
    r('PFADD', 'hll', 'a', 'b', 'c');
    expect(get('hll')).toBe('48594c4c01000000000000000000008060f38050b1844bfb80425a');
    expect(r('PFDEBUG', 'DECODE', 'hll')).toBe('Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603');
    expect(r('PFCOUNT', 'hll')).toBe(3n);
    expect(get('hll')).toBe('48594c4c01000000030000000000000060f38050b1844bfb80425a');
    expect(r('OBJECT', 'ENCODING', 'hll')).toBe('raw');
  });

  it('an empty HLL is the header and XZERO:16384 (createHLLObject), 18 bytes', () => {
    const { r, get } = hll();
    r('PFADD', 'e');
    expect(get('e')).toBe('48594c4c0100000000000000000000807fff');
  });

  it('PFDEBUG TODENSE: 12304 bytes, dense encoding byte 0, the header copied; a second TODENSE answers 0', () => {
    const { r } = hll();
    r('PFADD', 'h', 'a');
    expect(r('PFDEBUG', 'TODENSE', 'h')).toBe(1n);
    expect(r('STRLEN', 'h')).toBe(12304n);
    expect(r('GETRANGE', 'h', '0', '15')).toBe('HYLL\0\0\0\0\0\0\0\0\0\0\0\x80');
    expect(r('PFDEBUG', 'TODENSE', 'h')).toBe(0n);
    expect(r('PFDEBUG', 'DECODE', 'h')).toBe('-ERR HLL encoding is not sparse');
    expect(r('PFCOUNT', 'h')).toBe(1n);
  });

  it('PFDEBUG errors: missing key, unknown subcommand (cut at NUL, CR/LF as spaces), wrong arity', () => {
    const { r } = hll();
    r('PFADD', 'h', 'a');
    expect(r('PFDEBUG', 'GETREG', 'nokey')).toBe('-ERR The specified key does not exist');
    expect(r('PFDEBUG', 'foo', 'h')).toBe("-ERR Unknown PFDEBUG subcommand 'foo'");
    expect(r('PFDEBUG', 'a\r\nb\0c', 'h')).toBe("-ERR Unknown PFDEBUG subcommand 'a  b'");
    expect(r('PFDEBUG', 'encoding\0x', 'h')).toBe('sparse');
    expect(r('PFDEBUG', 'GETREG')).toBe("-ERR wrong number of arguments for 'pfdebug' command");
    expect(r('PFSELFTEST', 'x')).toBe("-ERR wrong number of arguments for 'pfselftest' command");
  });

  it('a split of an XZERO cut after its first byte writes one byte past the new end, and later commands read it there (as redis-server 7.0.15 keeps it in memory)', () => {
    const { r, get } = hll();
    r('SET', 'tx', 'HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f'); // XZERO whose second byte is the terminator: 16129 registers
    expect(r('PFADD', 'tx', 'a')).toBe(1n);
    expect(r('PFDEBUG', 'DECODE', 'tx')).toBe('Z:12711 v:2,1 Z:3417'); // 3417: the byte past the end, 0x58
    expect(get('tx')).toBe('48594c4c01000000000000000000008071a6844d');
    expect(r('PFCOUNT', 'tx')).toBe('-INVALIDOBJ Corrupted HLL object detected');
    expect(r('PFADD', 'tx', 'b')).toBe(1n);
    expect(r('PFDEBUG', 'DECODE', 'tx')).toBe('Z:12711 v:2,1 Z:3068 v:1,1 Z:348');
    expect(r('STRLEN', 'tx')).toBe(23n);
  });

  it('a crafted dense HLL whose registers are all 63 counts as llroundl(inf) does on x86-64: LLONG_MIN', () => {
    const { r } = hll();
    const regs = Buffer.alloc(12288, 0xff).toString('latin1'); // every 6-bit register 63
    r('SET', 'd', `HYLL\0\0\0\0\0\0\0\0\0\0\0\x80${regs}`);
    expect(r('PFCOUNT', 'd')).toBe(-9223372036854775808n);
    expect(r('GETRANGE', 'd', '8', '15')).toBe('\0\0\0\0\0\0\0\x80'); // 2^63 cached: the top bit reads as "invalid"
  });
});

describe('MurmurHash64A', () => {
  // An independent transcription of the algorithm over bigints (64-bit arithmetic by masking).
  const M = 0xc6a4a7935bd1e995n;
  const MASK = (1n << 64n) - 1n;
  function reference(data: Uint8Array, seed: bigint): bigint {
    let h = (seed ^ (BigInt(data.length) * M)) & MASK;
    const blocks = data.length - (data.length % 8);
    for (let i = 0; i < blocks; i += 8) {
      let k = 0n;
      for (let j = 7; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j] ?? 0);
      k = (k * M) & MASK;
      k ^= k >> 47n;
      k = (k * M) & MASK;
      h = ((h ^ k) * M) & MASK;
    }
    const tail = data.length % 8;
    if (tail > 0) {
      for (let j = tail - 1; j >= 0; j--) h ^= BigInt(data[blocks + j] ?? 0) << BigInt(8 * j);
      h = (h * M) & MASK;
    }
    h ^= h >> 47n;
    h = (h * M) & MASK;
    return h ^ (h >> 47n);
  }

  it('agrees with a bigint transcription for lengths 0..40 and random seeds', () => {
    const p = new Prng(6);
    for (let n = 0; n < 3000; n++) {
      const data = Uint8Array.from({ length: n % 41 }, () => p.int(0, 256));
      const seed = p.nextU32();
      expect(murmurHash64A(data, data.length, seed), `len ${data.length} seed ${seed}`).toBe(reference(data, BigInt(seed)));
    }
  });
});

describe('propagation and dirty (server.c call(): a command is propagated when it changed dirty)', () => {
  it('PFADD propagates only when it changed a register (or created the key), and adds the registers changed to dirty', () => {
    const { ks, r, log } = hll();
    const d0 = ks.core.dirty;
    r('PFADD', 'h', 'a', 'b', 'c');
    expect(ks.core.dirty - d0).toBe(4); // the creation + 3 registers
    r('PFADD', 'h', 'a');
    expect(log.map((e) => e.argv.join(' '))).toEqual(['PFADD h a b c']);
  });

  it('PFCOUNT writes the cached cardinality and is propagated when it recomputed it, not when the cache was valid; several keys never', () => {
    const { r, log } = hll();
    r('PFADD', 'h', 'a');
    r('PFCOUNT', 'h');
    r('PFCOUNT', 'h');
    r('PFCOUNT', 'h', 'h');
    r('PFCOUNT', 'nokey');
    expect(log.map((e) => e.argv.join(' '))).toEqual(['PFADD h a', 'PFCOUNT h']);
  });

  it('PFMERGE is always propagated; PFDEBUG TODENSE / GETREG only when they converted', () => {
    const { r, log } = hll();
    r('PFMERGE', 'm');
    r('PFMERGE', 'm', 'm');
    r('PFDEBUG', 'ENCODING', 'm');
    r('PFDEBUG', 'TODENSE', 'm');
    r('PFDEBUG', 'TODENSE', 'm');
    r('PFADD', 's', 'x');
    r('PFDEBUG', 'GETREG', 's');
    r('PFDEBUG', 'GETREG', 's');
    expect(log.map((e) => e.argv.join(' '))).toEqual(['PFMERGE m', 'PFMERGE m m', 'PFDEBUG TODENSE m', 'PFADD s x', 'PFDEBUG GETREG s']);
  });

  it('a PFADD that meets a corrupt sparse string answers INVALIDOBJ and propagates nothing', () => {
    const { r, log } = hll();
    r('SET', 'c', sparseHll([{ xzero: 100 }]));
    log.length = 0;
    expect(r('PFADD', 'c', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')).toBe('-INVALIDOBJ Corrupted HLL object detected');
    expect(log).toEqual([]);
  });

  it('the TTL survives PFADD, PFCOUNT and the promotion to dense', () => {
    const { r } = hll(30);
    r('PFADD', 'h', 'a');
    r('EXPIRE', 'h', '1000');
    r('PFADD', 'h', 'b', 'c', 'd', 'e', 'f', 'g');
    r('PFCOUNT', 'h');
    expect(r('PFDEBUG', 'ENCODING', 'h')).toBe('dense');
    expect(r('TTL', 'h')).toBe(1000n);
  });
});
