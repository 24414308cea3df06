// The checked-in corpus of hostile inputs (test/corpus/*.resp, made by corpus/generate.ts),
// replayed on every run into the four decoder configurations, whole and in chunks of 1, 7 and
// 256 bytes: the outcome is the one expected.json gives (written from hiredis's and
// redis-server's rules), whatever the split; the work stays linear and the memory bounded.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RespDecoder, RespProtocolError, RespRequestParser } from '../src/index.js';

interface Fed {
  feed(chunk: Uint8Array): { error?: RespProtocolError };
  readonly work: number;
  readonly bufferCapacity: number;
}
type Config = 'reply3' | 'reply2' | 'request' | 'aof';
const make: Record<Config, () => Fed & { readonly midValue?: boolean; readonly midCommand?: boolean; readonly pendingElements?: number; readonly offset?: number }> = {
  reply3: () => new RespDecoder(),
  reply2: () => new RespDecoder({ protocol: 2 }),
  request: () => new RespRequestParser(),
  aof: () => new RespRequestParser({ allowInline: false, strictCrlf: true, annotations: true }),
};

const dir = new URL('corpus/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected.json', dir), 'utf8')) as Record<string, Record<Config, string>>;
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.resp'))
  .map((f) => f.slice(0, -'.resp'.length))
  .sort();

/** Feeds `input` in chunks of `size`; the memory checks are counted and asserted once (fast). */
function replay(config: Config, input: Uint8Array, size: number): { outcome: string; work: number } {
  const d = make[config]();
  let pushed = 0;
  let overCapacity = 0;
  let heldElements = 0;
  let outcome = '';
  for (let o = 0; o < input.length && outcome === ''; o += size) {
    const r = d.feed(input.subarray(o, o + size));
    if (r.error) {
      expect(r.error).toBeInstanceOf(RespProtocolError);
      outcome = r.error.code;
    }
    pushed += Math.min(size, input.length - o);
    if (d.bufferCapacity > Math.max(4096, 2 * pushed)) overCapacity++;
    // built elements held per byte of the unfinished value received (each takes 3 bytes at least)
    if (d.pendingElements !== undefined && d.pendingElements > 0) heldElements = Math.max(heldElements, d.pendingElements / (pushed - (d.offset ?? 0)));
  }
  expect(overCapacity, 'pushes after which more than 2× the input was held').toBe(0);
  expect(heldElements, 'elements held by an unfinished value, per byte of it received').toBeLessThanOrEqual(1 / 3);
  return { outcome: outcome || ((d.midValue ?? d.midCommand) === true ? 'unfinished' : 'complete'), work: d.work };
}

describe('the hostile-input corpus, replayed', () => {
  it('has an expected outcome for every file, and a file for every expectation', () => {
    expect(files).toEqual(Object.keys(expected).filter((k) => k !== '_').sort());
  });

  describe.each(files)('%s', (name) => {
    const input = new Uint8Array(readFileSync(new URL(`${name}.resp`, dir)));
    it.each(['reply3', 'reply2', 'request', 'aof'] as const)('%s: the expected outcome whatever the split, linear work, bounded memory', (config) => {
      const want = expected[name]?.[config];
      const whole = replay(config, input, input.length || 1);
      expect(whole.outcome).toBe(want);
      expect(whole.work).toBeLessThanOrEqual(8 * input.length + 64);
      for (const size of [1, 7, 256]) {
        const split = replay(config, input, size);
        expect(split.outcome).toBe(want);
        expect(split.work).toBeLessThanOrEqual(4 * whole.work + 8 * input.length + 16 * Math.ceil(input.length / size));
      }
    });
  });
});
