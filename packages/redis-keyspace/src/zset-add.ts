/**
 * t_zset.c zsetAdd's encoding rule, shared by the sorted-set commands and the keyspace's restore:
 * a listpack zset becomes a skiplist for good when a new member would make it longer than
 * zset-max-listpack-entries or wider than zset-max-listpack-value.
 */
import type { ZsetVal } from './values.js';

/** t_zset.c zsetAdd (listpack → skiplist when a new member makes it too long or too wide). */
export function zsetAddMember(z: ZsetVal, member: string, score: number, maxEntries: number, maxValue: number): void {
  if (z.listpack && !z.m.has(member) && (z.m.size + 1 > maxEntries || member.length > maxValue)) z.listpack = false;
  z.set(member, zsetStoredScore(z, score));
}

/** zsetAddMember for a caller that has just found `member` absent (ZADD): one dict probe fewer. */
export function zsetAddNewMember(z: ZsetVal, member: string, score: number, maxEntries: number, maxValue: number): void {
  if (z.listpack && (z.m.size + 1 > maxEntries || member.length > maxValue)) z.listpack = false;
  z.add(member, zsetStoredScore(z, score));
}

/**
 * A listpack stores the score as text or an integer entry, and -0 reads back as 0 (observed on
 * 7.0.15: `ZADD z -0 y` then ZSCORE gives "0", while `ZADD z INCR -0 m` replies "-0").
 */
export function zsetStoredScore(z: ZsetVal, score: number): number {
  return z.listpack && score === 0 ? 0 : score;
}

