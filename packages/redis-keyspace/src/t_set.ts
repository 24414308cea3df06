/**
 * Set commands (t_set.c). Registered in the command table through SET_COMMANDS (see commands.ts
 * for how a type file plugs in).
 *
 * Encodings as 7.0: intset while every member is an integer and there are ≤ 512, else hashtable
 * for good (7.0 has no listpack sets). A hashtable set replies in insertion order where Redis
 * replies in hash order (an approximation the README lists). Random picks (SPOP, SRANDMEMBER)
 * come from the keyspace's injected PRNG; they copy the members once per command (O(n) per call,
 * where Redis picks a random bucket in O(1)).
 *
 * Propagation (7.0): SPOP is rewritten to SREM of the popped member; SPOP with a count to one
 * SREM per popped member (t_set.c spopWithCountCommand's alsoPropagate; MULTI/EXEC around two or
 * more), or to DEL when it pops the whole set; the *STORE commands and SMOVE propagate as
 * received when they changed something.
 */
import type { RespValue } from '@protolab/resp';
import { EMPTY_ARRAY, NULL_BULK, E, err, int, bulk, array, emptySet, setReply } from './replies.js';
import { SetVal, intsetOrder } from './values.js';
import { LLONG_MAX } from './numbers.js';
import { string2ll } from '@protolab/redis-common';
import { parseScanCursor } from './scan.js';
import { EMPTY_SCAN, parseScanOptions, scanAll, scanDict, scanGeneric } from './scan-commands.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, lookupKeyReadOrReply, lookupKeyWriteOrReply, lookupTypedWrite } from './server.js';
import { NOTIFY_GENERIC, NOTIFY_SET, notifyKeyspaceEvent } from './notify.js';
import { membersOf, newSet, setAdd } from './t_set_type.js';
import { setOpCommand, sintercardCommand } from './t_set_ops.js';

export { setAdd } from './t_set_type.js';

function saddCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const key = arg(c, 1);
  const o = lookupTypedWrite(c, key, 'set');
  if (o !== undefined && isReply(o)) return o;
  let set: SetVal;
  if (o === undefined) {
    set = newSet(arg(c, 2));
    db.add(key, set);
  } else set = o.val;
  let added = 0;
  for (let j = 2; j < c.argv.length; j++) if (setAdd(set, arg(c, j), c.core.thresholds.setMaxIntsetEntries)) added++;
  if (added > 0) notifyKeyspaceEvent(c.core, NOTIFY_SET, 'sadd', key, db.id); // t_set.c saddCommand
  c.core.dirty += added;
  return int(added);
}

function sremCommand(c: Ctx): RespValue {
  const o = lookupKeyWriteOrReply(c, arg(c, 1), 'set', int(0));
  if (isReply(o)) return o;
  let removed = 0;
  let keyremoved = false;
  for (let j = 2; j < c.argv.length; j++) {
    if (o.val.m.delete(arg(c, j))) removed++;
    if (o.val.m.size === 0) {
      c.core.deleteKey(c.client.db, o.slot);
      keyremoved = true;
      break;
    }
  }
  if (removed > 0) {
    notifyKeyspaceEvent(c.core, NOTIFY_SET, 'srem', arg(c, 1), c.client.db.id); // sremCommand
    if (keyremoved) notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, 1), c.client.db.id);
  }
  c.core.dirty += removed;
  return int(removed);
}

function smembersCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', emptySet(c));
  if (isReply(o)) return o;
  return setReply(c, membersOf(o.val).map(bulk));
}

function scardCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', int(0));
  if (isReply(o)) return o;
  return int(o.val.m.size);
}

function sismemberCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', int(0));
  if (isReply(o)) return o;
  return int(o.val.m.has(arg(c, 2)) ? 1 : 0);
}

function smismemberCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', EMPTY_ARRAY);
  const out: RespValue[] = [];
  if (!isReply(o) || o.type === 'array') {
    for (let j = 2; j < c.argv.length; j++) out.push(int(!isReply(o) && o.val.m.has(arg(c, j)) ? 1 : 0));
    return array(out);
  }
  return o;
}

/** t_set.c smoveCommand. */
function smoveCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const src = lookupKeyWriteOrReply(c, arg(c, 1), 'set', int(0));
  const dkey = arg(c, 2);
  const dst = lookupTypedWrite(c, dkey, 'set');
  if (isReply(src)) return src; // a missing source answers 0 before the destination's type is checked
  if (dst !== undefined && isReply(dst)) return dst;
  const member = arg(c, 3);
  if (src.val === dst?.val) return int(src.val.m.has(member) ? 1 : 0);
  if (!src.val.m.delete(member)) return int(0);
  notifyKeyspaceEvent(c.core, NOTIFY_SET, 'srem', arg(c, 1), db.id); // smoveCommand: srem [del] … sadd
  if (src.val.m.size === 0) {
    c.core.deleteKey(db, src.slot);
    notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', arg(c, 1), db.id);
  }
  let target: SetVal;
  if (dst === undefined) {
    target = newSet(member);
    db.add(dkey, target);
  } else target = dst.val;
  c.core.dirty++;
  if (setAdd(target, member, c.core.thresholds.setMaxIntsetEntries)) {
    c.core.dirty++;
    notifyKeyspaceEvent(c.core, NOTIFY_SET, 'sadd', dkey, db.id);
  }
  return int(1);
}

/** Draw one member uniformly with the keyspace's PRNG. */
function randomMember(c: Ctx, members: readonly string[]): string {
  return members[c.core.prng.int(0, members.length)] ?? '';
}

/** t_set.c SPOP_MOVE_STRATEGY_MUL: SPOP with a count rebuilds the set when count ≥ 5 × what stays. */
const SPOP_MOVE_STRATEGY_MUL = 5;

/** t_set.c spopCommand / spopWithCountCommand. */
function spopCommand(c: Ctx): RespValue {
  if (c.argv.length > 3) return err(E.syntax);
  const key = arg(c, 1);
  if (c.argv.length === 3) return spopWithCount(c, key);
  const o = lookupKeyWriteOrReply(c, key, 'set', NULL_BULK);
  if (isReply(o)) return o;
  const m = randomMember(c, membersOf(o.val));
  o.val.m.delete(m);
  notifyKeyspaceEvent(c.core, NOTIFY_SET, 'spop', key, c.client.db.id); // spopCommand: spop, then del if emptied
  if (o.val.m.size === 0) {
    c.core.deleteKey(c.client.db, o.slot);
    notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', key, c.client.db.id);
  }
  c.core.dirty++;
  c.propagateAs = ['SREM', key, m];
  return bulk(m);
}

function spopWithCount(c: Ctx, key: string): RespValue {
  const n = string2ll(arg(c, 2));
  if (n === undefined || n < 0n) return err('ERR value is out of range, must be positive');
  // spopWithCountCommand answers with addReplySetLen (a set in RESP3), even when empty
  const o = lookupKeyWriteOrReply(c, key, 'set', emptySet(c));
  if (isReply(o)) return o;
  if (n === 0n) return emptySet(c);
  const members = membersOf(o.val);
  // t_set.c adds the requested count to server.dirty (a long long); protolab adds what is popped:
  // dirty is a JS number, and after += 2^63 a later dirty++ would vanish in rounding, so call()
  // would stop propagating writes (found by test/aof-form.test.ts).
  c.core.dirty += Math.min(Number(n), members.length);
  notifyKeyspaceEvent(c.core, NOTIFY_SET, 'spop', key, c.client.db.id); // spopWithCountCommand
  if (n >= BigInt(members.length)) {
    // CASE 1: the whole set; propagated as DEL
    c.core.deleteKey(c.client.db, o.slot);
    notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', key, c.client.db.id);
    c.propagateAs = ['DEL', key];
    return setReply(c, members.map(bulk));
  }
  // CASE 2/3: `count` distinct members (a partial Fisher–Yates shuffle), propagated as SREMs
  const count = Number(n);
  const remaining = members.length - count;
  let popped: string[] = [];
  for (let i = 0; i < count; i++) {
    const j = c.core.prng.int(i, members.length);
    const a = members[i] ?? '';
    const b = members[j] ?? '';
    members[i] = b;
    members[j] = a;
    popped.push(b);
  }
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // CASE 2: the popped members are removed from the set (an intset keeps its width)
    for (const m of popped) o.val.m.delete(m);
  } else {
    // CASE 3: the members that stay are moved to a new set (setTypeCreate + setTypeAdd: its
    // encoding and intset width are those of these members), which replaces the old one; the
    // old set, now holding the popped members, is what is replied and propagated, in its order.
    const kept = members.slice(count);
    const fresh = newSet(kept[0] ?? '');
    for (const m of kept) setAdd(fresh, m, c.core.thresholds.setMaxIntsetEntries);
    if (o.val.intset) popped = intsetOrder(popped);
    c.client.db.overwrite(o.slot, fresh);
  }
  // 7.0 propagates one SREM per popped member (alsoPropagate), so two or more come wrapped in
  // MULTI/EXEC (observed in a 7.0.15 AOF; 7.2 batches them)
  c.propagateAs = [];
  c.alsoPropagate = popped.map((m) => ({ db: c.client.db.id, argv: ['SREM', key, m] }));
  return setReply(c, popped.map(bulk));
}

/** t_set.c srandmemberCommand / srandmemberWithCountCommand. */
function srandmemberCommand(c: Ctx): RespValue {
  if (c.argv.length > 3) return err(E.syntax);
  if (c.argv.length === 2) {
    const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', NULL_BULK);
    if (isReply(o)) return o;
    return bulk(randomMember(c, membersOf(o.val)));
  }
  const n = string2ll(arg(c, 2));
  if (n === undefined) return err(E.notInteger);
  if (n < -LLONG_MAX) return err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', EMPTY_ARRAY);
  if (isReply(o)) return o;
  if (n === 0n) return EMPTY_ARRAY;
  const members = membersOf(o.val);
  if (n < 0n) {
    // CASE 1: repetitions allowed, |count| draws
    if (-n > 10_000_000n) return err('ERR value is out of range'); // bounded memory (ours, not Redis's)
    const out: RespValue[] = [];
    for (let i = 0n; i < -n; i++) out.push(bulk(randomMember(c, members)));
    return array(out);
  }
  if (n >= BigInt(members.length)) return array(members.map(bulk)); // CASE 2: the whole set
  const out: RespValue[] = [];
  for (let i = 0; i < Number(n); i++) {
    const j = c.core.prng.int(i, members.length);
    const a = members[i] ?? '';
    const b = members[j] ?? '';
    members[i] = b;
    members[j] = a;
    out.push(bulk(b));
  }
  return array(out);
}

/** t_set.c sscanCommand: an intset in one call (cursor 0), a hashtable through the dict walk. */
function sscanCommand(c: Ctx): RespValue {
  const cursor = parseScanCursor(arg(c, 2));
  if (cursor === undefined) return err('ERR invalid cursor');
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'set', EMPTY_SCAN);
  if (isReply(o)) return o;
  const opts = parseScanOptions(c, 3, false);
  if (!('count' in opts)) return opts;
  const s = o.val;
  const step = s.intset ? scanAll(() => membersOf(s).map((m) => [m])) : scanDict(() => [...s.m].map((m): [string, string[]] => [m, [m]]), s.m.size);
  return scanGeneric(cursor, opts, step);
}

const W = ['write', 'denyoom', 'fast'] as const;
const R = ['readonly', 'fast'] as const;

export const SET_COMMANDS: readonly CommandSpec[] = [
  cmd('sadd', -3, W, [1, 1, 1], 'set', saddCommand),
  cmd('srem', -3, ['write', 'fast'], [1, 1, 1], 'set', sremCommand),
  cmd('smembers', 2, ['readonly'], [1, 1, 1], 'set', smembersCommand),
  cmd('scard', 2, R, [1, 1, 1], 'set', scardCommand),
  cmd('sismember', 3, R, [1, 1, 1], 'set', sismemberCommand),
  cmd('smismember', -3, R, [1, 1, 1], 'set', smismemberCommand),
  cmd('smove', 4, ['write', 'fast'], [1, 2, 1], 'set', smoveCommand),
  cmd('spop', -2, ['write', 'fast'], [1, 1, 1], 'set', spopCommand),
  cmd('srandmember', -2, ['readonly'], [1, 1, 1], 'set', srandmemberCommand),
  cmd('sinter', -2, ['readonly'], [1, -1, 1], 'set', (c) => setOpCommand(c, 'inter', false)),
  cmd('sunion', -2, ['readonly'], [1, -1, 1], 'set', (c) => setOpCommand(c, 'union', false)),
  cmd('sdiff', -2, ['readonly'], [1, -1, 1], 'set', (c) => setOpCommand(c, 'diff', false)),
  cmd('sinterstore', -3, ['write', 'denyoom'], [1, -1, 1], 'set', (c) => setOpCommand(c, 'inter', true)),
  cmd('sunionstore', -3, ['write', 'denyoom'], [1, -1, 1], 'set', (c) => setOpCommand(c, 'union', true)),
  cmd('sdiffstore', -3, ['write', 'denyoom'], [1, -1, 1], 'set', (c) => setOpCommand(c, 'diff', true)),
  cmd('sintercard', -3, ['readonly'], [0, 0, 0], 'set', sintercardCommand, { getKeys: numkeysKeys }),
  cmd('sscan', -3, ['readonly'], [1, 1, 1], 'set', sscanCommand),
];

/** Keys of a `numkeys key …` command: argv[2 .. 2+numkeys). */
export function numkeysKeys(argv: readonly string[]): number[] {
  const nk = string2ll(argv[1] ?? '');
  if (nk === undefined || nk <= 0n) return [];
  const n = Math.min(Number(nk), argv.length - 2);
  return Array.from({ length: n }, (_, i) => i + 2);
}
