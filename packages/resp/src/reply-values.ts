/**
 * The values the reply decoder hands out: shared objects for replies that are always the same,
 * and the aggregate builders. (Split from decode.ts so that the parsing loop reads on its own.)
 */
import type { RespInteger, RespValue } from './types.js';

type V = RespValue<RespInteger>;

// Replies that are always the same are shared (values are readonly): +OK, $-1, *-1, _.
export const OK: V = Object.freeze({ type: 'simple', value: 'OK' });
export const NULL_BULK: V = Object.freeze({ type: 'null', resp2: 'bulk' });
export const NULL_ARRAY: V = Object.freeze({ type: 'null', resp2: 'array' });
export const NULL: V = Object.freeze({ type: 'null' });

/** Like Redis's shared.integers (server.h OBJ_SHARED_INTEGERS): one object per small integer. */
export const OBJ_SHARED_INTEGERS = 10000;
const bigintIntegers = new Array<V | undefined>(OBJ_SHARED_INTEGERS).fill(undefined);
const numberIntegers = new Array<V | undefined>(OBJ_SHARED_INTEGERS).fill(undefined);

/** The shared `{ type: 'integer' }` object for 0 ≤ n < 10000, made on first use. */
export function sharedInteger(n: number, asNumber: boolean): V {
  if (asNumber) return (numberIntegers[n] ??= Object.freeze({ type: 'integer', value: n }));
  return (bigintIntegers[n] ??= Object.freeze({ type: 'integer', value: BigInt(n) }));
}

/** The aggregate types, as the decoder's frames record them. */
export const enum Aggregate {
  Array,
  Set,
  Push,
  Map,
  Attribute,
}

/** The aggregate kind of a type byte (`*`, `~`, `>`, `%`, `|`). */
export function aggregateOf(type: number): Aggregate {
  return type === 0x2a ? Aggregate.Array : type === 0x7e ? Aggregate.Set : type === 0x3e ? Aggregate.Push : type === 0x25 ? Aggregate.Map : Aggregate.Attribute;
}

/** How many values follow an aggregate header of `n`: maps hold n pairs, an attribute n pairs and then its value. */
export function elementsOf(kind: Aggregate, n: number): number {
  return kind === Aggregate.Map ? 2 * n : kind === Aggregate.Attribute ? 2 * n + 1 : n;
}

export function buildAggregate(kind: Aggregate, items: V[]): V {
  switch (kind) {
    case Aggregate.Array:
      return { type: 'array', value: items };
    case Aggregate.Set:
      return { type: 'set', value: items };
    case Aggregate.Push:
      return { type: 'push', value: items };
    case Aggregate.Map:
      return { type: 'map', value: pairs(items, items.length) };
    case Aggregate.Attribute: {
      // The annotated value is the last element (an attribute always has one: 2n + 1 > 0).
      const value = items[items.length - 1] ?? NULL;
      return { type: 'attribute', attributes: pairs(items, items.length - 1), value };
    }
  }
}

function pairs(items: readonly V[], n: number): [V, V][] {
  const out: [V, V][] = [];
  for (let i = 0; i + 1 < n; i += 2) out.push([items[i] ?? NULL, items[i + 1] ?? NULL]);
  return out;
}

/** At most 40 bytes of a line, printable, for error messages. */
export function showLine(buf: Uint8Array, start: number, end: number): string {
  const shown = Math.min(end, start + 40);
  let s = '';
  for (let i = start; i < shown; i++) {
    const c = buf[i] ?? 0;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return JSON.stringify(s) + (end > shown ? '…' : '');
}

/**
 * Every reply line's type byte: no value is a view of a line's own bytes (numbers, strings made from
 * them, nulls, headers; a bulk's payload is appended after its header in a region of its own, see
 * buffer.ts `consume`), except `+` with the bare `simpleStrings: 'bytes'` (which removes it).
 */
export const VIEWLESS_LINES = [0x2b, 0x2d, 0x3a, 0x24, 0x2a, 0x5f, 0x23, 0x2c, 0x28, 0x3d, 0x21, 0x25, 0x7e, 0x3e, 0x7c];
