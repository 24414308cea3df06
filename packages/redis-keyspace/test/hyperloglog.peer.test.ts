// HyperLogLog (hyperloglog.c) against redis-server 7.0.15, byte for byte: every reply as the
// wire bytes, and the HLL strings themselves (GET) after PFADD / PFCOUNT / PFMERGE / PFDEBUG —
// sparse growth and promotion at several hll-sparse-max-bytes, merges of every encoding mix,
// hand-crafted strings that only look like HLLs (truncated opcodes, runs past 16384, registers
// above 51), random bytes after a valid header, and a fuzz of random byte corruptions as the
// server's own hyperloglog.tcl does. More random rounds: HLL_SEED=n HLL_ROUNDS=m with PROTOLAB_PEERS=1.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Prng } from '@protolab/sim';
import { describePeer } from '@protolab/testkit';
import { encode, encodeCommand } from '@protolab/resp';
import { Keyspace } from '../src/index.js';
import { bytesOf, startRealServer, type RealServer } from './real-server.js';
import { denseHll, sparseHll } from './hyperloglog-crafted.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describePeer('redis-server', 'HyperLogLog: keyspace vs redis-server 7.0.15, replies and string bytes', () => {
  let real: RealServer;
  let ks: Keyspace;
  let compared = 0;
  beforeAll(async () => {
    real = await startRealServer();
  });
  afterAll(async () => {
    console.log(`${compared} commands compared byte for byte`);
    await real.stop();
  });

  /** Both sides empty, hll-sparse-max-bytes = `maxBytes` on both. */
  async function fresh(maxBytes = 3000): Promise<void> {
    await real.call(['FLUSHALL']);
    await real.call(['CONFIG', 'SET', 'hll-sparse-max-bytes', String(maxBytes)]);
    ks = new Keyspace({ now: () => 1_700_000_000_000, thresholds: { hllSparseMaxBytes: maxBytes } });
  }

  /** One command on both; the reply bytes must be identical. */
  async function same(argv: string[], label = ''): Promise<void> {
    const theirs = await real.client.raw(encodeCommand(bytesOf(argv)));
    const ours = encode(ks.execute(bytesOf(argv)));
    compared++;
    expect(hex(ours), `${label} ${argv.map((a) => JSON.stringify(a.length > 40 ? `${a.slice(0, 40)}…(${a.length})` : a)).join(' ')}`).toBe(hex(theirs));
  }

  /** The command, then GET of every key named, on both. */
  async function sameThenGet(argv: string[], keys: readonly string[], label = ''): Promise<void> {
    await same(argv, label);
    for (const k of keys) await same(['GET', k], `${label} after ${argv[0] ?? ''}`);
  }

  it('the command sequences of hyperloglog.tcl (7.0), with GET after each', async () => {
    await fresh();
    for (const argv of [
      ['PFADD', 'hll'], ['EXISTS', 'hll'], ['PFCOUNT', 'hll'], ['PFADD', 'hll', 'a', 'b', 'c'], ['PFADD', 'hll', 'a', 'b', 'c'], ['PFADD', 'hll', ''],
      ['DEL', 'hll'], ['PFADD', 'hll', '1', '2', '3', '4', '5'], ['PFCOUNT', 'hll'], ['PFADD', 'hll', '6', '7', '8', '8', '9', '10'], ['PFCOUNT', 'hll'],
      ['DEL', 'hll'], ['PFADD', 'hll', 'a', 'b', 'c'], ['PFCOUNT', 'hll'], ['GETRANGE', 'hll', '15', '15'], ['PFADD', 'hll', 'a', 'b', 'c'],
      ['GETRANGE', 'hll', '15', '15'], ['PFADD', 'hll', '1', '2', '3'], ['GETRANGE', 'hll', '15', '15'],
      ['DEL', 'hll'], ['PFADD', 'hll', 'a', 'b', 'c'], ['APPEND', 'hll', 'hello'], ['PFCOUNT', 'hll'],
      ['DEL', 'hll'], ['PFADD', 'hll', 'a', 'b', 'c'], ['SETRANGE', 'hll', '0', '0123'], ['PFCOUNT', 'hll'],
      ['DEL', 'hll'], ['PFADD', 'hll', 'a', 'b', 'c'], ['SETRANGE', 'hll', '4', 'x'], ['PFCOUNT', 'hll'],
      ['DEL', 'hll'], ['PFADD', 'hll', 'a', 'b', 'c'], ['SETRANGE', 'hll', '4', '\0'], ['PFCOUNT', 'hll'],
      ['SET', 'foo', 'bar'], ['PFADD', 'foo', '1'], ['PFCOUNT', 'foo'], ['PFMERGE', 'bar', 'foo'], ['PFMERGE', 'foo', 'bar'],
      ['RPUSH', 'list', 'x'], ['PFADD', 'list', '1'], ['PFCOUNT', 'list'], ['PFCOUNT', 'list', 'hll'], ['PFMERGE', 'list'], ['PFDEBUG', 'ENCODING', 'list'],
      ['DEL', 'hll', 'hll1', 'hll2', 'hll3'], ['PFADD', 'hll1', 'a', 'b', 'c'], ['PFADD', 'hll2', 'b', 'c', 'd'], ['PFADD', 'hll3', 'c', 'd', 'e'],
      ['PFMERGE', 'hll', 'hll1', 'hll2', 'hll3'], ['PFCOUNT', 'hll'],
      ['PFMERGE', 'destkey', 'sourcekey'], ['EXISTS', 'destkey'], ['PFCOUNT', 'destkey'], ['PFMERGE', 'destkey2', 'sourcekey', 'sourcekey2'],
      ['DEL', 'destkey'], ['PFMERGE', 'destkey'], ['PFCOUNT', 'destkey'], ['DEL', 'destkey'], ['PFADD', 'destkey', 'a', 'b', 'c'], ['PFMERGE', 'destkey'], ['PFCOUNT', 'destkey'],
      ['DEL', 'hll'], ['PFADD', 'hll', '1', '2', '3'], ['PFDEBUG', 'GETREG', 'hll'], ['OBJECT', 'ENCODING', 'hll'],
      ['PFADD'], ['PFCOUNT'], ['PFMERGE'], ['PFDEBUG', 'GETREG'], ['PFSELFTEST', 'x'],
    ]) await sameThenGet(argv, ['hll', 'hll1', 'destkey', 'destkey2'].filter((k) => argv.includes(k)));
  });

  it('sparse growth, the promotion to dense and beyond: GET bytes after every PFADD, at several hll-sparse-max-bytes', async () => {
    for (const maxBytes of [3000, 500, 100, 30, 0]) {
      await fresh(maxBytes);
      const p = new Prng(maxBytes + 1);
      let n = 0;
      for (let batch = 0; batch < (maxBytes >= 3000 ? 450 : 60); batch++) {
        const els = Array.from({ length: p.int(1, 12) }, () => `e${n++}:${p.nextU32()}`);
        await sameThenGet(['PFADD', 'h', ...els], ['h'], `max ${maxBytes}`);
        if (batch % 9 === 0) await sameThenGet(['PFCOUNT', 'h'], ['h'], `max ${maxBytes}`);
        if (batch % 13 === 0) await same(['PFDEBUG', 'ENCODING', 'h']);
      }
      await same(['STRLEN', 'h']);
      await same(['PFDEBUG', 'DECODE', 'h']);
    }
  });

  it('PFMERGE into new, sparse and dense destinations, from sparse, dense and missing sources', async () => {
    await fresh();
    const p = new Prng(7);
    const fill = async (key: string, count: number): Promise<void> => {
      for (let i = 0; i < count; i += 50) await same(['PFADD', key, ...Array.from({ length: Math.min(50, count - i) }, () => String(p.nextU32()))]);
    };
    await fill('s1', 40);
    await fill('s2', 300);
    await fill('s3', 900); // close to the 3000-byte limit
    await fill('d1', 5000); // dense
    await fill('d2', 3);
    await same(['PFDEBUG', 'TODENSE', 'd2']);
    const merges = [
      ['PFMERGE', 'm1', 's1', 's2'], ['PFMERGE', 'm2', 's1', 'd1'], ['PFMERGE', 's1', 's2'], ['PFMERGE', 's1', 's3'],
      ['PFMERGE', 'm3', 's2', 's3', 'nosuch'], ['PFMERGE', 'd2', 's1'], ['PFMERGE', 'm4', 'd2'], ['PFMERGE', 'm4', 'm4', 'm4'],
      ['PFMERGE', 'm5', 's3', 's3'], ['PFMERGE', 'm6', 's2', 's3'], ['PFMERGE', 's2', 'd1'],
    ];
    for (const argv of merges) {
      await sameThenGet(argv, [argv[1] ?? '']);
      await sameThenGet(['PFCOUNT', argv[1] ?? ''], [argv[1] ?? '']);
    }
    await same(['PFCOUNT', 's1', 's2', 's3', 'd1', 'd2', 'nosuch']);
    await same(['PFCOUNT', 's1', 's1']);
    await same(['PFCOUNT', 'nosuch', 'nosuch2']);
    for (const k of ['s1', 's2', 's3', 'd1', 'd2', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']) await same(['PFDEBUG', 'ENCODING', k]);
  });

  it('PFDEBUG and PFCOUNT around the encodings, the cache bit and the raw/embstr string encodings', async () => {
    await fresh();
    await same(['PFADD', 'h', 'a', 'b']);
    await same(['GET', 'h']);
    const sparse = await real.call(['GET', 'h']);
    if (sparse.type !== 'bulk') throw new Error('expected the HLL string');
    const bin = Buffer.from(sparse.value).toString('latin1');
    for (const argv of [
      ['SET', 'e', bin], ['OBJECT', 'ENCODING', 'e'], ['PFCOUNT', 'e'], ['OBJECT', 'ENCODING', 'e'], ['GET', 'e'],
      ['SET', 'e2', bin], ['PFDEBUG', 'ENCODING', 'e2'], ['OBJECT', 'ENCODING', 'e2'], ['SET', 'e3', bin], ['PFADD', 'e3'], ['OBJECT', 'ENCODING', 'e3'],
      ['PFDEBUG', 'DECODE', 'h'], ['PFDEBUG', 'decode', 'h'], ['PFDEBUG', 'GETREG', 'h'], ['GET', 'h'], ['PFDEBUG', 'DECODE', 'h'],
      ['PFDEBUG', 'TODENSE', 'h'], ['PFDEBUG', 'TODENSE', 'e'], ['GET', 'e'], ['PFDEBUG', 'TODENSE', 'e'], ['PFDEBUG', 'ENCODING', 'e'],
      ['PFDEBUG', 'NOPE', 'h'], ['PFDEBUG', 'NOPE', 'missing'], ['PFDEBUG', 'GETREG', 'missing'], ['PFDEBUG', 'no\r\npe', 'h'], ['PFDEBUG', 'getreg\0x', 'e'],
      ['SET', 'str', 'x'], ['PFDEBUG', 'GETREG', 'str'], ['PFDEBUG', 'ENCODING', 'str'],
      ['PFADD', 'c', 'x'], ['PFCOUNT', 'c'], ['PFCOUNT', 'c'], ['PFADD', 'c', 'x'], ['GET', 'c'], ['PFADD', 'c', 'y'], ['GET', 'c'], ['PFCOUNT', 'c'], ['GET', 'c'],
      ['EXPIRE', 'c', '1000'], ['PFADD', 'c', 'z'], ['TTL', 'c'], ['PFCOUNT', 'c'], ['TTL', 'c'],
    ]) await same(argv);
  });

  it('hand-crafted strings that look like HLLs: every command answers as redis-server does and leaves the same bytes', async () => {
    const crafted = new Map<string, string>([
      ['header only', sparseHll([])],
      ['64-register ZEROs', sparseHll(Array.from({ length: 256 }, () => ({ zero: 64 })))],
      ['XZERO:1 runs', sparseHll([{ xzero: 1 }, { val: 3, len: 1 }, { xzero: 1 }, { xzero: 16381 }])],
      ['a VAL run past the end', sparseHll([{ xzero: 16382 }, { val: 5, len: 4 }])],
      ['short by one register', sparseHll([{ xzero: 16383 }])],
      ['long by one register', sparseHll([{ xzero: 16384 }, { zero: 1 }])],
      ['XZERO cut after its first byte', sparseHll([{ xzero: 16384 - 256 }]) + '\x40'],
      ['XZERO cut, index inside', sparseHll([{ zero: 5 }]) + '\x7f'],
      ['unmerged equal VALs', sparseHll([{ val: 2, len: 1 }, { val: 2, len: 1 }, { val: 2, len: 1 }, { xzero: 16381 }])],
      ['VAL 32 everywhere', sparseHll(Array.from({ length: 4096 }, () => ({ val: 32, len: 4 })))],
      ['dense, every register 63', denseHll(() => 63)],
      ['dense, every register 51', denseHll(() => 51)],
      ['dense, one register 50, the rest 51', denseHll((i) => (i === 7 ? 50 : 51))],
      ['dense, registers i mod 64', denseHll((i) => i % 64)],
      ['dense with a valid cached cardinality', denseHll(() => 0, 123456789n)],
      ['sparse with a valid cache and a corrupt body', sparseHll([{ zero: 3 }], 42n)],
      ['dense, one byte short', denseHll(() => 1).slice(0, -1)],
      ['encoding 2', 'HYLL\x02' + '\0'.repeat(11) + '\x40\x00'],
      ['15 bytes', 'HYLL\x01' + '\0'.repeat(10)],
    ]);
    for (const [name, value] of crafted) {
      await fresh();
      for (const argv of [
        ['SET', 'x', value], ['PFCOUNT', 'x'], ['GET', 'x'], ['PFDEBUG', 'DECODE', 'x'], ['PFCOUNT', 'x', 'x'], ['PFMERGE', 'm', 'x'], ['GET', 'm'],
        ['PFADD', 'x', 'a'], ['GET', 'x'], ['PFDEBUG', 'DECODE', 'x'], ['PFADD', 'x', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n'], ['GET', 'x'],
        ['PFDEBUG', 'DECODE', 'x'], ['PFCOUNT', 'x'], ['GET', 'x'],
        ['SET', 'y', value], ['PFMERGE', 'y', 'm'], ['GET', 'y'], ['SET', 'z', value], ['PFDEBUG', 'GETREG', 'z'], ['GET', 'z'],
        ['SET', 'w', value], ['PFDEBUG', 'TODENSE', 'w'], ['GET', 'w'], ['PFADD', 'fresh', 'q'], ['PFMERGE', 'fresh', 'w'], ['GET', 'fresh'],
      ]) await same(argv, name);
    }
  });

  it('run lengths past 2^31 and 2^32 + 16384 registers (the CVE-2025-32023 shapes): INVALIDOBJ from every command, as the installed (patched) 7.0.15 answers', async () => {
    await fresh();
    const xzeros = (n: number): { xzero: number }[] => Array.from({ length: n }, () => ({ xzero: 16384 }));
    const shapes = new Map<string, string>([
      ['2^31 + a VAL', sparseHll(xzeros(131072 + 1000)) + '\xff'],
      ['2^32 + 16384', sparseHll(xzeros(262144 + 1))],
    ]);
    for (const [name, value] of shapes) {
      for (const argv of [
        ['SET', 'w', value], ['PFCOUNT', 'w'], ['PFCOUNT', 'w', 'w'], ['PFMERGE', 'm', 'w'], ['PFDEBUG', 'TODENSE', 'w'], ['PFDEBUG', 'GETREG', 'w'],
        ['PFADD', 'w', 'a'], ['STRLEN', 'w'], ['PING'],
      ]) await same(argv, name);
    }
  });

  it('random bytes after a valid header (sparse or dense, cache valid or not): the same replies and bytes from every command', async () => {
    await fresh();
    const p = new Prng(Number(process.env['HLL_SEED'] ?? 77));
    for (let round = 0; round < Number(process.env['HLL_ROUNDS'] ?? 250); round++) {
      const dense = p.chance(0.3);
      const card = p.chance(0.3) ? BigInt(p.nextU32()) : undefined;
      const n = dense ? 12288 : p.int(0, p.chance(0.5) ? 16 : 120);
      // Mostly opcode-like bytes: runs of XZERO/ZERO/VAL with random lengths, sometimes anything.
      let body = '';
      for (let i = 0; i < n; i++) body += String.fromCharCode(p.chance(0.2) ? p.int(0, 256) : p.pick([0x7f, 0x40, 0x3f, 0x00, 0x80, 0x83, 0xfc, 0xff, 0x55]));
      const value = (dense ? denseHll(() => 0, card) : sparseHll([], card)).slice(0, 16) + body;
      const label = `round ${round}`;
      for (const argv of [
        ['SET', 'r', value], ['PFCOUNT', 'r'], ['GET', 'r'], ['PFCOUNT', 'r', 'nosuch'], ['PFADD', 'r', 'a', 'b', String(round)], ['GET', 'r'],
        ['PFDEBUG', 'DECODE', 'r'], ['PFMERGE', 'm', 'r'], ['GET', 'm'], ['PFDEBUG', 'TODENSE', 'r'], ['PFCOUNT', 'r'], ['DEL', 'm'],
      ]) await same(argv, label);
    }
  });

  it('random sequences of PFADD / PFCOUNT / PFMERGE / PFDEBUG / SETRANGE over four keys and two sparse limits: the same replies, and GET after every write', async () => {
    const KEYS = ['k1', 'k2', 'k3', 'k4'];
    for (const maxBytes of [3000, 200]) {
      await fresh(maxBytes);
      const p = new Prng(Number(process.env['HLL_SEED'] ?? 9) + maxBytes);
      const k = (): string => p.pick(KEYS);
      for (let i = 0; i < Number(process.env['HLL_ROUNDS'] ?? 700); i++) {
        const argv = p.pick([
          () => ['PFADD', k(), ...Array.from({ length: p.int(0, p.chance(0.1) ? 300 : 6) }, () => `${p.int(0, 5000)}`)],
          () => ['PFADD', k(), ...Array.from({ length: p.int(1, 4) }, () => `${p.int(0, 50)}`)],
          () => ['PFCOUNT', k(), ...(p.chance(0.3) ? [k()] : [])],
          () => ['PFMERGE', k(), ...Array.from({ length: p.int(0, 3) }, k)],
          () => ['PFDEBUG', p.pick(['TODENSE', 'ENCODING', 'DECODE']), k()],
          () => ['SETRANGE', k(), String(p.int(0, 40)), String.fromCharCode(p.int(0, 256))],
          () => ['DEL', k()],
        ])();
        await same(argv, `max ${maxBytes} #${i}`);
        if (argv[0] !== 'PFCOUNT' || argv.length === 2) await same(['GET', argv[1] ?? ''], `max ${maxBytes} #${i} after ${argv[0] ?? ''}`);
      }
    }
  });

  it('fuzz (hyperloglog.tcl "Fuzzing dense/sparse encoding"): random byte corruptions get the same replies and leave the same bytes', async () => {
    await fresh();
    const p = new Prng(Number(process.env['HLL_SEED'] ?? 20240601));
    for (let round = 0; round < Number(process.env['HLL_ROUNDS'] ?? 150); round++) {
      await same(['DEL', 'hll', 'm']);
      const items = Array.from({ length: p.int(0, round % 10 === 0 ? 3000 : 300) }, () => String(p.float()));
      for (let i = 0; i < items.length; i += 200) await same(['PFADD', 'hll', ...items.slice(i, i + 200)]);
      const len = Number(ks.execute(['STRLEN', 'hll']).type === 'integer' ? (ks.execute(['STRLEN', 'hll']) as { value: bigint }).value : 0n);
      for (let i = 0; i < 5; i++) {
        await same(['SETRANGE', 'hll', String(p.int(0, Math.max(1, len))), String.fromCharCode(p.int(0, 256))], `round ${round}`);
        if (p.chance(0.5)) break;
      }
      const label = `round ${round}`;
      await same(['PFCOUNT', 'hll'], label);
      await same(['GET', 'hll'], label);
      await same(['PFCOUNT', 'hll', 'nosuch'], label);
      await same(['PFADD', 'hll', String(p.float()), String(p.float()), String(p.float())], label);
      await same(['GET', 'hll'], label);
      await same(['PFMERGE', 'm', 'hll'], label);
      await same(['GET', 'm'], label);
      await same(['PFDEBUG', 'DECODE', 'hll'], label);
    }
  });
});
