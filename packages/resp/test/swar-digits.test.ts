// The bare fast path (src/decode-bare-fast.ts) reads an array element's digits two a step in a
// short buffer and four bytes a read in a long one (the `:` elements of `array`, with CR LF read as
// one 16-bit word), and a top-level integer of four digits or more four bytes a read (swarDigits;
// both with 1024 bytes or more left in the chunk: one DataView read, a mask test for "all digits",
// the first non-digit found from the mask). These properties pin both: every byte that is not a digit must stop the digits
// where a byte-at-a-time reader stops, wherever it falls in a pair or a 4-byte word, whatever the
// word's alignment in the chunk and in its ArrayBuffer, and however the input is cut. Expected
// values come from a model written here (string2ll's canonical-integer rule) and from the tagged
// RespDecoder (another reader), never from the code under test.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { BareFastReader } from '../src/decode-bare-fast.js';
import { RespBareDecoder, RespDecoder, RespProtocolError, type RespBareReply, type RespValue } from '../src/index.js';
import { bytes, concat } from './support.js';

/** What a decoder makes of the input: the replies, or the error code and offset. */
type Outcome = (number | bigint | string)[] | { code: string; offset: number };

function outcome(run: () => (number | bigint | string)[]): Outcome {
  try {
    return run();
  } catch (e) {
    if (e instanceof RespProtocolError) return { code: e.code, offset: e.offset };
    throw e;
  }
}

/** A bare reply as the model writes it (integers as they are, simple strings as text). */
function plain(r: RespBareReply): number | bigint | string {
  if (typeof r === 'number' || typeof r === 'bigint' || typeof r === 'string') return r;
  if (r instanceof Uint8Array) return String.fromCharCode(...r);
  throw new Error(`unexpected reply ${String(r)}`);
}

function plainTagged(v: RespValue<number | bigint>): number | bigint | string {
  if (v.type === 'integer') return typeof v.value === 'bigint' && v.value >= -(2n ** 53n) + 1n && v.value <= 2n ** 53n - 1n ? Number(v.value) : v.value;
  if (v.type === 'simple') return v.value;
  if (v.type === 'bulk') return String.fromCharCode(...v.value);
  throw new Error(`unexpected reply ${v.type}`);
}

/**
 * A bulk of 1100 bytes after the integers: the fast path reads four at a time only with at least
 * 1024 bytes left in the buffer (a DataView per short chunk cost more than it saved), so without
 * it these inputs would all be read a byte at a time.
 */
const TRAILER = bytes(`$1100\r\n${'t'.repeat(1100)}\r\n`);
const TRAILER_REPLY = 't'.repeat(1100);

/** The input placed `shift` bytes into a larger ArrayBuffer (the DataView's byteOffset varies). */
function placed(input: Uint8Array, shift: number): Uint8Array {
  const host = new Uint8Array(input.length + shift + 3).fill(0x37);
  host.set(input, shift);
  return host.subarray(shift, shift + input.length);
}

function bare(chunks: readonly Uint8Array[]): Outcome {
  return outcome(() => {
    const out: (number | bigint | string)[] = [];
    const d = new RespBareDecoder({ onReply: (r) => out.push(plain(r)) });
    for (const c of chunks) d.execute(c);
    d.end();
    return out;
  });
}

/** The model: string2ll's canonical form, in int64; a number when safe, a bigint beyond. */
function model(body: string): number | bigint | undefined {
  if (!/^-?(0|[1-9][0-9]*)$/.test(body) || body === '-0' || body.length > 20) return undefined;
  const v = BigInt(body);
  if (v < -(2n ** 63n) || v >= 2n ** 63n) return undefined;
  return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v;
}

/** Bytes a 4-byte digit test must tell from '0'..'9': neighbours, the nibble edges, CR, LF, sign. */
const notDigit = fc.constantFrom(0x2f, 0x3a, 0x3b, 0x3f, 0x20, 0x00, 0x0d, 0x0a, 0x2d, 0x2b, 0x40, 0x70, 0x7f, 0x80, 0xb0, 0xf0, 0xf9, 0xfa, 0xff);

describe('integers read four bytes at a time by the bare fast path', () => {
  it('array elements of 1 to 17 digits (read two digits a step by the bare fast path), a byte that is not a digit put anywhere in some, decode as the tagged decoder reads them and as string2ll rules, whole, a byte at a time and cut at every point', () => {
    const element = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[1-9][0-9]{0,16}$/), fc.option(fc.tuple(fc.nat(18), notDigit), { freq: 4 }))
      .map(([negative, digits, planted]) => {
        const body = bytes(`${negative ? '-' : ''}${digits}`);
        if (planted === null) return body;
        const k = planted[0] % (body.length + 1);
        return Uint8Array.from([...body.subarray(0, k), planted[1], ...body.subarray(k)]);
      });
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 6 }), (bodies) => {
        const input = concat([bytes(`*${bodies.length}\r\n`), ...bodies.flatMap((b) => [bytes(':'), b, bytes('\r\n')]), bytes(':7\r\n')]);
        const tagged = outcome(() => {
          const d = new RespDecoder({ protocol: 2, integers: 'number' });
          const out = d.push(input).map((v) => (v.type === 'array' ? v.value.map(plainTagged).join(',') : plainTagged(v)));
          d.end();
          return out;
        });
        const seen = (chunks: Uint8Array[]): Outcome =>
          outcome(() => {
            const out: (number | bigint | string)[] = [];
            const d = new RespBareDecoder({ onReply: (r) => out.push(Array.isArray(r) ? r.map(plain).join(',') : plain(r)) });
            for (const c of chunks) d.execute(c);
            d.end();
            return out;
          });
        expect(seen([input])).toEqual(tagged);
        expect(seen([...input].map((b) => Uint8Array.of(b)))).toEqual(tagged);
        for (let at = 1; at < input.length; at++) expect(seen([input.subarray(0, at), input.subarray(at)])).toEqual(tagged);
        const values = bodies.map((b) => model(String.fromCharCode(...b)));
        if (values.every((v) => v !== undefined)) expect(tagged).toEqual([values.join(','), 7]);
        else expect(tagged).toHaveProperty('code');
      }),
      { numRuns: 300 },
    );
  });

  it('array elements in a buffer long enough for 4-byte reads (1 to 18 digits, leading zeros, "-0", one or two bytes that are not digits put anywhere in some) decode as the tagged decoder reads them and as string2ll rules, with the same work, at every alignment, whole, a byte at a time and cut anywhere', () => {
    const element = fc
      .tuple(fc.constantFrom('', '-'), fc.oneof(fc.stringMatching(/^[1-9][0-9]{0,17}$/), fc.stringMatching(/^0[0-9]{0,3}$/)), fc.option(fc.tuple(fc.nat(19), fc.array(notDigit, { minLength: 1, maxLength: 2 })), { freq: 3 }))
      .map(([sign, digits, planted]) => {
        // one or two bytes that are not digits (two: e.g. a CR and then ':', which a reader that
        // checked the CR but not the LF after it would take for the start of another element)
        const body = bytes(`${sign}${digits}`);
        if (planted === null) return body;
        const k = planted[0] % (body.length + 1);
        return Uint8Array.from([...body.subarray(0, k), ...planted[1], ...body.subarray(k)]);
      });
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 8 }), fc.nat(7), fc.nat(), (bodies, shift, cutSeed) => {
        // the array first and the 1.1 KiB bulk after it: the array reader has a DataView for this buffer
        const raw = concat([bytes(`*${bodies.length}\r\n`), ...bodies.flatMap((b) => [bytes(':'), b, bytes('\r\n')]), bytes(':7\r\n'), TRAILER]);
        const input = placed(raw, shift);
        let taggedWork = 0;
        const tagged = outcome(() => {
          const d = new RespDecoder({ protocol: 2, integers: 'number' });
          const out = d.push(input).map((v) => (v.type === 'array' ? v.value.map(plainTagged).join(',') : plainTagged(v)));
          d.end();
          taggedWork = d.work;
          return out;
        });
        const seen = (chunks: Uint8Array[], work?: (w: number) => void): Outcome =>
          outcome(() => {
            const out: (number | bigint | string)[] = [];
            const d = new RespBareDecoder({ onReply: (r) => out.push(Array.isArray(r) ? r.map(plain).join(',') : plain(r)) });
            for (const c of chunks) d.execute(c);
            d.end();
            work?.(d.work);
            return out;
          });
        expect(seen([input], (w) => {
          expect(w).toBe(taggedWork);
        })).toEqual(tagged);
        expect(seen([...input].map((b) => Uint8Array.of(b)))).toEqual(tagged);
        const at = cutSeed % (input.length + 1);
        expect(seen([placed(input.subarray(0, at), shift), placed(input.subarray(at), (shift + 3) % 8)])).toEqual(tagged);
        const values = bodies.map((b) => model(String.fromCharCode(...b)));
        if (values.every((v) => v !== undefined)) expect(tagged).toEqual([values.join(','), 7, TRAILER_REPLY]);
        else expect(tagged).toHaveProperty('code');
      }),
      // a CR not followed by LF inside an element, and a leading zero, always among the cases
      { numRuns: 300, examples: [[[bytes('1\r')], 0, 0], [[bytes('12\r:5')], 1, 9], [[bytes('0123')], 2, 0], [[bytes('-0')], 3, 0]] },
    );
  });

  it('well-formed array elements of every length from 1 to 15 digits, either sign, are read inline: the general reader `value` is never called', () => {
    const values = Array.from({ length: 30 }, (_, k) => (k % 2 === 0 ? 1 : -1) * Number('987654321098765'.slice(0, (k % 15) + 1)));
    const input = concat([bytes(`*${values.length}\r\n`), ...values.map((v) => bytes(`:${v}\r\n`))]);
    const general = vi.spyOn(BareFastReader.prototype, 'value');
    try {
      const out: RespBareReply[] = [];
      const d = new RespBareDecoder({ onReply: (r) => out.push(r) });
      d.execute(input);
      expect(out).toEqual([values]);
      expect(general).not.toHaveBeenCalled();
    } finally {
      general.mockRestore();
    }
  });

  it('a top-level integer of 1 to 21 digits, with a byte that is not a digit put anywhere in it or none, decodes as the tagged decoder reads it and as string2ll rules, at every alignment, whole, a byte at a time and cut anywhere', () => {
    const line = fc
      .tuple(fc.boolean(), fc.stringMatching(/^[0-9]{1,21}$/), fc.option(fc.tuple(fc.nat(22), notDigit), { freq: 2 }))
      .map(([negative, digits, planted]) => {
        const body = bytes(`${negative ? '-' : ''}${digits}`);
        if (planted === null) return body;
        const [at, b] = planted;
        const k = at % (body.length + 1);
        return Uint8Array.from([...body.subarray(0, k), b, ...body.subarray(k)]);
      });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), fc.nat(3), fc.nat(7), fc.nat(), (bodies, pad, shift, cutSeed) => {
        // `+` and `pad` bytes first: the digits start at every offset modulo 4
        const parts = [bytes(`+${'x'.repeat(pad)}\r\n`)];
        for (const b of bodies) parts.push(Uint8Array.from([0x3a, ...b, 0x0d, 0x0a]));
        parts.push(bytes(':7\r\n'), TRAILER);
        const input = placed(Uint8Array.from(parts.flatMap((p) => [...p])), shift);
        let taggedWork = 0;
        const tagged = outcome(() => {
          const d = new RespDecoder({ protocol: 2, integers: 'number' });
          const out = d.push(input).map(plainTagged);
          d.end();
          taggedWork = d.work;
          return out;
        });
        expect(bare([input])).toEqual(tagged);
        if (Array.isArray(tagged)) {
          // the same work counted (the linear-time bound's measure), four bytes a read or one
          const whole = new RespBareDecoder({ onReply: () => undefined });
          whole.execute(input);
          expect(whole.work).toBe(taggedWork);
        }
        // a byte at a time: the byte-at-a-time reader (short buffers), the same outcome
        expect(bare([...input].map((b) => Uint8Array.of(b)))).toEqual(tagged);
        const at = cutSeed % (input.length + 1);
        expect(bare([placed(input.subarray(0, at), shift), placed(input.subarray(at), (shift + 1) % 8)])).toEqual(tagged);
        const texts = bodies.map((b) => String.fromCharCode(...b));
        const values = texts.map(model);
        if (values.every((v) => v !== undefined)) expect(tagged).toEqual(['x'.repeat(pad), ...values, 7, TRAILER_REPLY]);
        else expect(tagged).toHaveProperty('code');
      }),
      { numRuns: 600 },
    );
  });

  it('integers of 4 to 15 digits (each length around a word boundary) with one digit replaced by each byte that is not a digit is refused, at each of the four alignments', () => {
    const ds = '123456789012345';
    const heads = [0, 1, 2, 3].map((pad) => bytes(`+${'x'.repeat(pad)}\r\n:`));
    const CRLF = bytes('\r\n');
    for (const len of [4, 5, 7, 8, 9, 12, 13, 15]) {
      for (let at = 0; at < len; at++) {
        for (let b = 0; b < 256; b++) {
          if ((b >= 0x30 && b <= 0x39) || (b === 0x2d && at === 0)) continue; // a digit, or a sign in front
          const body = Uint8Array.from([...bytes(ds.slice(0, len))].map((c, i) => (i === at ? b : c)));
          for (const pad of [0, 1, 2, 3]) {
            const input = concat([heads[pad] ?? bytes(':'), body, CRLF, TRAILER]);
            const got = bare([input]);
            expect(got, `${len} digits, byte ${b} at ${at}, pad ${pad}`).toHaveProperty('code');
          }
        }
      }
    }
  });

  it('four-digit words at the edges: 1000, 9999, 10^15 - 1, the lone 0 and leading zeros, signs', () => {
    const input = Uint8Array.from([...bytes(':1000\r\n:9999\r\n:-9999\r\n:999999999999999\r\n:-100000000000000\r\n:12345678\r\n:0\r\n:1234\r\n'), ...TRAILER]);
    const expected = [1000, 9999, -9999, 999999999999999, -100000000000000, 12345678, 0, 1234, TRAILER_REPLY];
    for (const shift of [0, 1, 2, 3]) expect(bare([placed(input, shift)])).toEqual(expected);
    for (const bad of [':0123\r\n', ':-0123\r\n', ':00000\r\n', ':-0\r\n', ':1234\n\r\n', ':12345\r\r\n']) {
      expect(bare([Uint8Array.from([...bytes(bad), ...TRAILER])]), bad).toHaveProperty('code');
    }
  });
});
