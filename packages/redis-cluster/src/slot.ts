/**
 * Key → hash slot, exactly as Redis computes it (redis/src/cluster.c, `keyHashSlot`).
 *
 * slot = crc16(hashed bytes) & 0x3FFF, over 16384 slots. The hashed bytes are the whole key unless
 * the key has a *hash tag*: the bytes between the FIRST `{` and the first `}` after it, when that
 * span is non-empty. An empty tag (`{}` — the first `{` directly followed by `}`) means "no tag":
 * the whole key is hashed, and Redis does NOT go looking for a later tag (`foo{}{bar}` hashes all of
 * `foo{}{bar}`; the npm package cluster-key-slot gets this wrong, docs/redis-cluster.md §2).
 *
 * Strings are hashed as their UTF-8 bytes — the bytes a client puts on the wire. A lone UTF-16
 * surrogate becomes U+FFFD (EF BF BD), as Node's Buffer.from/TextEncoder encode it; so
 * keyHashSlot(s) === keyHashSlot(Buffer.from(s, 'utf8')) for every JS string s. Braces are ASCII
 * and no UTF-8 multi-byte sequence contains 0x7B or 0x7D, so finding the tag on UTF-16 code units
 * finds the same span as finding it on the bytes.
 */
import { crc16KeyBytes, crc16KeyString } from './crc16.js';
import { ClusterError, describeValue } from './errors.js';

/** CLUSTER_SLOTS in redis/src/cluster.h. */
export const CLUSTER_SLOTS = 16384;
const SLOT_MASK = 0x3fff;
const OPEN = 0x7b; // '{'
const CLOSE = 0x7d; // '}'

/** A key as a client sends it: a JS string (sent as UTF-8) or raw bytes (a Buffer is a Uint8Array). */
export type RedisKey = string | Uint8Array;

/** The hash slot of `key`, in [0, 16384). Throws ClusterError('KEY_TYPE') for any other type. */
export function keyHashSlot(key: RedisKey): number {
  if (typeof key === 'string') return crc16KeyString(key) & SLOT_MASK;
  if (key instanceof Uint8Array) return crc16KeyBytes(key) & SLOT_MASK;
  throw new ClusterError('KEY_TYPE', `keyHashSlot: expected a string or Uint8Array key, found ${describeValue(key)}`);
}

/**
 * The hash tag of a key — the substring (for a string) or sub-array (for bytes) that keyHashSlot
 * hashes — or undefined when the whole key is hashed. For teaching and the examples; routing only
 * needs keyHashSlot.
 */
export function hashTag(key: RedisKey): string | Uint8Array | undefined {
  if (typeof key === 'string') {
    const s = key.indexOf('{');
    if (s === -1) return undefined;
    const e = key.indexOf('}', s + 1);
    return e > s + 1 ? key.slice(s + 1, e) : undefined;
  }
  if (key instanceof Uint8Array) {
    const s = key.indexOf(OPEN);
    if (s === -1) return undefined;
    const e = key.indexOf(CLOSE, s + 1);
    return e > s + 1 ? key.subarray(s + 1, e) : undefined;
  }
  throw new ClusterError('KEY_TYPE', `hashTag: expected a string or Uint8Array key, found ${describeValue(key)}`);
}

/** Throws ClusterError('SLOT_RANGE') unless `slot` is an integer in [0, 16384). */
export function assertSlot(slot: unknown, what = 'slot'): asserts slot is number {
  if (typeof slot !== 'number' || !Number.isInteger(slot) || slot < 0 || slot >= CLUSTER_SLOTS) {
    throw new ClusterError('SLOT_RANGE', `${what}: expected an integer in [0, ${CLUSTER_SLOTS}), found ${describeValue(slot)}`);
  }
}
