import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arityErrorText, concatBytes } from '../src/index.js';

describe('concatBytes', () => {
  it('puts the parts back to back: the result read part by part gives the parts back', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 8 }), (parts) => {
        const out = concatBytes(parts);
        let o = 0;
        for (const p of parts) {
          expect(Array.from(out.subarray(o, o + p.length))).toEqual(Array.from(p));
          o += p.length;
        }
        expect(out.length).toBe(o);
      }),
    );
  });
});

describe('error texts', () => {
  it("server.c processCommand's arity error names the command's full name", () => {
    expect(arityErrorText('cluster|keyslot')).toBe("ERR wrong number of arguments for 'cluster|keyslot' command");
  });
});
