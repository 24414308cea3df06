/**
 * A RESP value, as Redis puts it on the wire. The tag says which RESP type it is, so that a
 * simple string `+OK` and a bulk string `$2\r\nOK` stay distinct, as they are for a real client.
 *
 * RESP2 types: simple, error, integer, bulk, null (RESP2 writes it as `$-1` or, with
 * `resp2: 'array'`, as `*-1`), array.
 * RESP3 adds: double, boolean, bignum, verbatim, map, set, push, attribute and blob errors.
 *
 * Integers are `bigint` because Redis integers are signed 64-bit (INCRBY reaches 2^63-1).
 * Bulk payloads are bytes: Redis strings are binary-safe.
 */
export type RespValue =
  | { readonly type: 'simple'; readonly value: string }
  | { readonly type: 'error'; readonly value: string }
  | { readonly type: 'integer'; readonly value: bigint }
  | { readonly type: 'bulk'; readonly value: Uint8Array }
  | { readonly type: 'null'; readonly resp2?: 'bulk' | 'array' }
  | { readonly type: 'array'; readonly value: readonly RespValue[] }
  // RESP3
  | { readonly type: 'double'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'bignum'; readonly value: bigint }
  | { readonly type: 'verbatim'; readonly format: string; readonly value: Uint8Array }
  | { readonly type: 'blobError'; readonly value: Uint8Array }
  | { readonly type: 'map'; readonly value: readonly (readonly [RespValue, RespValue])[] }
  | { readonly type: 'set'; readonly value: readonly RespValue[] }
  | { readonly type: 'push'; readonly value: readonly RespValue[] }
  | { readonly type: 'attribute'; readonly attributes: readonly (readonly [RespValue, RespValue])[]; readonly value: RespValue };

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
