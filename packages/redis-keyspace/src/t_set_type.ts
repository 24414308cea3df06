/**
 * The set type's own helpers from the top of t_set.c (setTypeCreate, setTypeAdd, and the order a
 * set replies its members in), split from t_set.ts; the commands are in t_set.ts / t_set_ops.ts.
 */
import { SetVal, intsetable, intsetOrder, intsetValueEncoding } from './values.js';

/**
 * t_set.c setTypeAdd with the intset → hashtable conversions; an intset member wider than the
 * intset's encoding widens it (intset.c intsetAdd → intsetUpgradeAndAdd).
 */
export function setAdd(s: SetVal, member: string, maxIntset: number): boolean {
  if (s.m.has(member)) return false;
  if (s.intset) {
    const enc = intsetValueEncoding(member);
    if (enc === undefined) s.intset = false;
    else if (enc > s.intsetEnc) s.intsetEnc = enc;
  }
  s.m.add(member);
  if (s.intset && s.m.size > maxIntset) s.intset = false;
  return true;
}

/** The members in the order the encoding replies them (intset: ascending). */
export function membersOf(s: SetVal): string[] {
  return s.intset ? intsetOrder(s.m) : [...s.m];
}

/** setTypeCreate: an intset when the first member is an integer (and intsets are allowed). */
export function newSet(first: string): SetVal {
  return new SetVal(intsetable(first), new Set());
}
