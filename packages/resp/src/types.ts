/** What an integer reply can be in JS: see `RespValue`. */
export type RespInteger = bigint | number;

/**
 * A RESP value, as Redis puts it on the wire. The tag says which RESP type it is, so that a
 * simple string `+OK` and a bulk string `$2\r\nOK` stay distinct, as they are for a real client.
 *
 * RESP2 types: simple, error, integer, bulk, null (RESP2 writes it as `$-1` or, with
 * `resp2: 'array'`, as `*-1`), array.
 * RESP3 adds: double, boolean, bignum, verbatim, map, set, push, attribute and blob errors.
 *
 * Integers are signed 64-bit in Redis (INCRBY reaches 2^63-1). `I` says how they are held:
 * `bigint` (the default, always exact) or, from a decoder made with `{ integers: 'number' }`,
 * `number | bigint` — a JS number when the value is a safe integer (|v| < 2^53), a bigint beyond,
 * so nothing is ever rounded. The encoder takes either.
 * Bulk payloads are bytes: Redis strings are binary-safe.
 */
export type RespValue<I extends RespInteger = bigint> =
  | { readonly type: 'simple'; readonly value: string }
  | { readonly type: 'error'; readonly value: string }
  | { readonly type: 'integer'; readonly value: I }
  | { readonly type: 'bulk'; readonly value: Uint8Array }
  | { readonly type: 'null'; readonly resp2?: 'bulk' | 'array' }
  | { readonly type: 'array'; readonly value: readonly RespValue<I>[] }
  // RESP3
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bignum'; readonly value: bigint }
  | { readonly type: 'verbatim'; readonly format: string; readonly value: Uint8Array }
  | { readonly type: 'blobError'; readonly value: Uint8Array }
  | { readonly type: 'map'; readonly value: readonly (readonly [RespValue<I>, RespValue<I>])[] }
  | { readonly type: 'set'; readonly value: readonly RespValue<I>[] }
  | { readonly type: 'push'; readonly value: readonly RespValue<I>[] }
  | { readonly type: 'attribute'; readonly attributes: readonly (readonly [RespValue<I>, RespValue<I>])[]; readonly value: RespValue<I> };

/** A value with integers held either way: what the encoder and the printers accept. */
export type AnyRespValue = RespValue<RespInteger>;

/** Small constructors, so that replies read like Redis's own `addReply*` calls. */
export const reply = {
  ok: { type: 'simple', value: 'OK' } as RespValue,
  simple: (value: string): RespValue => ({ type: 'simple', value }),
  error: (value: string): RespValue => ({ type: 'error', value }),
  integer: (value: bigint | number): RespValue => ({ type: 'integer', value: BigInt(value) }),
  bulk: (value: Uint8Array | string): RespValue => ({
    type: 'bulk',
    value: typeof value === 'string' ? new TextEncoder().encode(value) : value,
  }),
  null: { type: 'null' } as RespValue,
  nullArray: { type: 'null', resp2: 'array' } as RespValue,
  array: (value: readonly RespValue[]): RespValue => ({ type: 'array', value }),
  // RESP3 (encode with { protocol: 2 } folds them as Redis does: see encode.ts)
  map: (value: readonly (readonly [RespValue, RespValue])[]): RespValue => ({ type: 'map', value }),
  set: (value: readonly RespValue[]): RespValue => ({ type: 'set', value }),
  push: (value: readonly RespValue[]): RespValue => ({ type: 'push', value }),
  double: (value: number): RespValue => ({ type: 'double', value }),
  boolean: (value: boolean): RespValue => ({ type: 'boolean', value }),
  bignum: (value: bigint): RespValue => ({ type: 'bignum', value }),
  verbatim: (value: Uint8Array | string, format = 'txt'): RespValue => ({
    type: 'verbatim',
    format,
    value: typeof value === 'string' ? new TextEncoder().encode(value) : value,
  }),
} as const;
