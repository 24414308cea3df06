/**
 * Zxids: 64-bit transaction ids, high 32 bits = epoch, low 32 bits = counter
 * (org.apache.zookeeper.server.util.ZxidUtils). We keep them as `bigint` so that the full
 * 64-bit range, including Java's negative longs (epoch >= 2^31), compares like ZooKeeper does:
 * ZooKeeper compares zxids as *signed* longs, so `toSignedZxid` is used by the comparisons.
 */
import { ZkError } from './errors.js';

export type Zxid = bigint;

const MASK32 = 0xffffffffn;
const TWO63 = 1n << 63n;

/** Long.MIN_VALUE: what observers put in their votes (FastLeaderElection.getInitLastLoggedZxid). */
export const MIN_LONG: bigint = -TWO63;

/** ZxidUtils.makeZxid(epoch, counter). */
export function makeZxid(epoch: number, counter: number): Zxid {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffffffff) {
    throw new ZkError('ZXID_RANGE', `expected an epoch in 0..0xffffffff, found ${String(epoch)}`);
  }
  if (!Number.isInteger(counter) || counter < 0 || counter > 0xffffffff) {
    throw new ZkError('ZXID_RANGE', `expected a counter in 0..0xffffffff, found ${String(counter)}`);
  }
  return toSignedZxid((BigInt(epoch) << 32n) | BigInt(counter));
}

/** Reinterprets any 64-bit pattern as a Java signed long (z mod 2^64, in [-2^63, 2^63)). */
export function toSignedZxid(z: bigint): Zxid {
  // one engine call instead of three bigint divisions (every ACK and proposal makes a zxid)
  return BigInt.asIntN(64, z);
}

/** ZxidUtils.getEpochFromZxid: the high 32 bits (as an unsigned number). */
export function epochOf(z: Zxid): number {
  return Number((BigInt.asUintN(64, z) >> 32n) & MASK32);
}

/** ZxidUtils.getCounterFromZxid: the low 32 bits. */
export function counterOf(z: Zxid): number {
  return Number(BigInt.asUintN(64, z) & MASK32);
}

/** `(zxid & 0xffffffffL) == 0`: the "new-epoch zxid" (e, 0) that never names a transaction. */
export function isNewEpochZxid(z: Zxid): boolean {
  return (BigInt.asUintN(64, z) & MASK32) === 0n;
}

/** ZxidUtils.zxidToString / Long.toHexString as the server logs it: `0x100000002`. */
export function zxidToHex(z: Zxid): string {
  return '0x' + BigInt.asUintN(64, z).toString(16);
}

/** Parses `0x100000002` (or a decimal string) back into a signed zxid. */
export function parseZxid(text: string): Zxid {
  const t = text.trim();
  if (!/^(0x[0-9a-fA-F]{1,16}|-?[0-9]+)$/.test(t)) {
    throw new ZkError('BAD_INPUT', `expected a zxid like 0x100000002, found ${JSON.stringify(text)}`);
  }
  return toSignedZxid(BigInt(t));
}

/** `(epoch, counter)` for readers: `formatZxid(0x100000002n)` is `"(1,2) 0x100000002"`. */
export function formatZxid(z: Zxid): string {
  return `(${epochOf(z)},${counterOf(z)}) ${zxidToHex(z)}`;
}
