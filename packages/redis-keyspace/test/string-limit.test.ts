import { describe, expect, test } from 'vitest';
import { Keyspace, PROTO_MAX_BULK_LEN, STRING_MAX_BYTES } from '../src/index.js';

/**
 * The longest string value is V8's longest string (String::kMaxLength, 2^29 - 24), 24 bytes under
 * Redis's proto-max-bulk-len: a longer value could be written as bytes but never read back (GET
 * threw "Cannot create a string longer than 0x1fffffe8 characters", which took protolab-redis down).
 * Every way to grow a string stops there with Redis's own error texts. No test here allocates the
 * 512 MB: each refusal happens before any growth.
 */
describe('t_string.c checkStringLength / bitops.c getBitOffsetFromArgument at the top of the range', () => {
  const ks = (): Keyspace => new Keyspace({ now: () => 0 });
  const e = (r: unknown): string => (r as { type: string; value: string }).type === 'error' ? (r as { value: string }).value : JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v));

  test('the limit is 2^29 - 24 bytes, under proto-max-bulk-len', () => {
    expect(STRING_MAX_BYTES).toBe(2 ** 29 - 24);
    expect(PROTO_MAX_BULK_LEN - STRING_MAX_BYTES).toBe(24);
  });

  test('SETBIT / BITFIELD writes whose last byte would pass the limit get the bit offset error, before any growth; reads keep the 512 MB limit', () => {
    const k = ks();
    for (const off of [2 ** 32 - 1, STRING_MAX_BYTES * 8]) {
      expect(e(k.execute(['SETBIT', 'b', String(off), '1']))).toBe('ERR bit offset is not an integer or out of range');
      expect(e(k.execute(['BITFIELD', 'b', 'SET', 'u8', String(off), '1']))).toBe('ERR bit offset is not an integer or out of range');
      expect(e(k.execute(['GETBIT', 'b', String(off)]))).toBe('{"type":"integer","value":"0"}');
    }
    // A 64-bit field that starts inside the limit but ends past it.
    expect(e(k.execute(['BITFIELD', 'b', 'SET', 'i64', String((STRING_MAX_BYTES - 4) * 8), '1']))).toBe('ERR bit offset is not an integer or out of range');
    expect(e(k.execute(['EXISTS', 'b']))).toBe('{"type":"integer","value":"0"}');
  });

  test('SETRANGE and APPEND past the limit get the proto-max-bulk-len error, before any growth', () => {
    const k = ks();
    expect(e(k.execute(['SETRANGE', 's', String(STRING_MAX_BYTES - 1), 'yy']))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(e(k.execute(['SETRANGE', 's', String(PROTO_MAX_BULK_LEN - 2), 'y']))).toBe('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
    expect(e(k.execute(['SET', 'a', 'x']))).toBe('{"type":"simple","value":"OK"}');
    expect(e(k.execute(['EXISTS', 's']))).toBe('{"type":"integer","value":"0"}');
  });
});

describe('cluster.c restoreCommand with a payload whose string expands past the longest value', () => {
  test('answers "ERR Bad data format" (Redis would load it) instead of V8\'s untyped error, and stores nothing', () => {
    // A codec standing in for an LZF string whose declared length is one byte past the limit (the
    // zeroed buffer costs no work: the length is checked before any byte is read).
    const ks = new Keyspace({ now: () => 0, payloadCodec: { dump: () => new Uint8Array(0), restore: () => ({ type: 'string', value: new Uint8Array(STRING_MAX_BYTES + 1) }) } });
    expect(ks.execute(['RESTORE', 'k', '0', 'payload'])).toEqual({ type: 'error', value: 'ERR Bad data format' });
    expect(ks.execute(['EXISTS', 'k'])).toEqual({ type: 'integer', value: 0n });
  });
});
