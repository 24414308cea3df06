/**
 * quicklist.h quicklistNode as quicklist.ts keeps it (a node's elements in a JS array, node->sz
 * as the listpack's lpBytes) and the position quicklistGetIteratorAtIdx finds, split from
 * quicklist.ts.
 */
import { listpackEntryBytes } from './listpack-size.js';

/** listpack.c LP_HDR_SIZE (total bytes + count) + the end byte. */
export const LP_EMPTY_BYTES = 7;

export class QuicklistNode {
  prev: QuicklistNode | undefined = undefined;
  next: QuicklistNode | undefined = undefined;
  /** listpack bytes (node->sz) */
  sz = LP_EMPTY_BYTES;
  constructor(public items: string[]) {
    this.sz = itemsBytes(items);
  }
}

/** lpBytes of a listpack holding `items`. */
export function itemsBytes(items: readonly string[]): number {
  let sz = LP_EMPTY_BYTES;
  for (const s of items) sz += listpackEntryBytes(s);
  return sz;
}

/** A position: the node and the offset inside it (0-based from the node's head). */
export interface Cursor {
  node: QuicklistNode;
  offset: number;
}
