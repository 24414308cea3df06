// Shared arbitraries and helpers for the @protolab/resp tests (not a test file itself).
import fc from 'fast-check';
import type { RespValue } from '../src/index.js';

export const te = new TextEncoder();
export const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
export const text = (b: Uint8Array): string => String.fromCharCode(...b);

/** A plain, comparable picture of a value: bytes as latin1 text, doubles by their exact identity. */
export type Canon = string | Canon[] | { [k: string]: Canon };
export function canon(v: RespValue): Canon {
  switch (v.type) {
    case 'simple':
    case 'error':
      return { [v.type]: v.value };
    case 'integer':
    case 'bignum':
      return { [v.type]: v.value.toString() };
    case 'bulk':
    case 'blobError':
      return { [v.type]: text(v.value) };
    case 'null':
      return { null: v.resp2 ?? '' };
    case 'array':
    case 'set':
    case 'push':
      return { [v.type]: v.value.map(canon) };
    case 'double':
      return { double: Object.is(v.value, -0) ? '-0' : String(v.value) };
    case 'boolean':
      return { boolean: String(v.value) };
    case 'verbatim':
      return { verbatim: `${v.format}:${text(v.value)}` };
    case 'map':
      return { map: v.value.map(([k, x]) => [canon(k), canon(x)]) };
    case 'attribute':
      return { attribute: v.attributes.map(([k, x]) => [canon(k), canon(x)]), value: canon(v.value) };
  }
}

const lineString = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
const bulkBytes = fc.uint8Array({ maxLength: 24 });
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

const resp2Leaf: fc.Arbitrary<RespValue> = fc.oneof(
  lineString.map((value) => ({ type: 'simple', value }) as const),
  lineString.map((value) => ({ type: 'error', value }) as const),
  int64.map((value) => ({ type: 'integer', value }) as const),
  bulkBytes.map((value) => ({ type: 'bulk', value }) as const),
  fc.constantFrom<RespValue>({ type: 'null', resp2: 'bulk' }, { type: 'null', resp2: 'array' }),
);

/** Values a RESP2 connection can carry, with nulls tagged by their RESP2 form. */
export const resp2Value: fc.Arbitrary<RespValue> = fc.letrec<{ v: RespValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    resp2Leaf,
    fc.array(tie('v'), { maxLength: 4 }).map((value) => ({ type: 'array', value }) as const),
  ),
})).v;

const resp3Leaf: fc.Arbitrary<RespValue> = fc.oneof(
  resp2Leaf,
  fc.constant<RespValue>({ type: 'null' }),
  fc.double().map((value) => ({ type: 'double', value }) as const),
  fc.boolean().map((value) => ({ type: 'boolean', value }) as const),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }).map((value) => ({ type: 'bignum', value }) as const),
  fc.tuple(fc.stringMatching(/^[a-z]{3}$/), bulkBytes).map(([format, value]) => ({ type: 'verbatim', format, value }) as const),
  bulkBytes.map((value) => ({ type: 'blobError', value }) as const),
);

/** Any value, RESP3 types included. */
export const resp3Value: fc.Arbitrary<RespValue> = fc.letrec<{ v: RespValue }>((tie) => {
  const pairs = fc.array(fc.tuple(tie('v'), tie('v')), { maxLength: 3 });
  return {
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      resp3Leaf,
      fc.array(tie('v'), { maxLength: 4 }).map((value) => ({ type: 'array', value }) as const),
      fc.array(tie('v'), { maxLength: 4 }).map((value) => ({ type: 'set', value }) as const),
      fc.array(tie('v'), { maxLength: 4 }).map((value) => ({ type: 'push', value }) as const),
      pairs.map((value) => ({ type: 'map', value }) as const),
      fc.tuple(pairs, tie('v')).map(([attributes, value]) => ({ type: 'attribute', attributes, value }) as const),
    ),
  };
}).v;

/** Cuts `input` at the given sorted cut points. */
export function cut(input: Uint8Array, points: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(input.subarray(prev, p));
    prev = p;
  }
  out.push(input.subarray(prev));
  return out;
}

/** Arbitrary sorted cut points inside [0, len]. */
export const cutPoints = (len: number): fc.Arbitrary<number[]> =>
  fc.uniqueArray(fc.integer({ min: 0, max: len }), { maxLength: 12 }).map((a) => a.sort((x, y) => x - y));

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A bare reply in a model's terms: an error as its message (bare.test.ts keeps its own, with codes). */
export type BareExpected = string | number | bigint | Uint8Array | null | { error: string } | BareExpected[];

/** The bare form each generated RESP2 value must take (numbers when |v| < 2^53, bigints beyond). */
export function bareModel(v: RespValue): BareExpected {
  switch (v.type) {
    case 'simple':
      return v.value;
    case 'error':
      return { error: v.value };
    case 'integer':
      return v.value > -(2n ** 53n) && v.value < 2n ** 53n ? Number(v.value) : v.value;
    case 'bulk':
      return Uint8Array.from(v.value);
    case 'null':
      return null;
    case 'array':
      return v.value.map(bareModel);
    default:
      throw new Error(`not generated: ${v.type}`);
  }
}
