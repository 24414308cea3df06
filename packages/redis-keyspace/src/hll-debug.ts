/**
 * HyperLogLog testing and debugging commands (redis/redis src/hyperloglog.c, 7.0:
 * pfselftestCommand, pfdebugCommand).
 *
 * PFSELFTEST is the real self-test, run on this implementation: 1000 rounds of setting all
 * 16384 dense registers to random values and reading them back, then ten million distinct
 * 8-byte elements added to a dense and a sparse HLL at once, checking at 1, 10, 100, … that the
 * sparse one is still sparse below hll-sparse-max-bytes/2, that both count the same, and that
 * the error is within six standard errors (1 for 10). Its randomness is the keyspace's Prng
 * (Redis uses rand()), so a run replays.
 */
import type { RespValue } from '@protolab/resp';
import { OK, array, bulk, err, int, simple } from './replies.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, lookupKeyWrite, optName } from './server.js';
import { HLL_DENSE_SIZE, HLL_HDR_SIZE, HLL_REGISTER_MAX, HLL_SPARSE, HllBuf, denseGet, denseSet, hllDenseAdd } from './hll-dense.js';
import { createHLLObject, hllSparseToDense, isXzero, isZero, valLen, valValue, xzeroLen, zeroLen } from './hll-sparse.js';
import { hllAdd, hllCount } from './hll-count.js';
import { HLL_REGISTERS } from './murmur64a.js';
import { E_INVALID_HLL, commitHll, isBuf, isHLLObjectOrReply, sparseMaxBytes, unshareHll } from './hll-object.js';
import type { RawStr } from './values.js';

/** hyperloglog.c HLL_TEST_CYCLES. */
const HLL_TEST_CYCLES = 1000;

/** rand(): 31 random bits (RAND_MAX 2^31 - 1 with glibc). */
const rand = (c: Ctx): number => c.core.prng.nextU32() & 0x7fffffff;

/** hyperloglog.c pfselftestCommand (see the header). `elements` is 10^7 as in Redis; tests may pass fewer. */
export function pfselftest(c: Ctx, elements = 10_000_000): RespValue {
  const bitcounters = HllBuf.zeroed(HLL_DENSE_SIZE);
  const regs = bitcounters.b;
  const bytecounters = new Uint8Array(HLL_REGISTERS);
  // Test 1: access registers.
  for (let j = 0; j < HLL_TEST_CYCLES; j++) {
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const r = rand(c) & HLL_REGISTER_MAX;
      bytecounters[i] = r;
      denseSet(regs, HLL_HDR_SIZE, i, r);
    }
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const val = denseGet(regs, HLL_HDR_SIZE, i);
      if (val !== bytecounters[i]) return err(`ERR TESTFAILED Register ${i} should be ${bytecounters[i] ?? 0} but is ${val}`);
    }
  }
  // Test 2: approximation error, dense and sparse side by side.
  regs.fill(0, HLL_HDR_SIZE);
  const o = createHLLObject();
  const relerr = 1.04 / Math.sqrt(HLL_REGISTERS);
  let checkpoint = 1;
  const seedLo = rand(c) >>> 0; // (uint64_t)rand() | (uint64_t)rand() << 32
  const seedHi = rand(c) >>> 0;
  const eleBuf = new Uint8Array(8);
  eleBuf[4] = seedHi & 0xff;
  eleBuf[5] = (seedHi >>> 8) & 0xff;
  eleBuf[6] = (seedHi >>> 16) & 0xff;
  eleBuf[7] = seedHi >>> 24;
  const maxBytes = sparseMaxBytes(c);
  for (let j = 1; j <= elements; j++) {
    const lo = (j ^ seedLo) >>> 0; // ele = j ^ seed, little endian
    eleBuf[0] = lo & 0xff;
    eleBuf[1] = (lo >>> 8) & 0xff;
    eleBuf[2] = (lo >>> 16) & 0xff;
    eleBuf[3] = lo >>> 24;
    hllDenseAdd(bitcounters, eleBuf, 8);
    hllAdd(o, eleBuf, 8, maxBytes);
    if (j !== checkpoint) continue;
    if (j < Math.floor(maxBytes / 2) && o.encoding !== HLL_SPARSE) return err('ERR TESTFAILED sparse encoding not used');
    if (hllCount(bitcounters) !== hllCount(o)) return err('ERR TESTFAILED dense/sparse disagree');
    let abserr = checkpoint - Number(hllCount(bitcounters));
    let maxerr = Math.ceil(relerr * 6 * checkpoint);
    if (j === 10) maxerr = 1; // collisions make 10 noisy (as Redis notes)
    if (abserr < 0) abserr = -abserr;
    if (abserr > maxerr) return err(`ERR TESTFAILED Too big error. card:${checkpoint} abserr:${abserr}`);
    checkpoint *= 10;
  }
  return OK;
}

/** hyperloglog.c pfdebugCommand's DECODE: the opcodes as "z:N", "Z:N", "v:V,N" joined by spaces. */
function decodeSparse(buf: HllBuf): string {
  const b = buf.b;
  const parts: string[] = [];
  let p = HLL_HDR_SIZE;
  while (p < buf.len) {
    const op = b[p] ?? 0;
    if (isZero(op)) {
      parts.push(`z:${zeroLen(op)}`);
      p++;
    } else if (isXzero(op)) {
      parts.push(`Z:${xzeroLen(op, b[p + 1] ?? 0)}`);
      p += 2;
    } else {
      parts.push(`v:${valValue(op)},${valLen(op)}`);
      p++;
    }
  }
  return parts.join(' ');
}

/** C's %s of an argument: up to the first NUL; addReplyErrorFormat turns CR/LF into spaces. */
const cstr = (s: string): string => {
  const nul = s.indexOf('\0');
  return (nul < 0 ? s : s.slice(0, nul)).replace(/[\r\n]/g, ' ');
};

/**
 * hyperloglog.c pfdebugCommand: PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. The key is looked
 * up, checked and unshared before the subcommand is read. GETREG and TODENSE convert a sparse
 * HLL to dense and bump dirty ("force propagation on encoding change").
 */
function pfdebugCommand(c: Ctx): RespValue {
  const sub = arg(c, 1);
  const o = lookupKeyWrite(c, arg(c, 2));
  if (o === undefined) return err('ERR The specified key does not exist');
  const buf = isHLLObjectOrReply(o);
  if (!isBuf(buf)) return buf;
  const raw = unshareHll(c, o.slot, o.val as string | RawStr);
  const name = optName(sub);
  if (name === 'getreg') {
    if (buf.encoding === HLL_SPARSE) {
      if (!hllSparseToDense(buf)) return err(E_INVALID_HLL);
      commitHll(c, o.slot, raw, buf);
      c.core.dirty++;
    }
    const out = new Array<RespValue>(HLL_REGISTERS);
    for (let j = 0; j < HLL_REGISTERS; j++) out[j] = int(denseGet(buf.b, HLL_HDR_SIZE, j));
    return array(out);
  }
  if (name === 'decode') {
    if (buf.encoding !== HLL_SPARSE) return err('ERR HLL encoding is not sparse');
    return bulk(decodeSparse(buf));
  }
  if (name === 'encoding') return simple(buf.encoding === HLL_SPARSE ? 'sparse' : 'dense');
  if (name === 'todense') {
    if (buf.encoding !== HLL_SPARSE) return int(0);
    if (!hllSparseToDense(buf)) return err(E_INVALID_HLL);
    commitHll(c, o.slot, raw, buf);
    c.core.dirty++;
    return int(1);
  }
  return err(`ERR Unknown PFDEBUG subcommand '${cstr(sub)}'`);
}

export const PFDEBUG_COMMANDS: readonly CommandSpec[] = [
  cmd('pfselftest', 1, ['admin'], [0, 0, 0], 'hyperloglog', (c) => pfselftest(c), { acl: ['@hyperloglog', '@admin', '@slow', '@dangerous'] }),
  cmd('pfdebug', 3, ['write', 'denyoom', 'admin'], [2, 2, 1], 'hyperloglog', pfdebugCommand, { acl: ['@write', '@hyperloglog', '@admin', '@slow', '@dangerous'] }),
];
