/**
 * rdb.c `rdbLoadObject` for lists: RDB_TYPE_LIST (RDB < 7, one string per element),
 * RDB_TYPE_LIST_ZIPLIST, RDB_TYPE_LIST_QUICKLIST (ziplist nodes) and RDB_TYPE_LIST_QUICKLIST_2
 * (listpack or PLAIN nodes, what 7.0 writes). Redis 7.0 skips an empty list (`goto emptykey`):
 * a count of 0, an empty ziplist, or a quicklist whose nodes are all empty — empty nodes are
 * dropped silently ("Silently skip empty ziplists/listpacks") and the key is kept when any
 * element is left. A quicklist's node layout is reported as the value's `nodes` (QUICKLIST: one
 * node per non-empty ziplist; QUICKLIST_2: PackedValue.nodes); the one-ziplist and linked-list
 * forms are pushed element by element on load (quicklistPushTail), so they report none.
 */
import { RdbFormatError } from './errors.js';
import { listpackScan } from './listpack.js';
import { PackedValue } from './packed.js';
import { ziplistDecode } from './ziplist.js';
import { QUICKLIST_NODE_CONTAINER_PACKED, QUICKLIST_NODE_CONTAINER_PLAIN } from './constants.js';
import { EMPTY_KEY, packed, type Loaded } from './load-shared.js';
import type { RdbReader } from './reader.js';

/** RDB_TYPE_LIST: `<len>` then one string per element. */
export function loadLinkedList(r: RdbReader): Loaded {
  const n = r.len();
  r.checkAnnounced(n, 'a list');
  if (n === 0) return EMPTY_KEY;
  const items: Uint8Array[] = [];
  for (let i = 0; i < n; i++) items.push(r.str());
  r.enc = 'quicklist';
  return { type: 'list', value: items };
}

/** RDB_TYPE_LIST_ZIPLIST: one ziplist, converted to a quicklist on load. */
export function loadZiplistList(r: RdbReader, at: number): Loaded {
  const items = ziplistDecode(r.str(), at);
  if (items.length === 0) return EMPTY_KEY;
  r.enc = 'quicklist';
  return { type: 'list', value: items };
}

/** RDB_TYPE_LIST_QUICKLIST: `<len nodes>`, one ziplist per node. */
export function loadQuicklist(r: RdbReader): Loaded {
  const nodes = r.len();
  r.checkAnnounced(nodes, 'a quicklist node count', 1);
  const items: Uint8Array[] = [];
  const counts: number[] = [];
  for (let i = 0; i < nodes; i++) {
    const blobAt = r.at();
    const before = items.length;
    for (const e of ziplistDecode(r.str(), blobAt)) items.push(e);
    // each ziplist becomes a listpack node of its own (quicklistAppendListpack); empty ones are skipped
    if (items.length > before) counts.push(items.length - before);
  }
  if (items.length === 0) return EMPTY_KEY;
  r.enc = 'quicklist';
  // the layout as a non-enumerable `nodes`, as PackedValue has it: the value equals a plain { type, value }
  return Object.defineProperty({ type: 'list', value: items }, 'nodes', { value: counts, enumerable: false, writable: true, configurable: true });
}

/**
 * RDB_TYPE_LIST_QUICKLIST_2: `<len nodes>`, per node `<len container>` (1 PLAIN, 2 PACKED) and a
 * string. Nodes are validated and kept as they are (a single PACKED node stays in the input; more
 * nodes, or a PLAIN one, are copied into one buffer with a segment list).
 */
export function loadQuicklist2(r: RdbReader): Loaded {
  const nodes = r.len();
  r.checkAnnounced(nodes, 'a quicklist node count', 2);
  r.enc = 'quicklist';
  // (container, view) per kept node; LZF-compressed nodes were decompressed by strRange
  const kept: (number | Uint8Array)[] = [];
  let first: Uint8Array | undefined;
  let firstOff = 0;
  let firstLen = 0;
  let firstIndex = 0;
  for (let i = 0; i < nodes; i++) {
    const nodeAt = r.at();
    const container = r.len();
    if (container !== QUICKLIST_NODE_CONTAINER_PLAIN && container !== QUICKLIST_NODE_CONTAINER_PACKED) {
      throw new RdbFormatError('BAD_QUICKLIST', nodeAt, `quicklist node container ${container} is neither 1 (PLAIN) nor 2 (PACKED)`);
    }
    const blobAt = r.at();
    // a single node may be read into scratch (left compressed for the entry); with several, the
    // nodes are copied into one buffer, so each must be its own array
    r.strRange(nodes === 1);
    if (container === QUICKLIST_NODE_CONTAINER_PACKED && listpackScan(r.rBuf, r.rOff, r.rLen, blobAt, r.scan, false) === 0) continue;
    if (kept.length === 0 && first === undefined && container === QUICKLIST_NODE_CONTAINER_PACKED) {
      first = r.rBuf;
      firstOff = r.rOff;
      firstLen = r.rLen;
      firstIndex = i;
      continue;
    }
    if (first !== undefined && kept.length === 0) kept.push(QUICKLIST_NODE_CONTAINER_PACKED, first.subarray(firstOff, firstOff + firstLen));
    kept.push(container, r.rBuf.subarray(r.rOff, r.rOff + r.rLen));
  }
  if (kept.length === 0) {
    if (first === undefined) return EMPTY_KEY;
    // the one node left in place is read again by the entry from the value's start: only when it is node 0
    if (firstIndex > 0) return new PackedValue('list', first, firstOff, firstLen).asValue();
    r.rBuf = first;
    r.rOff = firstOff;
    r.rLen = firstLen;
    return packed(r, 'list');
  }
  return joinNodes(kept);
}

/** Several nodes: copy them into one buffer, with (container, offset, length) segments. */
function joinNodes(kept: readonly (number | Uint8Array)[]): Loaded {
  let total = 0;
  for (let i = 1; i < kept.length; i += 2) total += (kept[i] as Uint8Array).length;
  const joined = new Uint8Array(total);
  const segs: number[] = [];
  let o = 0;
  for (let i = 0; i < kept.length; i += 2) {
    const node = kept[i + 1] as Uint8Array;
    joined.set(node, o);
    segs.push(kept[i] as number, o, node.length);
    o += node.length;
  }
  return new PackedValue('list', joined, 0, total, segs).asValue();
}
