/**
 * Bitmap commands (redis/redis src/bitops.c, 7.0): SETBIT, GETBIT, BITOP, BITCOUNT, BITPOS here,
 * BITFIELD / BITFIELD_RO in bitfield.ts, the shared low-level functions in bitops-helpers.ts.
 * Registered through BITMAP_COMMANDS (commands.ts).
 *
 * A bitmap is a string: SETBIT/BITFIELD writes create or zero-pad it and leave it raw-encoded
 * (lookupStringForBitCommand → dbUnshareStringValue), BITOP stores a new raw string. Reads treat
 * missing keys as all-zero strings and int-encoded values as their decimal text.
 *
 * What each write propagates follows server.c call(): SETBIT only when it created or grew the
 * string or flipped the bit (redis-server 7.0.15 leaves rdb_changes_since_last_save alone for
 * `SETBIT k 7 1` twice); BITOP whenever it stored a result or deleted the destination.
 */
import type { RespValue } from '@protolab/resp';
import { string2ll } from '@protolab/redis-common';
import { E, err, int } from './replies.js';
import { RawStr } from './values.js';
import { VALUE_ASCII } from './db.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, isReply, isType, lookupKeyRead, lookupKeyReadOrReply, lookupKeyWrite, optName } from './server.js';
import {
  byteOf, getBitOffsetFromArgument, hasHighByte, lookupStringForBitCommand, noteHighByte, readOnlyBytes,
  redisBitpos, redisPopcount,
} from './bitops-helpers.js';
import { bitfieldCommand, bitfieldroCommand } from './bitfield.js';
import { NOTIFY_GENERIC, NOTIFY_STRING, notifyKeyspaceEvent } from './notify.js';

const E_BIT = 'ERR bit is not an integer or out of range';
const E_BITPOS_BIT = 'ERR The bit argument must be 1 or 0.';
const E_BITOP_NOT = 'ERR BITOP NOT must be called with a single source key.';

/** SETBIT key offset value (bitops.c setbitCommand): the bit's previous value. */
function setbitCommand(c: Ctx): RespValue {
  const bitoffset = getBitOffsetFromArgument(arg(c, 2), false, 0);
  if (typeof bitoffset !== 'number') return bitoffset;
  const on = string2ll(arg(c, 3)); // getLongFromObjectOrReply, then "on & ~1"
  if (on === undefined || (on !== 0n && on !== 1n)) return err(E_BIT);
  const o = lookupStringForBitCommand(c, bitoffset);
  if ('type' in o) return o;
  const byte = Math.floor(bitoffset / 8);
  const bit = 7 - (bitoffset % 8);
  const byteval = o.raw.byteAt(byte);
  const bitval = (byteval >> bit) & 1;
  const onbit = Number(on);
  // Created, grown, or the bit flips: only then is the key modified (and the command propagated).
  if (o.dirty || bitval !== onbit) {
    const updated = (byteval & ~(1 << bit)) | (onbit << bit);
    o.raw.setByte(byte, updated);
    noteHighByte(c, updated);
    notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'setbit', arg(c, 1), c.client.db.id); // bitops.c setbitCommand
    c.core.dirty++;
  }
  return int(bitval);
}

/** GETBIT key offset (bitops.c getbitCommand): 0 past the end of the string or for a missing key. */
function getbitCommand(c: Ctx): RespValue {
  const bitoffset = getBitOffsetFromArgument(arg(c, 2), false, 0);
  if (typeof bitoffset !== 'number') return bitoffset;
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'string', int(0));
  if (isReply(o)) return o;
  const byte = Math.floor(bitoffset / 8);
  const bit = 7 - (bitoffset % 8);
  if (byte >= o.val.length) return int(0);
  return int((byteOf(o.val, byte) >> bit) & 1);
}

type BitopOp = 'and' | 'or' | 'xor' | 'not';
const BITOP_OPS = new Map<string, BitopOp>([['and', 'and'], ['or', 'or'], ['xor', 'xor'], ['not', 'not']]);
const EMPTY = new Uint8Array(0);

/**
 * BITOP AND|OR|XOR|NOT destkey key [key ...] (bitops.c bitopCommand): the sources (a missing key
 * is an empty string) combined byte by byte, shorter ones zero-padded to the longest; the result
 * replaces destkey (its TTL dropped, as setKey does) or, when every source is empty, destkey is
 * deleted. The reply is the result's length.
 */
function bitopCommand(c: Ctx): RespValue {
  const op = BITOP_OPS.get(optName(arg(c, 1)));
  if (op === undefined) return err(E.syntax);
  if (op === 'not' && c.argv.length !== 4) return err(E_BITOP_NOT);
  const numkeys = c.argv.length - 3;
  const src: Uint8Array[] = [];
  let maxlen = 0;
  for (let j = 0; j < numkeys; j++) {
    const o = lookupKeyRead(c, arg(c, j + 3));
    if (o === undefined) {
      src.push(EMPTY);
      continue;
    }
    if (!isType(o.val, 'string')) return err(E.wrongType);
    const bytes = readOnlyBytes(o.val, 0, o.val.length);
    src.push(bytes);
    if (bytes.length > maxlen) maxlen = bytes.length;
  }
  const db = c.client.db;
  const targetkey = arg(c, 2);
  if (maxlen === 0) {
    // dbDelete: no lazy-expiry lookup first, so an expired destination counts as deleted.
    const slot = db.dict.get(targetkey);
    if (slot !== undefined) {
      c.core.deleteKey(db, slot);
      c.core.dirty++;
      notifyKeyspaceEvent(c.core, NOTIFY_GENERIC, 'del', targetkey, db.id); // bitopCommand
    }
    return int(0);
  }
  const res = bitopCompute(op, src, maxlen);
  // setKey: lookupKeyWrite (expires the old key lazily), then add or overwrite without its TTL.
  lookupKeyWrite(c, targetkey);
  const raw = RawStr.fromBytes(res);
  const slot = db.dict.get(targetkey);
  if (slot === undefined) db.add(targetkey, raw, VALUE_ASCII);
  else {
    db.overwrite(slot, raw, VALUE_ASCII);
    db.setLru(slot, c.core.cmdNow);
    db.removeExpire(slot);
  }
  if (!db.highStrings && hasHighByte(res)) db.highStrings = true;
  notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'set', targetkey, db.id); // bitopCommand
  c.core.dirty++;
  return int(maxlen);
}

/** bitopCommand's loop: one pass per source, bytes past a source's end read as 0. */
export function bitopCompute(op: BitopOp, src: readonly Uint8Array[], maxlen: number): Uint8Array {
  const res = new Uint8Array(maxlen);
  const first = src[0] ?? EMPTY;
  res.set(first);
  if (op === 'not') {
    for (let i = 0; i < maxlen; i++) res[i] = ~(res[i] ?? 0) & 0xff;
    return res;
  }
  for (let k = 1; k < src.length; k++) {
    const s = src[k] ?? EMPTY;
    const n = s.length;
    if (op === 'and') {
      for (let i = 0; i < n; i++) res[i] = (res[i] ?? 0) & (s[i] ?? 0);
      res.fill(0, n);
    } else if (op === 'or') {
      for (let i = 0; i < n; i++) res[i] = (res[i] ?? 0) | (s[i] ?? 0);
    } else {
      for (let i = 0; i < n; i++) res[i] = (res[i] ?? 0) ^ (s[i] ?? 0);
    }
  }
  return res;
}

/**
 * A BITCOUNT / BITPOS range after Redis's normalisation, in bytes, with the masks of the bits
 * outside a BIT range in the first and last byte (first_byte_neg_mask / last_byte_neg_mask).
 */
interface ByteRange {
  start: number;
  end: number;
  firstMask: number;
  lastMask: number;
}

/**
 * The shared part of bitcountCommand / bitposCommand: negative indexes count from the end, both
 * ends are clamped to the string (in bits when `isbit`), and a BIT range becomes a byte range
 * plus edge masks. start > end (as numbers) is the empty range.
 */
function normalizeRange(start: bigint, end: bigint, strlen: number, isbit: boolean): ByteRange {
  const totlen = isbit ? BigInt(strlen) * 8n : BigInt(strlen);
  if (start < 0n) start = totlen + start;
  if (end < 0n) end = totlen + end;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= totlen) end = totlen - 1n;
  let s = Number(start > totlen ? totlen : start);
  let e = Number(end);
  let firstMask = 0, lastMask = 0;
  if (isbit && s <= e) {
    firstMask = ~((1 << (8 - (s % 8))) - 1) & 0xff;
    lastMask = (1 << (7 - (e % 8))) - 1;
    s = Math.floor(s / 8);
    e = Math.floor(e / 8);
  }
  return { start: s, end: e, firstMask, lastMask };
}

/** The BIT|BYTE argument (strcasecmp): true for BIT, false for BYTE, undefined otherwise. */
function bitUnit(a: string): boolean | undefined {
  const u = optName(a);
  return u === 'bit' ? true : u === 'byte' ? false : undefined;
}

/**
 * BITCOUNT key [start end [BYTE|BIT]] (bitops.c bitcountCommand, 7.0): the key is looked up
 * first, so a missing key answers 0 whatever the arguments (redis-server 7.0.15 does). Both ends
 * negative with start > end is the empty range before clamping.
 */
function bitcountCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'string', int(0));
  if (isReply(o)) return o;
  const argc = c.argv.length;
  const strlen = o.val.length;
  let r: ByteRange;
  if (argc === 4 || argc === 5) {
    const start = string2ll(arg(c, 2));
    if (start === undefined) return err(E.notInteger);
    const end = string2ll(arg(c, 3));
    if (end === undefined) return err(E.notInteger);
    // 7.0 answers an inverted negative range before it reads BYTE|BIT: `BITCOUNT k -2 -100 FOO` is 0.
    if (start < 0n && end < 0n && start > end) return int(0);
    let isbit: boolean | undefined = false;
    if (argc === 5) {
      isbit = bitUnit(arg(c, 4));
      if (isbit === undefined) return err(E.syntax);
    }
    r = normalizeRange(start, end, strlen, isbit);
  } else if (argc === 2) {
    r = { start: 0, end: strlen - 1, firstMask: 0, lastMask: 0 };
  } else return err(E.syntax);
  if (r.start > r.end) return int(0);
  let count = redisPopcount(readOnlyBytes(o.val, r.start, r.end - r.start + 1));
  // Bits of the edge bytes outside a BIT range were counted: take them back out.
  if (r.firstMask !== 0 || r.lastMask !== 0) {
    const firstlast = new Uint8Array(2);
    if (r.firstMask !== 0) firstlast[0] = byteOf(o.val, r.start) & r.firstMask;
    if (r.lastMask !== 0) firstlast[1] = byteOf(o.val, r.end) & r.lastMask;
    count -= redisPopcount(firstlast);
  }
  return int(count);
}

/**
 * BITPOS key bit [start [end [BYTE|BIT]]] (bitops.c bitposCommand, 7.0): the bit argument is
 * checked first, then a missing key is all zeros (-1 looking for a 1, 0 looking for a 0), then the
 * range. With an explicit end, a 0 found only in the padding past the range is -1. In BIT mode
 * the masked first byte, the whole bytes between and the masked last byte are searched in turn,
 * as Redis does.
 */
function bitposCommand(c: Ctx): RespValue {
  const bitArg = string2ll(arg(c, 2));
  if (bitArg === undefined) return err(E.notInteger);
  if (bitArg !== 0n && bitArg !== 1n) return err(E_BITPOS_BIT);
  const bit = Number(bitArg);
  const o = lookupKeyRead(c, arg(c, 1));
  if (o === undefined) return int(bit === 1 ? -1 : 0);
  if (!isType(o.val, 'string')) return err(E.wrongType);
  const v = o.val;
  const argc = c.argv.length;
  const strlen = v.length;
  let endGiven = false;
  let r: ByteRange;
  if (argc === 4 || argc === 5 || argc === 6) {
    const start = string2ll(arg(c, 3));
    if (start === undefined) return err(E.notInteger);
    let isbit: boolean | undefined = false;
    if (argc === 6) {
      isbit = bitUnit(arg(c, 5));
      if (isbit === undefined) return err(E.syntax);
    }
    let end: bigint;
    if (argc >= 5) {
      const e = string2ll(arg(c, 4));
      if (e === undefined) return err(E.notInteger);
      end = e;
      endGiven = true;
    } else end = isbit ? BigInt(strlen) * 8n + 7n : BigInt(strlen) - 1n;
    r = normalizeRange(start, end, strlen, isbit);
  } else if (argc === 3) {
    r = { start: 0, end: strlen - 1, firstMask: 0, lastMask: 0 };
  } else return err(E.syntax);
  if (r.start > r.end) return int(-1);
  let { start } = r;
  let bytes = r.end - r.start + 1;
  let pos: number;
  const oneByte = (b: number): number => redisBitpos(Uint8Array.of(b), bit);
  found: {
    if (r.firstMask !== 0) {
      let tmpchar = bit === 1 ? byteOf(v, start) & ~r.firstMask & 0xff : byteOf(v, start) | r.firstMask;
      if (r.lastMask !== 0 && bytes === 1) tmpchar = bit === 1 ? tmpchar & ~r.lastMask & 0xff : tmpchar | r.lastMask;
      pos = oneByte(tmpchar);
      if (bytes === 1 || (pos !== -1 && pos !== 8)) break found;
      start++;
      bytes--;
    }
    // The last byte holds bits outside a BIT range: search the whole bytes before it first.
    const curbytes = bytes - (r.lastMask !== 0 ? 1 : 0);
    if (curbytes > 0) {
      pos = redisBitpos(readOnlyBytes(v, start, curbytes), bit);
      if (bytes === curbytes || (pos !== -1 && pos !== curbytes * 8)) break found;
      start += curbytes;
      bytes -= curbytes;
    }
    pos = oneByte(bit === 1 ? byteOf(v, r.end) & ~r.lastMask & 0xff : byteOf(v, r.end) | r.lastMask);
  }
  // An explicit end: the zero padding past the range is not part of it.
  if (endGiven && bit === 0 && pos === bytes * 8) return int(-1);
  if (pos !== -1) pos += start * 8;
  return int(pos);
}

/** The bitmap rows of the command table (commands.def, 7.0): arity, flags, key range. */
export const BITMAP_COMMANDS: readonly CommandSpec[] = [
  cmd('setbit', 4, ['write', 'denyoom'], [1, 1, 1], 'bitmap', setbitCommand),
  cmd('getbit', 3, ['readonly', 'fast'], [1, 1, 1], 'bitmap', getbitCommand),
  cmd('bitcount', -2, ['readonly'], [1, 1, 1], 'bitmap', bitcountCommand),
  cmd('bitpos', -3, ['readonly'], [1, 1, 1], 'bitmap', bitposCommand),
  cmd('bitop', -4, ['write', 'denyoom'], [2, -1, 1], 'bitmap', bitopCommand),
  cmd('bitfield', -2, ['write', 'denyoom'], [1, 1, 1], 'bitmap', bitfieldCommand),
  cmd('bitfield_ro', -2, ['readonly', 'fast'], [1, 1, 1], 'bitmap', bitfieldroCommand),
];
