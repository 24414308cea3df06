import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { allEntries, decodeRdb, LZF_MAX_EXPANSION, RdbDecoder, RdbFormatError, type DecodedEntry } from '@protolab/redis-rdb';
import { allocationMeter, resetAllocationMeter } from '../src/bytes.js';

/**
 * The checked-in hostile corpus (test/corpus/index.txt; written by bench/make-corpus.ts, and
 * bench/fuzz.ts adds every minimised failure): each file is replayed on every run, whole and
 * streamed in chunks of 1, 7 and 4096 bytes, and must give its recorded outcome (streamed: an error
 * whenever the whole file gives one) with only
 * `RdbFormatError` thrown, allocations bounded by the input, and streaming work linear in it.
 */
const dir = new URL('./corpus/', import.meta.url);
const cases = readFileSync(new URL('index.txt', dir), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => {
  const [file = '', outcome = '', ...why] = l.split(' ');
  return { file, outcome, why: why.join(' ') };
});

/** Read every key and value, expanding packed values (must never throw after a successful decode). */
function touch(es: Iterable<DecodedEntry>): number {
  let n = 0;
  for (const e of es) {
    const v = e.value;
    n += e.key.length + (v.type === 'string' ? v.value.length : v.value.length);
  }
  return n;
}

function replay(f: Uint8Array, chunk: number | undefined): { outcome: string; work: number } {
  const entries: DecodedEntry[] = [];
  const d = new RdbDecoder();
  try {
    if (chunk === undefined) entries.push(...allEntries(decodeRdb(f)));
    else {
      for (let i = 0; i < f.length && !d.done; i += chunk) d.feed(f.subarray(i, i + chunk), (r) => { if (r.kind === 'entry') entries.push(r.entry); });
      if (!d.done) d.finish(undefined, (r) => { if (r.kind === 'entry') entries.push(r.entry); });
    }
  } catch (e) {
    if (e instanceof RdbFormatError) return { outcome: e.code, work: d.stats.parsedBytes + d.stats.copiedBytes };
    throw e; // only the package's error class may escape
  }
  touch(entries);
  return { outcome: `ok:${entries.length}`, work: d.stats.parsedBytes + d.stats.copiedBytes };
}

describe('hostile corpus replay (test/corpus): only RdbFormatError, the recorded outcome, bounded allocation, linear work', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(30);
  });
  for (const c of cases) {
    it(`${c.file}: ${c.outcome} — ${c.why}`, () => {
      const f = new Uint8Array(readFileSync(new URL(c.file, dir)));
      for (const chunk of [undefined, 1, 7, 4096]) {
        resetAllocationMeter();
        const r = replay(f, chunk);
        // streamed, a count too large for the file is only known to be impossible at the end, so an
        // error found earlier in the same bytes may come first: the outcome must be an error all the same
        if (chunk === undefined || c.outcome.startsWith('ok')) expect(r.outcome, `chunk ${String(chunk)}`).toBe(c.outcome);
        else expect(r.outcome, `chunk ${String(chunk)}`).not.toMatch(/^ok/);
        expect(allocationMeter.largest).toBeLessThanOrEqual(LZF_MAX_EXPANSION * f.length);
        if (chunk !== undefined) expect(r.work).toBeLessThanOrEqual(8 * f.length + 64);
      }
    });
  }
});
