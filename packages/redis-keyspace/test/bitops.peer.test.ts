// The bitmap commands (bitops.c) on hand-picked hard cases, run on redis-server 7.0.15 and on the
// keyspace: every reply byte for byte (RESP2), the change in server.dirty each command made
// (INFO persistence rdb_changes_since_last_save on the real server: it says whether a command was
// propagated, and BITFIELD's count of changes), and OBJECT ENCODING of the key after each write.
// Then seeded random sequences from differential-gen-bitops.ts, compared the same way.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePeer } from '@protolab/testkit';
import { encode, type RespValue } from '@protolab/resp';
import { Prng } from '@protolab/sim';
import { Keyspace } from '../src/index.js';
import { bytesOf, startRealServer, type RealServer } from './real-server.js';
import { BITOPS_GENERATORS } from './differential-gen-bitops.js';

/** Random sequences to run (BITOPS_SEEDS=200 for a longer search). */
const SEEDS = Number(process.env['BITOPS_SEEDS'] ?? 20);
const text = (v: RespValue): string => Buffer.from(encode(v)).toString('latin1');
const w = (line: string): string[] => line.split(' ').map((a) => (a === '""' ? '' : a.replace(/\\0/g, '\0').replace(/\\x([0-9a-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))));

/** Commands written as space-separated words; `""` is the empty string, `\0` a NUL, `\xHH` a byte. */
const CASES: readonly string[] = [
  // SETBIT / GETBIT: creation, growth, encodings, the 512 MB limit, bad values, wrong type
  'SETBIT b 7 1', 'SETBIT b 7 1', 'SETBIT b 7 0', 'SETBIT b 7 0', 'SETBIT b 100 0', 'GETBIT b 100', 'GETBIT b 101', 'GETBIT b 7',
  'SET i 12', 'GETBIT i 2', 'GETBIT i 3', 'GETBIT i 10', 'SETBIT i 0 0', 'OBJECT ENCODING i', 'GET i',
  'SET e abc', 'SETBIT e 0 0', 'OBJECT ENCODING e', 'SET e2 abc', 'SETBIT e2 1 1', 'GET e2', 'OBJECT ENCODING e2',
  'SETBIT b 4294967296 1', 'SETBIT b -1 1', 'SETBIT b +1 1', 'SETBIT b -0 1', 'SETBIT b 01 1', 'SETBIT b x 1',
  'SETBIT b 0 2', 'SETBIT b 0 -1', 'SETBIT b 0 01', 'SETBIT b 0 x', 'SETBIT b 0 ""', 'SETBIT b 9223372036854775808 1',
  'GETBIT nokey 0', 'GETBIT nokey 4294967295', 'GETBIT nokey 4294967296', 'GETBIT b -1', 'GETBIT b 1.5',
  'RPUSH l a', 'SETBIT l 0 1', 'GETBIT l 0', 'SETBIT l x 1', 'SETBIT l 0 5', 'GETBIT l x',
  'SET hi \\xff\\x80', 'SETBIT hi 0 0', 'GET hi', 'SETBIT hi 8 0', 'GETBIT hi 8',
  // BITCOUNT: ranges, BYTE|BIT, negative and reversed ranges, errors, missing key with bad arguments
  'SET s foobar', 'BITCOUNT s', 'BITCOUNT s 0 0', 'BITCOUNT s 1 1', 'BITCOUNT s 1 1 BYTE', 'BITCOUNT s 5 30 BIT',
  'BITCOUNT s 0 -1 bit', 'BITCOUNT s -1 -5 BIT', 'BITCOUNT s -100 -200', 'BITCOUNT s -200 -100', 'BITCOUNT s 100 200',
  'BITCOUNT s 0 1000 BIT', 'BITCOUNT s 7 7 BIT', 'BITCOUNT s 47 47 BIT', 'BITCOUNT s -9223372036854775808 9223372036854775807',
  'BITCOUNT s -9223372036854775808 9223372036854775807 BIT', 'BITCOUNT s 2 1', 'BITCOUNT s 0', 'BITCOUNT s 0 1 foo',
  'BITCOUNT s a 1', 'BITCOUNT s 0 b', 'BITCOUNT s a b foo', 'BITCOUNT s 0 1 BIT x', 'BITCOUNT s 9223372036854775808 1',
  'BITCOUNT nokey', 'BITCOUNT nokey a b', 'BITCOUNT nokey 0', 'BITCOUNT nokey 0 1 foo', 'BITCOUNT l', 'BITCOUNT l a',
  'BITCOUNT i', 'BITCOUNT i 0 0 BIT', 'SET empty ""', 'BITCOUNT empty', 'BITCOUNT empty 0 -1', 'BITCOUNT empty 0 -1 BIT',
  'BITCOUNT s 0 -1 BYTE\\0x', 'BITCOUNT s 0 -1 bYtE', 'BITCOUNT s -2 -100 FOO', 'BITCOUNT s -100 -2 FOO', 'BITCOUNT s 2 -100 FOO',
  // BITPOS: 0/1, ranges, BIT mode edges, end given vs not, all-ones strings, errors
  'BITPOS s 1', 'BITPOS s 0', 'BITPOS s 1 2', 'BITPOS s 0 2 -1', 'BITPOS s 1 7 15 BIT', 'BITPOS s 0 7 15 BIT', 'BITPOS s 1 9 9 BIT',
  'BITPOS s 0 1 1 BIT', 'BITPOS s 1 -3 -1 BIT', 'BITPOS s 0 -3 -1 BIT', 'BITPOS s 1 5 2', 'BITPOS s 1 100', 'BITPOS s 0 100',
  'BITPOS s 1 3 3 BIT', 'BITPOS s 0 3 4 BIT', 'BITPOS s 1 3 12 BIT', 'BITPOS s 0 0 0', 'BITPOS s 1 0 0 BYTE', 'BITPOS s 0 40 BIT',
  'SET ones \\xff\\xff\\xff', 'BITPOS ones 0', 'BITPOS ones 0 0', 'BITPOS ones 0 0 -1', 'BITPOS ones 0 1 BIT', 'BITPOS ones 0 1 22 BIT',
  'BITPOS ones 0 0 -1 BIT', 'BITPOS ones 1', 'BITPOS ones 1 -1', 'BITPOS ones 0 9 BIT',
  'SET zeros \\0\\0\\0\\0\\0\\0\\0\\0\\0\\0', 'BITPOS zeros 1', 'BITPOS zeros 0', 'BITPOS zeros 1 3 60 BIT', 'BITPOS zeros 0 3 60 BIT',
  'SETBIT zeros 75 1', 'BITPOS zeros 1', 'BITPOS zeros 1 70 76 BIT', 'BITPOS zeros 1 76 79 BIT', 'BITPOS zeros 1 0 74 BIT',
  'BITPOS empty 0', 'BITPOS empty 1', 'BITPOS empty 0 0 -1', 'BITPOS nokey 0', 'BITPOS nokey 1', 'BITPOS nokey 1 a', 'BITPOS nokey 0 0 1 foo',
  'BITPOS nokey 2', 'BITPOS nokey x', 'BITPOS s 2', 'BITPOS s -1', 'BITPOS s x', 'BITPOS s 1 x', 'BITPOS s 1 0 x', 'BITPOS s 1 0 x foo',
  'BITPOS s 1 0 1 foo', 'BITPOS s 1 0 1 BIT x', 'BITPOS l 1', 'BITPOS l 3', 'BITPOS i 1', 'BITPOS i 0 0 -1 bit',
  // BITOP: every op, missing keys, lengths, NOT arity, wrong types, destination TTL and deletion
  'SET k1 foobar', 'SET k2 abcdef', 'SET k3 \\xff', 'BITOP AND d k1 k2', 'GET d', 'OBJECT ENCODING d', 'BITOP OR d k1 k2 k3', 'GET d',
  'BITOP XOR d k1 k2 k3 nokey', 'GET d', 'BITOP NOT d k3', 'GET d', 'BITOP NOT d k1', 'GET d', 'BITOP AND d k1 nokey', 'GET d', 'STRLEN d',
  'BITOP and d k1 k3', 'GET d', 'BITOP NOT d k1 k2', 'BITOP NOT d', 'BITOP FOO d k1', 'BITOP AND\\0x d k1', 'BITOP AND d k1 l', 'BITOP AND d l nokey',
  'BITOP OR d nokey nokey2', 'EXISTS d', 'BITOP OR d nokey', 'SET d x EX 1000', 'BITOP OR d k1', 'TTL d', 'BITOP AND d i k1', 'GET d',
  'BITOP OR k1 k1 k2', 'GET k1', 'BITOP XOR l k2', 'TYPE l', 'BITOP NOT n empty', 'EXISTS n',
  // BITFIELD: types, widths, #offsets and their int64 wrap, overflow modes, errors, encodings, dirty
  'BITFIELD f SET u8 0 255', 'GET f', 'OBJECT ENCODING f', 'BITFIELD f GET u8 0', 'BITFIELD f SET u8 0 255', 'BITFIELD f INCRBY u8 0 0',
  'BITFIELD f INCRBY u2 100 1 OVERFLOW SAT INCRBY u2 102 1', 'BITFIELD f INCRBY u8 0 1', 'BITFIELD f OVERFLOW SAT INCRBY u8 0 300',
  'BITFIELD f OVERFLOW FAIL INCRBY u8 0 1', 'BITFIELD f OVERFLOW FAIL INCRBY u8 0 -256', 'BITFIELD f OVERFLOW SAT INCRBY u8 0 -256',
  'BITFIELD f SET i8 0 128', 'BITFIELD f OVERFLOW SAT SET i8 0 128', 'BITFIELD f OVERFLOW SAT SET u8 0 -1', 'BITFIELD f OVERFLOW FAIL SET u8 0 -1',
  'BITFIELD f OVERFLOW WRAP SET u8 0 -1', 'BITFIELD f SET i64 0 -9223372036854775808', 'BITFIELD f INCRBY i64 0 -1', 'BITFIELD f GET i64 0',
  'BITFIELD f OVERFLOW SAT INCRBY i64 0 9223372036854775807', 'BITFIELD f OVERFLOW SAT INCRBY i64 0 -9223372036854775808',
  'BITFIELD f OVERFLOW FAIL INCRBY i64 0 1', 'BITFIELD f OVERFLOW SAT SET i64 0 -1', 'BITFIELD f OVERFLOW SAT INCRBY i64 0 -9223372036854775808',
  'BITFIELD f OVERFLOW WRAP INCRBY i64 0 -9223372036854775808', 'BITFIELD f SET u63 0 9223372036854775807', 'BITFIELD f INCRBY u63 0 1',
  'BITFIELD f OVERFLOW SAT INCRBY u63 0 9223372036854775807', 'BITFIELD f GET u63 0', 'BITFIELD f GET i64 1', 'BITFIELD f GET u1 63 GET i1 63',
  'BITFIELD f SET i5 3 -7 GET i5 3 GET u5 3', 'BITFIELD f INCRBY i5 3 100 OVERFLOW SAT INCRBY i5 3 100 OVERFLOW FAIL INCRBY i5 3 -100',
  'BITFIELD f OVERFLOW SAT INCRBY i5 3 -100', 'BITFIELD f SET u8 #1 200 GET u8 8 GET u8 #1 SET i16 #2 -1 GET u16 32', 'GET f',
  'BITFIELD f GET u8 #9223372036854775807', 'BITFIELD f GET i64 #144115188075855871', 'BITFIELD f GET i64 #288230376151711745',
  'BITFIELD f GET i64 #288230376151711744', 'BITFIELD f GET u8 #2305843009213693953', 'BITFIELD f GET i8 #-1', 'BITFIELD f GET i8 #',
  'BITFIELD f GET i8 #+1', 'BITFIELD f GET u8 #67108863', 'BITFIELD f GET u8 #536870912', 'BITFIELD f GET i64 #67108864',
  'BITFIELD f GET u64 0', 'BITFIELD f GET i0 0', 'BITFIELD f GET i65 0', 'BITFIELD f GET I8 0', 'BITFIELD f GET i08 0', 'BITFIELD f GET i8\\0x 0',
  'BITFIELD f GET i 0', 'BITFIELD f GET "" 0', 'BITFIELD f GET u8 -1', 'BITFIELD f GET u8 4294967296', 'BITFIELD f GET u8 4294967295',
  'BITFIELD f GET u8 0 SET', 'BITFIELD f GET u8', 'BITFIELD f OVERFLOW foo', 'BITFIELD f OVERFLOW', 'BITFIELD f foo', 'BITFIELD f OVERFLOW sat',
  'BITFIELD f SET u8 0 x', 'BITFIELD f SET u8 0 1 GET u64 0', 'BITFIELD f INCRBY u8 0 9223372036854775808', 'BITFIELD f', 'BITFIELD nokey',
  'BITFIELD nokey GET u8 0 GET i64 100', 'EXISTS nokey', 'BITFIELD nf SET u8 0 0', 'EXISTS nf', 'OBJECT ENCODING nf', 'BITFIELD nf OVERFLOW FAIL INCRBY u2 0 5',
  'BITFIELD nf2 OVERFLOW FAIL INCRBY u2 16 5', 'GET nf2', 'BITFIELD l GET u8 0', 'BITFIELD l SET u8 0 1', 'BITFIELD l', 'BITFIELD i GET u8 0',
  'BITFIELD i SET u8 0 49', 'OBJECT ENCODING i', 'BITFIELD e GET u8 0', 'OBJECT ENCODING e', 'BITFIELD gf SET i8 12 -1', 'GET gf',
  'BITFIELD_RO f GET u8 0 GET i8 #3', 'BITFIELD_RO f SET u8 0 1', 'BITFIELD_RO f INCRBY u8 0 1', 'BITFIELD_RO f GET u8 0 OVERFLOW SAT',
  'BITFIELD_RO f OVERFLOW FAIL SET u8 0 x', 'BITFIELD_RO l GET u8 0', 'BITFIELD_RO nokey GET u8 0', 'BITFIELD_RO nokey SET u8 0 1',
  'BITFIELD_RO f', 'BITFIELD_RO f GET u64 0', 'BITFIELD f set U8 0 1', 'BITFIELD f SET u8 0 1 set u8 0 2 set u8 0 2 incrby u8 0 0',
  // arity
  'SETBIT b 0', 'GETBIT b', 'BITCOUNT', 'BITPOS b', 'BITOP AND d', 'BITFIELD', 'BITFIELD_RO',
];

describePeer('redis-server', 'bitmap commands: keyspace vs redis-server 7.0.15', () => {
  let real: RealServer;
  beforeAll(async () => {
    real = await startRealServer();
  });
  afterAll(async () => {
    await real.stop();
  });
  const realDirty = async (): Promise<number> => {
    const info = await real.call(['INFO', 'persistence']);
    const m = /rdb_changes_since_last_save:(\d+)/.exec(info.type === 'bulk' ? Buffer.from(info.value).toString() : '');
    return Number(m?.[1] ?? NaN);
  };

  /** Run `argvs` on both sides; return the mismatches (reply, dirty delta, encoding of a written key). */
  async function compare(argvs: readonly string[][], ks: Keyspace): Promise<string[]> {
    const out: string[] = [];
    for (const argv of argvs) {
      const before = await realDirty();
      const ourBefore = ks.dirty;
      const theirs = text(await real.call(argv));
      const ours = text(ks.execute(bytesOf(argv)));
      const where = JSON.stringify(argv);
      if (ours !== theirs) out.push(`${where}: ours ${JSON.stringify(ours)} | redis ${JSON.stringify(theirs)}`);
      const dReal = (await realDirty()) - before;
      const dOurs = ks.dirty - ourBefore;
      if (dReal !== dOurs) out.push(`${where}: dirty +${dOurs} | redis +${dReal}`);
      const name = (argv[0] ?? '').toLowerCase();
      const key = name === 'bitop' ? argv[2] : argv[1];
      if (key !== undefined && ['setbit', 'bitfield', 'bitop', 'bitfield_ro', 'getbit'].includes(name)) {
        const e = ['OBJECT', 'ENCODING', key];
        const a = text(await real.call(e));
        const b = text(ks.execute(bytesOf(e)));
        if (a !== b) out.push(`${where}: then OBJECT ENCODING ours ${JSON.stringify(b)} | redis ${JSON.stringify(a)}`);
      }
    }
    return out;
  }

  it(`${CASES.length} hand-picked cases: same reply bytes, same server.dirty change, same encoding after`, async () => {
    await real.call(['FLUSHALL']);
    const ks = new Keyspace({ now: () => Date.now() });
    const mismatches = await compare(CASES.map(w), ks);
    console.log(`bitops peer: ${CASES.length} cases, ${mismatches.length} mismatches${mismatches.map((m) => `\n  ${m}`).join('')}`);
    expect(mismatches).toEqual([]);
  });

  it(`seeded random bitmap sequences agree as well (${SEEDS} seeds x 150 commands)`, async () => {
    const mismatches: string[] = [];
    let n = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      await real.call(['FLUSHALL']);
      const ks = new Keyspace({ now: () => Date.now() });
      const r = new Prng(seed * 7919);
      const argvs: string[][] = [];
      for (let i = 0; i < 150; i++) argvs.push(r.pick(BITOPS_GENERATORS)(r));
      n += argvs.length;
      mismatches.push(...(await compare(argvs, ks)).map((m) => `seed ${seed}: ${m}`));
    }
    console.log(`bitops peer random: ${n} commands, ${mismatches.length} mismatches${mismatches.slice(0, 20).map((m) => `\n  ${m}`).join('')}`);
    expect(mismatches).toEqual([]);
  });
});
