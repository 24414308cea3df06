/**
 * The HyperLogLog commands (redis/redis src/hyperloglog.c, 7.0: isHLLObjectOrReply,
 * pfaddCommand, pfcountCommand, pfmergeCommand; PFDEBUG and PFSELFTEST are in hll-debug.ts).
 * Registered in the command table through HLL_COMMANDS.
 *
 * An HLL is a string value holding Redis's bytes (hll-dense.ts, hll-sparse.ts): GET returns
 * what redis-server returns after the same commands. A command reads the value into an HllBuf,
 * works on the bytes as the C code does on the sds, and stores back what changed: in place when
 * the value is already a raw string of the same length (db.c dbUnshareStringValue made it one),
 * else as a new raw string value (the key's TTL stays, as with dbOverwrite).
 */
import type { RespValue } from '@protolab/resp';
import { OK, err, int } from './replies.js';
import { RawStr } from './values.js';
import type { CommandSpec, Ctx } from './server.js';
import { arg, cmd, lookupKeyRead, lookupKeyWrite } from './server.js';
import { HLL_DENSE, HLL_HDR_SIZE, HLL_RAW, HllBuf, hllDenseSet, hllInvalidateCache, hllReadCard, hllValidCache, hllWriteCard } from './hll-dense.js';
import { createHLLObject, hllSparseSet, hllSparseToDense } from './hll-sparse.js';
import { hllAdd, hllCount, hllMerge } from './hll-count.js';
import { HLL_REGISTERS } from './murmur64a.js';
import { E_INVALID_HLL, adoptHll, cardReply, commitHll, eleBytes, isBuf, isHLLObjectOrReply, loadHll, sparseMaxBytes, unshareHll } from './hll-object.js';
import { PFDEBUG_COMMANDS } from './hll-debug.js';
import { NOTIFY_STRING, notifyKeyspaceEvent } from './notify.js';

/** hyperloglog.c pfaddCommand: PFADD key [element …] → 1 if a register changed (or the key was created). */
function pfaddCommand(c: Ctx): RespValue {
  const key = arg(c, 1);
  const o = lookupKeyWrite(c, key);
  let updated = 0;
  let buf: HllBuf;
  let raw: RawStr | undefined;
  if (o === undefined) {
    buf = createHLLObject();
    updated++;
  } else {
    const r = isHLLObjectOrReply(o);
    if (!isBuf(r)) return r;
    buf = r;
    raw = unshareHll(c, o.slot, o.val as string | RawStr);
  }
  const maxBytes = sparseMaxBytes(c);
  let failed = false;
  for (let j = 2; j < c.argv.length; j++) {
    const e = arg(c, j);
    const retval = hllAdd(buf, eleBytes(e), e.length, maxBytes);
    if (retval === 1) updated++;
    else if (retval === -1) {
      failed = true; // what was already changed in place stays, uncounted (Redis returns here)
      break;
    }
  }
  if (!failed && updated > 0) {
    c.core.dirty += updated;
    hllInvalidateCache(buf);
  }
  if (o === undefined) c.client.db.add(key, adoptHll(buf));
  else if (raw !== undefined) commitHll(c, o.slot, raw, buf);
  if (failed) return err(E_INVALID_HLL);
  if (updated > 0) notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'pfadd', key, c.client.db.id); // hyperloglog.c pfaddCommand
  return int(updated > 0 ? 1 : 0);
}

/**
 * hyperloglog.c pfcountCommand. One key: the cached cardinality when valid, else hllCount,
 * written back into the header (dirty++, so PFCOUNT is propagated, as Redis does — it is a
 * read-only command that changes the string). Several keys: the estimate of the union (a raw
 * HLL of max registers), nothing written.
 */
function pfcountCommand(c: Ctx): RespValue {
  if (c.argv.length > 2) {
    const max = HllBuf.zeroed(HLL_HDR_SIZE + HLL_REGISTERS);
    max.b[4] = HLL_RAW;
    const registers = max.b.subarray(HLL_HDR_SIZE);
    for (let j = 1; j < c.argv.length; j++) {
      const o = lookupKeyRead(c, arg(c, j));
      if (o === undefined) continue; // a missing key counts as an empty HLL
      const r = isHLLObjectOrReply(o);
      if (!isBuf(r)) return r;
      if (!hllMerge(registers, r)) return err(E_INVALID_HLL);
    }
    return cardReply(hllCount(max));
  }
  const key = arg(c, 1);
  const o = lookupKeyRead(c, key);
  if (o === undefined) return int(0);
  const r = isHLLObjectOrReply(o);
  if (!isBuf(r)) return r;
  const raw = unshareHll(c, o.slot, o.val as string | RawStr);
  if (hllValidCache(r)) return cardReply(hllReadCard(r));
  const invalid = { invalid: false };
  const card = hllCount(r, invalid);
  if (invalid.invalid) return err(E_INVALID_HLL);
  hllWriteCard(r, card);
  commitHll(c, o.slot, raw, r);
  c.core.dirty++;
  return cardReply(card);
}

/**
 * hyperloglog.c pfmergeCommand: the max of every register over all the keys (the destination
 * included), written into the destination — made dense first if any input was dense, else set
 * register by register in its sparse form (which may promote it). dirty++ even when nothing
 * changed; the cached cardinality is invalidated.
 */
function pfmergeCommand(c: Ctx): RespValue {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < c.argv.length; j++) {
    const o = lookupKeyRead(c, arg(c, j));
    if (o === undefined) continue;
    const r = isHLLObjectOrReply(o);
    if (!isBuf(r)) return r;
    if (r.encoding === HLL_DENSE) useDense = true;
    if (!hllMerge(max, r)) return err(E_INVALID_HLL);
  }
  const key = arg(c, 1);
  const o = lookupKeyWrite(c, key);
  let buf: HllBuf;
  let raw: RawStr | undefined;
  if (o === undefined) buf = createHLLObject();
  else {
    // Checked as a source above, so it is an HLL string.
    raw = unshareHll(c, o.slot, o.val as string | RawStr);
    buf = loadHll(raw);
  }
  const store = (): void => {
    if (o === undefined) c.client.db.add(key, adoptHll(buf));
    else if (raw !== undefined) commitHll(c, o.slot, raw, buf);
  };
  if (useDense && !hllSparseToDense(buf)) {
    store();
    return err(E_INVALID_HLL);
  }
  const maxBytes = sparseMaxBytes(c);
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j] ?? 0;
    if (v === 0) continue;
    if (buf.encoding === HLL_DENSE) hllDenseSet(buf, j, v);
    else hllSparseSet(buf, j, v, maxBytes);
  }
  hllInvalidateCache(buf);
  store();
  notifyKeyspaceEvent(c.core, NOTIFY_STRING, 'pfadd', key, c.client.db.id); // pfmergeCommand raises "pfadd"
  c.core.dirty++;
  return OK;
}

export const HLL_COMMANDS: readonly CommandSpec[] = [
  cmd('pfadd', -2, ['write', 'denyoom', 'fast'], [1, 1, 1], 'hyperloglog', pfaddCommand),
  cmd('pfcount', -2, ['readonly'], [1, -1, 1], 'hyperloglog', pfcountCommand),
  cmd('pfmerge', -2, ['write', 'denyoom'], [1, -1, 1], 'hyperloglog', pfmergeCommand),
  ...PFDEBUG_COMMANDS,
];

