/**
 * An intset keeps its encoding after its wide members are removed (redis/redis src/intset.c
 * intsetRemove, 7.0), and rdbSaveObject writes the blob as it is in memory: DUMP's bytes carry the
 * wider width, and RESTORE (rdbLoadObject keeps an RDB_TYPE_SET_INTSET blob as loaded) keeps it.
 * Expected payloads: `redis-cli --no-raw DUMP` on redis-server 7.0.15, 2026-12-05.
 */
import { describe, expect, test } from 'vitest';
import { Keyspace, keyMemoryUsage } from '@protolab/redis-keyspace';
import { allEntries, createDumpPayload, decodeRdb, encodeRdb, intsetEncode, loadDumpPayloadObject, rdbPayloadCodec, readValue } from '@protolab/redis-rdb';

const te = new TextEncoder();
const ks = (): Keyspace => new Keyspace({ now: () => 1_700_000_000_000, payloadCodec: rdbPayloadCodec });
const hex = (v: { type: string; value?: unknown }): string => (v.type === 'bulk' && v.value instanceof Uint8Array ? Buffer.from(v.value).toString('hex') : JSON.stringify(v));

describe('DUMP of an intset whose wide members were removed: redis-server 7.0.15’s bytes', () => {
  test('SADD s 1 5000000000, SREM s 5000000000: one member in 8 bytes', () => {
    const k = ks();
    k.execute(['SADD', 's', '1', '5000000000']);
    k.execute(['SREM', 's', '5000000000']);
    expect(hex(k.execute(['DUMP', 's']))).toBe('0b10080000000100000001000000000000000a0069c1337d799ac70f');
  });

  test('SADD m3 5000000000 2, SREM m3 5000000000: 8 bytes; SADD t4 1 70000 -3, SREM t4 70000: 4 bytes', () => {
    const k = ks();
    k.execute(['SADD', 'm3', '5000000000', '2']);
    k.execute(['SREM', 'm3', '5000000000']);
    k.execute(['SADD', 't4', '1', '70000', '-3']);
    k.execute(['SREM', 't4', '70000']);
    expect(hex(k.execute(['DUMP', 'm3']))).toBe('0b10080000000100000002000000000000000a00569927193aaa31d4');
    expect(hex(k.execute(['DUMP', 't4']))).toBe('0b100400000002000000fdffffff010000000a00daf152ac0ac144d2');
  });

  test('RESTORE of a widened intset keeps its width: MEMORY USAGE 112 for 1..6 in 8 bytes (80 in 2), and DUMP gives the payload back', () => {
    const k = ks();
    k.execute(['SADD', 'w', '1', '2', '3', '4', '5', '6', '5000000000']);
    k.execute(['SREM', 'w', '5000000000']);
    const payload = k.execute(['DUMP', 'w']);
    expect(payload.type).toBe('bulk');
    if (payload.type !== 'bulk') return;
    expect(k.execute(['RESTORE', 'w2', '0', payload.value])).toEqual({ type: 'simple', value: 'OK' });
    expect(keyMemoryUsage(k, 0, te.encode('w2'))).toBe(112);
    expect(hex(k.execute(['DUMP', 'w2']))).toBe(hex(payload));
    k.execute(['SADD', 'n', '1', '2', '3', '4', '5', '6']);
    expect(keyMemoryUsage(k, 0, te.encode('n'))).toBe(80);
  });

  test('an RDB file keeps the width too: saved from the keyspace (RDB_TYPE_SET_INTSET of 8-byte members) and loaded back, 1..6 are still 112 bytes', () => {
    const k = ks();
    k.execute(['SADD', 'w', '1', '2', '3', '4', '5', '6', '5000000000']);
    k.execute(['SREM', 'w', '5000000000']);
    const file = encodeRdb(k);
    const back = ks();
    for (const e of allEntries(decodeRdb(file))) back.restore(e);
    expect(keyMemoryUsage(back, 0, te.encode('w'))).toBe(112);
    expect(hex(back.execute(['DUMP', 'w']))).toBe(hex(k.execute(['DUMP', 'w'])));
    const [entry] = [...allEntries(decodeRdb(file))];
    expect(entry === undefined ? undefined : readValue(entry)).toEqual({ type: 'set', value: ['1', '2', '3', '4', '5', '6'].map((m) => te.encode(m)), intsetEncoding: 8 });
  });

  test('intsetEncode with a minimum width, and the loaded value saying so only when wider than its members need', () => {
    expect(Buffer.from(intsetEncode([1, -3], 4)).toString('hex')).toBe('0400000002000000fdffffff01000000');
    expect(Buffer.from(intsetEncode([1, 70000], 2)).toString('hex')).toBe('040000000200000001000000701101' + '00');
    const narrow = loadDumpPayloadObject(createDumpPayload({ type: 'set', value: [te.encode('7')] }, 'intset'));
    expect(narrow).toEqual({ type: 'set', value: [te.encode('7')] });
    const wide = loadDumpPayloadObject(createDumpPayload({ type: 'set', value: [te.encode('7')], intsetEncoding: 8 }, 'intset'));
    expect(wide).toEqual({ type: 'set', value: [te.encode('7')], intsetEncoding: 8 });
  });
});
