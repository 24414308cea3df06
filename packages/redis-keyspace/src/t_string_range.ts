/**
 * The byte-range string commands of t_string.c: APPEND, STRLEN, SETRANGE, GETRANGE/SUBSTR and
 * LCS. APPEND and SETRANGE write into a RawStr in place (dbUnshareStringValue, then sdscatlen /
 * sdsgrowzero), so growing a string costs amortised O(1) per byte added.
 */
import type { RespValue } from '@protolab/resp';
import { string2ll } from '@protolab/redis-common';
import { E, err, int, bulk, array, mapReply } from './replies.js';
import { RawStr, strOf } from './values.js';
import type { CommandSpec, Ctx, RObj } from './server.js';
import { arg, cmd, isReply, isType, lookupKeyRead, lookupKeyReadOrReply, lookupTypedWrite, optName } from './server.js';
import { NOTIFY_STRING, notifyKeyspaceEvent } from './notify.js';

/** server.proto_max_bulk_len default (512 MB): t_string.c checkStringLength's limit. */
export const PROTO_MAX_BULK_LEN = 512 * 1024 * 1024;
/**
 * The longest string value this keyspace holds: V8's String::kMaxLength on 64-bit (2^29 - 24
 * characters), 24 bytes under proto-max-bulk-len. Values are JavaScript binary strings, so a longer
 * one could not be read back (GET would throw). APPEND and SETRANGE refuse to pass it with Redis's
 * proto-max-bulk-len error, and a bit offset (SETBIT, BITFIELD) is refused from 8 bytes before it;
 * Redis would accept the last 24-32 bytes. README "Approximations".
 */
export const STRING_MAX_BYTES = Math.min(PROTO_MAX_BULK_LEN, 0x1fffffe8);
const E_TOO_BIG = 'ERR string exceeds maximum allowed size (proto-max-bulk-len)';
const EMPTY_BULK = bulk('');

/** db.c dbUnshareStringValue: the value as a RawStr that may be written in place. */
function unshare(c: Ctx, o: RObj<string | RawStr>): RawStr {
  if (o.val instanceof RawStr && o.val.enc === 'raw') return o.val;
  const raw = typeof o.val === 'string' ? RawStr.unshareOf(o.val) : new RawStr(strOf(o.val));
  c.client.db.overwrite(o.slot, raw);
  return raw;
}

function appendCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const key = arg(c, 1);
  const tail = arg(c, 2);
  const o = lookupTypedWrite(c, key, 'string');
  if (o !== undefined && isReply(o)) return o;
  let total: number;
  if (o === undefined) {
    db.add(key, tail); // new key: tryObjectEncoding, so int/embstr/raw by content
    total = tail.length;
  } else {
    if (o.val.length + tail.length > STRING_MAX_BYTES) return err(E_TOO_BIG);
    const raw = unshare(c, o);
    raw.append(tail);
    db.noteStringBytes(tail);
    total = raw.length;
  }
  c.core.dirty++;
  notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'append', key, db.id); // t_string.c appendCommand
  return int(total);
}

function strlenCommand(c: Ctx): RespValue {
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'string', int(0));
  if (isReply(o)) return o;
  return int(o.val.length);
}

/** t_string.c setrangeCommand. */
function setrangeCommand(c: Ctx): RespValue {
  const db = c.client.db;
  const key = arg(c, 1);
  const value = arg(c, 3);
  const off = string2ll(arg(c, 2));
  if (off === undefined) return err(E.notInteger);
  if (off < 0n) return err('ERR offset is out of range');
  const o = lookupTypedWrite(c, key, 'string');
  if (o !== undefined && isReply(o)) return o;
  if (o === undefined) {
    if (value.length === 0) return int(0);
    if (off + BigInt(value.length) > BigInt(STRING_MAX_BYTES)) return err(E_TOO_BIG);
    const raw = RawStr.zeroed(Number(off) + value.length); // sdsnewlen(NULL, offset + len): exact
    raw.write(Number(off), value);
    db.add(key, raw);
    db.noteStringBytes(value);
    c.core.dirty++;
    notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'setrange', key, db.id); // t_string.c setrangeCommand
    return int(raw.length);
  }
  if (value.length === 0) return int(o.val.length);
  if (off + BigInt(value.length) > BigInt(STRING_MAX_BYTES)) return err(E_TOO_BIG);
  const raw = unshare(c, o);
  raw.write(Number(off), value);
  db.noteStringBytes(value);
  c.core.dirty++;
  notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'setrange', key, db.id);
  return int(raw.length);
}

/** t_string.c getrangeCommand (SUBSTR is the same command under its old name). */
function getrangeCommand(c: Ctx): RespValue {
  let start = string2ll(arg(c, 2));
  let end = string2ll(arg(c, 3));
  if (start === undefined || end === undefined) return err(E.notInteger);
  const o = lookupKeyReadOrReply(c, arg(c, 1), 'string', EMPTY_BULK);
  if (isReply(o)) return o;
  const s = strOf(o.val);
  const n = BigInt(s.length);
  if (start < 0n && end < 0n && start > end) return EMPTY_BULK;
  if (start < 0n) start = n + start;
  if (end < 0n) end = n + end;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= n) end = n - 1n;
  if (start > end || n === 0n) return EMPTY_BULK;
  return bulk(s.slice(Number(start), Number(end) + 1));
}

interface LcsOptions {
  getLen: boolean;
  getIdx: boolean;
  withMatchLen: boolean;
  minMatchLen: bigint;
}

function parseLcsOptions(c: Ctx): LcsOptions | RespValue {
  const opts: LcsOptions = { getLen: false, getIdx: false, withMatchLen: false, minMatchLen: 0n };
  for (let j = 3; j < c.argv.length; j++) {
    const o = optName(arg(c, j));
    const more = c.argv.length - 1 - j;
    if (o === 'idx') opts.getIdx = true;
    else if (o === 'len') opts.getLen = true;
    else if (o === 'withmatchlen') opts.withMatchLen = true;
    else if (o === 'minmatchlen' && more > 0) {
      const v = string2ll(arg(c, j + 1));
      if (v === undefined) return err(E.notInteger);
      opts.minMatchLen = v < 0n ? 0n : v;
      j++;
    } else return err(E.syntax);
  }
  if (opts.getIdx && opts.getLen) return err('ERR If you want both the length and indexes, please just use IDX.');
  return opts;
}

/**
 * Cells of the LCS table we agree to allocate (Redis allocates (|a|+1)(|b|+1) uint32s and answers
 * "Insufficient memory" when that fails; this bound keeps a bad call from exhausting the heap).
 */
export const LCS_MAX_CELLS = 64 * 1024 * 1024;

/** t_string.c lcsCommand: the dynamic-programming table, then the walk back that emits ranges. */
function lcsCommand(c: Ctx): RespValue {
  const oa = lookupKeyRead(c, arg(c, 1));
  const ob = lookupKeyRead(c, arg(c, 2));
  if ((oa !== undefined && !isType(oa.val, 'string')) || (ob !== undefined && !isType(ob.val, 'string'))) {
    return err('ERR The specified keys must contain string values');
  }
  const opts = parseLcsOptions(c);
  if ('type' in opts) return opts;
  const a = oa !== undefined && isType(oa.val, 'string') ? strOf(oa.val) : '';
  const b = ob !== undefined && isType(ob.val, 'string') ? strOf(ob.val) : '';
  const alen = a.length, blen = b.length, w = blen + 1;
  if ((alen + 1) * w > LCS_MAX_CELLS) return err('ERR Insufficient memory, failed allocating transient memory for LCS');
  const dp = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    for (let j = 1; j <= blen; j++) {
      if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) dp[i * w + j] = (dp[(i - 1) * w + j - 1] ?? 0) + 1;
      else dp[i * w + j] = Math.max(dp[(i - 1) * w + j] ?? 0, dp[i * w + j - 1] ?? 0);
    }
  }
  const total = dp[alen * w + blen] ?? 0;
  if (opts.getLen) return int(total);
  const result: string[] = new Array<string>(total);
  const matches: RespValue[] = [];
  let idx = total, i = alen, j = blen;
  let aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart === alen: no range open
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      result[idx - 1] = a.charAt(i - 1);
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else emit = true;
      if (aStart === 0 || bStart === 0) emit = true;
      idx--; i--; j--;
    } else {
      if ((dp[(i - 1) * w + j] ?? 0) > (dp[i * w + j - 1] ?? 0)) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    const matchLen = aEnd - aStart + 1;
    if (emit) {
      if (opts.minMatchLen === 0n || BigInt(matchLen) >= opts.minMatchLen) {
        const m: RespValue[] = [array([int(aStart), int(aEnd)]), array([int(bStart), int(bEnd)])];
        if (opts.withMatchLen) m.push(int(matchLen));
        matches.push(array(m));
      }
      aStart = alen;
    }
  }
  // addReplyMapLen(c,2): a map in RESP3
  if (opts.getIdx) return mapReply(c, [bulk('matches'), array(matches), bulk('len'), int(total)]);
  return bulk(result.join(''));
}

const W = ['write', 'denyoom'] as const;
export const STRING_RANGE_COMMANDS: readonly CommandSpec[] = [
  cmd('append', 3, ['write', 'denyoom', 'fast'], [1, 1, 1], 'string', appendCommand),
  cmd('strlen', 2, ['readonly', 'fast'], [1, 1, 1], 'string', strlenCommand),
  cmd('setrange', 4, W, [1, 1, 1], 'string', setrangeCommand),
  cmd('getrange', 4, ['readonly'], [1, 1, 1], 'string', getrangeCommand),
  cmd('substr', 4, ['readonly'], [1, 1, 1], 'string', getrangeCommand),
  cmd('lcs', -3, ['readonly'], [1, 2, 1], 'string', lcsCommand),
];

