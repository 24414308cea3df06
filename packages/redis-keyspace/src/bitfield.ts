/**
 * BITFIELD and BITFIELD_RO (redis/redis src/bitops.c bitfieldGeneric, 7.0): GET / SET / INCRBY
 * of i1..i64 and u1..u63 integers at any bit offset ("#n" = n times the width), with OVERFLOW
 * WRAP|SAT|FAIL applying to the operations after it.
 *
 * As in Redis, every operation is parsed before any runs (a bad one fails the whole command), a
 * command with a SET or INCRBY creates or zero-pads the string up to the farthest bit written
 * (lookupStringForBitCommand), and the replies come in order: the value (INCRBY: the new one;
 * SET: the old one) or a null for a FAIL overflow, which writes nothing. server.dirty grows by
 * the number of writes that changed the string (or all writes when it was created or grew), so
 * BITFIELD is propagated only if it wrote; BITFIELD_RO answers only GETs and never writes.
 */
import type { RespValue } from '@protolab/resp';
import { string2ll } from '@protolab/redis-common';
import { E, NULL_BULK, array, err, int } from './replies.js';
import type { Ctx } from './server.js';
import type { RawStr } from './values.js';
import { KeyspaceError } from './types.js';
import { arg, isType, lookupKeyRead, optName } from './server.js';
import type { ByteStore, StrVal } from './bitops-helpers.js';
import {
  BFOVERFLOW_FAIL, BFOVERFLOW_SAT, BFOVERFLOW_WRAP, byteOf, checkSignedBitfieldOverflow, checkUnsignedBitfieldOverflow,
  getBitOffsetFromArgument, getBitfieldTypeFromArgument, getSignedBitfield, getUnsignedBitfield, lookupStringForBitCommand,
  noteHighByte, setSignedBitfield, setUnsignedBitfield,
} from './bitops-helpers.js';
import { NOTIFY_STRING, notifyKeyspaceEvent } from './notify.js';

const BITFIELDOP_GET = 0;
const BITFIELDOP_SET = 1;
const BITFIELDOP_INCRBY = 2;

/** bitops.c struct bitfieldOp. */
interface BitfieldOp {
  offset: number;
  /** Increment (INCRBY) or value (SET). */
  i64: bigint;
  opcode: number;
  owtype: number;
  bits: number;
  sign: boolean;
}

const OVERFLOW_TYPES = new Map<string, number>([['wrap', BFOVERFLOW_WRAP], ['sat', BFOVERFLOW_SAT], ['fail', BFOVERFLOW_FAIL]]);

/** The operations of argv[2..], or the first error (bitfieldGeneric's parsing loop). */
function parseOps(c: Ctx): { ops: BitfieldOp[]; readonly: boolean; highestWriteOffset: number } | RespValue {
  const ops: BitfieldOp[] = [];
  let owtype = BFOVERFLOW_WRAP;
  let readonly = true;
  let highestWriteOffset = 0;
  const argc = c.argv.length;
  for (let j = 2; j < argc; j++) {
    const remargs = argc - j - 1;
    const subcmd = optName(arg(c, j));
    let opcode: number;
    if (subcmd === 'get' && remargs >= 2) opcode = BITFIELDOP_GET;
    else if (subcmd === 'set' && remargs >= 3) opcode = BITFIELDOP_SET;
    else if (subcmd === 'incrby' && remargs >= 3) opcode = BITFIELDOP_INCRBY;
    else if (subcmd === 'overflow' && remargs >= 1) {
      const t = OVERFLOW_TYPES.get(optName(arg(c, j + 1)));
      if (t === undefined) return err('ERR Invalid OVERFLOW type specified');
      owtype = t;
      j++;
      continue;
    } else return err(E.syntax);
    const type = getBitfieldTypeFromArgument(arg(c, j + 1));
    if ('type' in type) return type;
    const bitoffset = getBitOffsetFromArgument(arg(c, j + 2), true, type.bits);
    if (typeof bitoffset !== 'number') return bitoffset;
    let i64 = 0n;
    if (opcode !== BITFIELDOP_GET) {
      readonly = false;
      if (highestWriteOffset < bitoffset + type.bits - 1) highestWriteOffset = bitoffset + type.bits - 1;
      const v = string2ll(arg(c, j + 3));
      if (v === undefined) return err(E.notInteger);
      i64 = v;
    }
    ops.push({ offset: bitoffset, i64, opcode, owtype, bits: type.bits, sign: type.sign });
    j += opcode === BITFIELDOP_GET ? 2 : 3;
  }
  return { ops, readonly, highestWriteOffset };
}

/**
 * GET's trick in bitfieldGeneric: the (up to) 9 bytes from the field's first byte, copied with
 * zeros past the end of the string, so a field may run past the string's end.
 */
function getWindow(v: StrVal | undefined, byte: number): ByteStore {
  const buf = new Uint8Array(9);
  if (v !== undefined) for (let i = 0; i < 9 && byte + i < v.length; i++) buf[i] = byteOf(v, byte + i);
  return { byteAt: (i) => buf[i] ?? 0, setByte: (i, b) => { buf[i] = b; } };
}

function bitfieldGeneric(c: Ctx, readonlyCommand: boolean): RespValue {
  const parsed = parseOps(c);
  if ('type' in parsed) return parsed;
  const { ops } = parsed;
  let v: StrVal | undefined;
  let p: RawStr | undefined;
  let grown = false;
  if (parsed.readonly) {
    // A missing key reads as zeros; another type is WRONGTYPE.
    const o = lookupKeyRead(c, arg(c, 1));
    if (o !== undefined) {
      if (!isType(o.val, 'string')) return err(E.wrongType);
      v = o.val;
    }
  } else {
    if (readonlyCommand) return err('ERR BITFIELD_RO only supports the GET subcommand');
    const o = lookupStringForBitCommand(c, parsed.highestWriteOffset);
    if ('type' in o) return o;
    v = p = o.raw;
    grown = o.dirty;
  }
  const out: RespValue[] = [];
  let changes = 0;
  for (const op of ops) {
    if (op.opcode === BITFIELDOP_GET) {
      const byte = Math.floor(op.offset / 8);
      const win = getWindow(v, byte);
      const at = op.offset - byte * 8;
      out.push(int(op.sign ? getSignedBitfield(win, at, op.bits) : getUnsignedBitfield(win, at, op.bits)));
      continue;
    }
    if (p === undefined) throw new KeyspaceError('INTERNAL', 'BITFIELD: a write without its string');
    const oldval = op.sign ? getSignedBitfield(p, op.offset, op.bits) : getUnsignedBitfield(p, op.offset, op.bits);
    let newval: bigint;
    let retval: bigint;
    let overflow: number;
    if (op.sign) {
      if (op.opcode === BITFIELDOP_INCRBY) {
        const o = checkSignedBitfieldOverflow(oldval, op.i64, op.bits, op.owtype);
        overflow = o.dir;
        newval = overflow !== 0 ? o.limit : oldval + op.i64;
        retval = newval;
      } else {
        newval = op.i64;
        const o = checkSignedBitfieldOverflow(newval, 0n, op.bits, op.owtype);
        overflow = o.dir;
        if (overflow !== 0) newval = o.limit;
        retval = oldval;
      }
    } else {
      // uint64_t arithmetic: a negative SET value is its two's complement, the sum wraps at 2^64.
      if (op.opcode === BITFIELDOP_INCRBY) {
        newval = BigInt.asUintN(64, oldval + op.i64);
        const o = checkUnsignedBitfieldOverflow(oldval, op.i64, op.bits, op.owtype);
        overflow = o.dir;
        if (overflow !== 0) newval = o.limit;
        retval = newval;
      } else {
        newval = BigInt.asUintN(64, op.i64);
        const o = checkUnsignedBitfieldOverflow(newval, 0n, op.bits, op.owtype);
        overflow = o.dir;
        if (overflow !== 0) newval = o.limit;
        retval = oldval;
      }
    }
    // OVERFLOW FAIL: nothing written, a null in the reply.
    if (overflow !== 0 && op.owtype === BFOVERFLOW_FAIL) {
      out.push(NULL_BULK);
      continue;
    }
    out.push(int(BigInt.asIntN(64, retval)));
    if (op.sign) setSignedBitfield(p, op.offset, op.bits, newval);
    else setUnsignedBitfield(p, op.offset, op.bits, newval);
    for (let b = Math.floor(op.offset / 8); b <= Math.floor((op.offset + op.bits - 1) / 8); b++) noteHighByte(c, p.byteAt(b));
    if (grown || oldval !== newval) changes++;
  }
  // bitops.c bitfieldGeneric: one "setbit" when anything changed
  if (changes > 0) notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'setbit', arg(c, 1), c.client.db.id);
  c.core.dirty += changes;
  return array(out);
}

/** BITFIELD key [GET type offset | SET type offset value | INCRBY type offset incr | OVERFLOW WRAP|SAT|FAIL] ... */
export function bitfieldCommand(c: Ctx): RespValue {
  return bitfieldGeneric(c, false);
}

/** BITFIELD_RO key [GET type offset ...] (bitfieldGeneric with BITFIELD_FLAG_READONLY). */
export function bitfieldroCommand(c: Ctx): RespValue {
  return bitfieldGeneric(c, true);
}
