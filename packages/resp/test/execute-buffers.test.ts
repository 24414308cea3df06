// RespBareDecoder.execute reads a chunk in place when nothing is buffered (decode.ts EACH with
// buffer.ts ByteQueue.adopt, issue 19: no plain view and no `buffer` / `byteOffset` read per push),
// so a Node Buffer pushed — what a socket hands out — is the buffer the readers index. What that must
// not change: the values (plain Uint8Array views, never Buffers, whatever was pushed), the errors
// with their offsets, and what the decoder reports after every push (offset, midValue, work,
// bufferCapacity, pendingElements) — compared here with the same chunks pushed as plain
// Uint8Arrays through `push` (the `consume` path). Expected values come from the model in support.ts (bareModel).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMany, RespBareDecoder, RespReplyError, type RespBareReply } from '../src/index.js';
import { bareModel, cut, cutPoints, resp2Value, type BareExpected } from './support.js';

type Expected = BareExpected;


/** Model terms; every byte value must be a plain Uint8Array (not a Buffer, not a subclass). */
function seen(r: RespBareReply): Expected {
  if (r instanceof RespReplyError) return { error: r.message };
  if (r instanceof Uint8Array) {
    if (r.constructor !== Uint8Array) throw new Error(`a ${r.constructor.name} was handed out`);
    return Uint8Array.from(r);
  }
  if (Array.isArray(r)) return r.map(seen);
  return r;
}

/** Each chunk as a Buffer at an odd offset of a larger pooled Buffer, as sockets hand them out. */
function asBuffers(chunks: readonly Uint8Array[]): Buffer[] {
  return chunks.map((c) => {
    const pool = Buffer.alloc(c.length + 16, 0x2a);
    pool.set(c, 7);
    return pool.subarray(7, 7 + c.length);
  });
}

interface After {
  offset: number;
  midValue: boolean;
  work: number;
  bufferCapacity: number;
  pendingElements: number;
}
const state = (d: RespBareDecoder): After => ({ offset: d.offset, midValue: d.midValue, work: d.work, bufferCapacity: d.bufferCapacity, pendingElements: d.pendingElements });

function byExecute(chunks: readonly Uint8Array[], simpleStrings: 'string' | 'bytes'): { values: Expected[]; after: After[]; error?: unknown } {
  const values: Expected[] = [];
  const after: After[] = [];
  const d = new RespBareDecoder({ simpleStrings, onReply: (r) => values.push(seen(r)) });
  for (const c of chunks) {
    try {
      d.execute(c);
    } catch (e) {
      return { values, after, error: e };
    }
    after.push(state(d));
  }
  return { values, after };
}

function byPush(chunks: readonly Uint8Array[], simpleStrings: 'string' | 'bytes'): { values: Expected[]; after: After[]; error?: unknown } {
  const values: Expected[] = [];
  const after: After[] = [];
  const d = new RespBareDecoder({ simpleStrings });
  for (const c of chunks) {
    const r = d.feed(c);
    values.push(...r.values.map(seen));
    if (r.error) return { values, after, error: r.error };
    after.push(state(d));
  }
  return { values, after };
}

const stream = fc.array(resp2Value, { minLength: 1, maxLength: 12 });

describe('RespBareDecoder.execute on pushed Buffers (chunks read in place)', () => {
  it('random replies (also repeated past 1 KiB) cut anywhere, pushed as Buffers, give the model values as plain Uint8Arrays and the state push reports after every chunk', () => {
    fc.assert(
      fc.property(
        fc.tuple(stream, fc.integer({ min: 1, max: 4 })).chain(([once, times]) => {
          // repeated up to 4 times past 1 KiB, so chunks on both sides of VIEW_MIN (1024) are pushed
          const vs = once.length === 0 ? once : Array.from({ length: times === 1 ? 1 : times * Math.ceil(1100 / encodeMany(once).length) }, () => once).flat();
          const input = encodeMany(vs);
          return fc.tuple(fc.constant(vs), fc.constant(input), cutPoints(input.length), fc.constantFrom<'string' | 'bytes'>('string', 'bytes'));
        }),
        ([vs, input, points, simpleStrings]) => {
          const chunks = cut(input, points);
          const got = byExecute(asBuffers(chunks), simpleStrings);
          const ref = byPush(chunks.map((c) => Uint8Array.from(c)), simpleStrings);
          expect(got.error).toBeUndefined();
          if (simpleStrings === 'string') expect(got.values).toEqual(vs.map(bareModel));
          expect(got.values).toEqual(ref.values);
          expect(got.after).toEqual(ref.after);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a byte of a stream replaced, pushed as Buffers cut anywhere: the same replies, then the same error code and offset, as push of the whole', () => {
    fc.assert(
      fc.property(
        stream.chain((vs) => {
          const input = encodeMany(vs);
          return fc.tuple(fc.constant(input), fc.nat(input.length - 1), fc.integer({ min: 0, max: 255 }), cutPoints(input.length));
        }),
        ([input, at, byte, points]) => {
          const mutated = Uint8Array.from(input);
          mutated[at] = byte;
          const got = byExecute(asBuffers(cut(mutated, points)), 'string');
          const whole = byPush([mutated], 'string');
          expect(got.values).toEqual(whole.values);
          expect(got.error === undefined).toBe(whole.error === undefined);
          if (whole.error !== undefined) expect(got.error).toMatchObject({ code: (whole.error as { code: string }).code, offset: (whole.error as { offset: number }).offset });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a bulk handed out from a pushed Buffer is a plain Uint8Array over the same memory, at the reply bytes (not the pool around them)', () => {
    const pool = Buffer.from('xx$3\r\nabc\r\n+OK\r\n:7\r\nyy');
    const out: RespBareReply[] = [];
    const d = new RespBareDecoder({ onReply: (r) => out.push(r) });
    d.execute(pool.subarray(2, pool.length - 2));
    expect(out).toEqual([Uint8Array.of(0x61, 0x62, 0x63), 'OK', 7]);
    const bulk = out[0] as Uint8Array;
    expect(bulk.constructor).toBe(Uint8Array);
    expect(bulk.buffer).toBe(pool.buffer);
    expect(bulk.byteOffset).toBe(pool.byteOffset + 6);
    expect(d.offset).toBe(pool.length - 4);
    expect(d.midValue).toBe(false);
  });

  it('a callback that throws leaves the decoder where it was: the error reaches the caller, not a RespProtocolError', () => {
    const d = new RespBareDecoder({ onReply: () => { throw new RangeError('from the callback'); } });
    expect(() => { d.execute(Buffer.from(':1\r\n')); }).toThrow(RangeError);
  });
});
