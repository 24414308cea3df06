import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import type { RespValue } from '@protolab/resp';
import { encode } from '@protolab/resp';
import { OutputBuffers } from '../src/output-buffer.js';
import { createClient, keyOf } from '../src/client.js';
import { commandName } from '../src/networking.js';
import { harness } from './helpers.js';

const bytes = fc.uint8Array({ maxLength: 80 });
const int64 = fc.oneof(
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  fc.integer().map(BigInt),
  fc.constantFrom(0n, -1n, 9n, 10n, -10n, 2n ** 53n - 1n, 2n ** 53n, -(2n ** 53n) + 1n, -(2n ** 53n), 2n ** 63n - 1n, -(2n ** 63n)),
);
const leaf: fc.Arbitrary<RespValue> = fc.oneof(
  bytes.map((value): RespValue => ({ type: 'bulk', value })),
  int64.map((value): RespValue => ({ type: 'integer', value })),
  fc.constantFrom<RespValue>({ type: 'simple', value: 'OK' }, { type: 'null' }, { type: 'null', resp2: 'array' }, { type: 'error', value: 'ERR x' }),
);
const reply: fc.Arbitrary<RespValue> = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 12 }).map((value): RespValue => ({ type: 'array', value })),
  fc.array(fc.array(leaf, { maxLength: 3 }).map((value): RespValue => ({ type: 'array', value })), { maxLength: 3 }).map((value): RespValue => ({ type: 'array', value })),
);

describe('the output buffer (networking.c c->buf)', () => {
  test('replies written in place into one connection buffer are byte for byte what @protolab/resp encodes, for RESP2 and RESP3', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), reply), { maxLength: 40 }), fc.constantFrom<2 | 3>(2, 3), (writes, resp) => {
        const out = new OutputBuffers();
        const expected = new Map<number, number[]>();
        for (const [id, r] of writes) {
          const n = out.reply(id, r, resp);
          const enc = encode(r, { protocol: resp });
          expect(n).toBe(enc.length);
          expected.set(id, [...(expected.get(id) ?? []), ...enc]);
        }
        const got = new Map(out.take().map(([id, b]) => [id, [...b]]));
        expect(got).toEqual(expected);
        expect(out.take()).toEqual([]);
      }),
    );
  });
});

describe('command names (server.c lookupCommand is case-insensitive)', () => {
  test('a client that sends command names in any case and order gets each one lower-cased, also when the bytes repeat', () => {
    const name = fc.constantFrom('set', 'get', 'incr', 'client', 'x', '');
    const anyCase = name.chain((s) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((up) => Buffer.from(Array.from({ length: s.length }, (_, i) => (up[i] === true ? s.charAt(i).toUpperCase() : s.charAt(i))).join(''), 'latin1')));
    fc.assert(
      fc.property(fc.array(fc.oneof(anyCase, fc.uint8Array({ maxLength: 40 })), { maxLength: 30 }), (names) => {
        const c = createClient(1, 1, 0, 1024);
        for (const b of names) expect(commandName(c, b)).toBe(keyOf(b).toLowerCase());
      }),
    );
  });
});

describe('propagation is hooked only while someone listens (server.c propagate)', () => {
  test('a server with no WATCHer, no blocked client and no listener installs no keyspace hook; a WATCH or a blocked pop turns it on until they end', () => {
    const h = harness();
    h.connect(1);
    h.connect(2);
    const hooked = (): boolean => h.srv.keyspace.core.onPropagate !== undefined;
    expect(h.send(1, 'SET k 1\r\n')).toBe('+OK\r\n');
    expect(hooked()).toBe(false);
    expect(h.send(1, 'WATCH k\r\n')).toBe('+OK\r\n');
    expect(hooked()).toBe(true);
    expect(h.send(2, 'SET k 2\r\n')).toBe('+OK\r\n');
    expect(h.send(1, 'MULTI\r\nGET k\r\nEXEC\r\n')).toBe('+OK\r\n+QUEUED\r\n*-1\r\n');
    expect(hooked()).toBe(false);
    expect(h.send(1, 'BLPOP list 0\r\n')).toBe('');
    expect(hooked()).toBe(true);
    expect(h.send(2, 'RPUSH list a\r\n')).toBe(':1\r\n');
    expect(hooked()).toBe(false);
  });

  test('a listener chained on the keyspace hook sees every write, with or without WATCHers', () => {
    const h = harness();
    const seen: string[] = [];
    const prev = h.srv.keyspace.onPropagate;
    h.srv.keyspace.onPropagate = (db, argv) => {
      prev?.(db, argv);
      seen.push(argv.map((a) => Buffer.from(a).toString('latin1')).join(' '));
    };
    h.connect(1);
    h.connect(2);
    h.send(1, 'SET a 1\r\nGET a\r\nWATCH a\r\n');
    h.send(2, 'INCR a\r\n');
    expect(h.send(1, 'MULTI\r\nINCR a\r\nEXEC\r\nINCR a\r\n')).toBe('+OK\r\n+QUEUED\r\n*-1\r\n:3\r\n');
    expect(seen).toEqual(['SET a 1', 'INCR a', 'INCR a']);
  });
});
