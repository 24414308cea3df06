// The bare fast path (src/decode-bare-fast.ts `replies`) looks for the CR of a top-level `+` line
// four bytes a read when 1024 bytes or more are left in the chunk: a word is skipped whole only
// when none of its bytes is a CR, and the word holding one is read again a byte at a time; the
// high bits of the skipped words decide between the ASCII and the UTF-8 reading of the text.
// These properties pin it: a CR, an LF or a byte ≥ 0x80 put at any place of a line, at any
// alignment of the line in the chunk and of the chunk in its ArrayBuffer, gives what the tagged
// RespDecoder gives (another reader) and, for valid lines, what a model written here gives (the
// line's bytes, its UTF-8 text), whole, cut at one point and a byte at a time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RespBareDecoder, RespDecoder, RespProtocolError, type RespBareReply } from '../src/index.js';
import { bytes, concat, text } from './support.js';

/** 1100 bytes after the lines: without them no chunk leaves 1024 bytes to read and no word is read. */
const TRAILER = bytes(`$1100\r\n${'t'.repeat(1100)}\r\n`);
const TRAILER_SHOWN = `b:${'t'.repeat(1100)}`;

type Outcome = string[] | { code: string; offset: number };

function outcome(run: () => string[]): Outcome {
  try {
    return run();
  } catch (e) {
    if (e instanceof RespProtocolError) return { code: e.code, offset: e.offset };
    throw e;
  }
}

/** A reply shown as the model writes it: `s:` and the text, `b:` and the bytes as Latin-1. */
function shown(r: RespBareReply): string {
  if (typeof r === 'string') return `s:${r}`;
  if (r instanceof Uint8Array) return `b:${text(r)}`;
  throw new Error(`unexpected reply ${String(r)}`);
}

function bare(chunks: readonly Uint8Array[], simpleStrings: 'string' | 'bytes'): Outcome {
  return outcome(() => {
    const out: string[] = [];
    const d = new RespBareDecoder({ simpleStrings, onReply: (r) => out.push(shown(r)) });
    for (const c of chunks) d.execute(c);
    d.end();
    return out;
  });
}

/** The tagged decoder's reading (simple strings as text), the whole input at once. */
function tagged(input: Uint8Array): Outcome {
  return outcome(() => {
    const d = new RespDecoder({ protocol: 2 });
    const out = d.push(input).map((v) => (v.type === 'simple' ? `s:${v.value}` : v.type === 'bulk' ? `b:${text(v.value)}` : `?${v.type}`));
    d.end();
    return out;
  });
}

/** The input placed `shift` bytes into a larger ArrayBuffer (the DataView's byteOffset varies). */
function placed(input: Uint8Array, shift: number): Uint8Array {
  const host = new Uint8Array(input.length + shift + 5).fill(0x0d);
  host.set(input, shift);
  return host.subarray(shift, shift + input.length);
}

/** Line bodies: the `OK` shortcut and its near misses, ASCII, bytes ≥ 0x80, UTF-8 text. */
const body = fc.oneof(
  fc.constantFrom('OK', 'OX', 'O', 'OKK', 'K', '').map(bytes),
  fc.array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 40 }).map((a) => Uint8Array.from(a)),
  fc.array(fc.integer({ min: 0, max: 255 }).filter((b) => b !== 13 && b !== 10), { maxLength: 40 }).map((a) => Uint8Array.from(a)),
  fc.string({ unit: 'binary', maxLength: 16 }).map((s) => new TextEncoder().encode(s.replace(/[\r\n]/g, ''))),
);

/** A stream of `+` lines, one of them perhaps with a CR or LF put inside it (then malformed). */
const stream = fc.record({
  lead: fc.integer({ min: 0, max: 7 }),
  lines: fc.array(body, { minLength: 1, maxLength: 12 }),
  spoil: fc.option(fc.record({ line: fc.nat(), at: fc.nat(), byte: fc.constantFrom(13, 10) }), { nil: undefined }),
  shift: fc.integer({ min: 0, max: 7 }),
  cutAt: fc.nat(),
});

describe('`+` lines scanned four bytes at a time by the bare fast path', () => {
  it('a line with a CR, an LF or a high byte at any place and alignment decodes as the tagged decoder and the model read it, whole, cut once and a byte at a time, as text and as bytes', () => {
    fc.assert(
      fc.property(stream, ({ lead, lines, spoil, shift, cutAt }) => {
        const bodies: Uint8Array[] = lines.map((b) => b.slice());
        if (spoil !== undefined) {
          const b = bodies[spoil.line % bodies.length]!;
          const at = spoil.at % (b.length + 1);
          bodies[spoil.line % bodies.length] = concat([b.subarray(0, at), Uint8Array.of(spoil.byte), b.subarray(at)]);
        }
        // `lead` bytes of a bulk first, so the lines start at every alignment of a 4-byte word
        const head = bytes(`$${lead}\r\n${'h'.repeat(lead)}\r\n`);
        const input = placed(concat([head, ...bodies.flatMap((b) => [bytes('+'), b, bytes('\r\n')]), TRAILER]), shift);
        const want = tagged(input);
        if (spoil === undefined) {
          // the model: each line's UTF-8 text (or its bytes), between the lead bulk and the trailer
          const utf8 = new TextDecoder();
          expect(want).toEqual([`b:${'h'.repeat(lead)}`, ...bodies.map((b) => `s:${utf8.decode(b)}`), TRAILER_SHOWN]);
          expect(bare([input], 'bytes')).toEqual([`b:${'h'.repeat(lead)}`, ...bodies.map((b) => `b:${text(b)}`), TRAILER_SHOWN]);
        }
        const k = cutAt % (input.length + 1);
        for (const chunks of [[input], [input.subarray(0, k), input.subarray(k)], Array.from(input, (b) => Uint8Array.of(b))]) {
          expect(bare(chunks, 'string')).toEqual(want);
          const asBytes = bare(chunks, 'bytes');
          if (Array.isArray(want)) expect(Array.isArray(asBytes) && asBytes.length).toBe(want.length);
          else expect(asBytes).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});
