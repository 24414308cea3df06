import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { describeTranscript } from '@protolab/testkit';
import { allEntries, decodeRdb, RdbDecoder, RdbFormatError, type RdbRecord } from '@protolab/redis-rdb';
import { FORGED, forgeFile } from './forge.js';
import { hex } from './helpers.js';

/** `code@offset` of the typed error, or the number of keys loaded. */
function outcome(f: Uint8Array): string {
  try {
    return `${[...allEntries(decodeRdb(f))].length} keys`;
  } catch (e) {
    if (e instanceof RdbFormatError) return `${e.code}@${e.offset}`;
    throw e;
  }
}

describe('rdb.c rdbLoadObject 7.0: what Redis refuses and what it skips (defect 13.4)', () => {
  for (const [name, c] of FORGED) {
    const redis = 'refused' in c.redis
      ? `redis-check-rdb 7.0.15 refuses it ("${c.redis.refused}", offset ${c.redis.offset})${c.redis.server === 'loads' ? '; redis-server without sanitize-dump-payload loads it' : ''}`
      : c.redis.skipped ? 'redis-server 7.0.15 skips the empty key ("rdbLoadObject skipping empty key") and loads the rest' : 'redis-server 7.0.15 drops the empty node and loads the key';
    const want = 'code' in c.ours ? `${c.ours.code}@${c.ours.offset}` : `${c.ours.keys} keys`;
    it(`${name}: ${redis}`, () => {
      expect(outcome(forgeFile(name))).toBe(want);
      // our offset is Redis's wherever Redis reports one at the element (all but the intset's in-blob order check)
      if ('refused' in c.redis && 'code' in c.ours && name !== 'intset-duplicate') expect(c.ours.offset).toBe(c.redis.offset);
      if (!('refused' in c.redis) && 'keys' in c.ours) expect(c.ours.keys).toBe(c.redis.keys);
    });
  }

  it('the streaming decoder reports a skipped key as an empty-key record (type and key), and no entry for it', () => {
    const recs: RdbRecord[] = new RdbDecoder().end(forgeFile('set-empty'));
    const skipped = recs.flatMap((r) => (r.kind === 'empty-key' ? [[r.type, r.typeName, hex(r.key)]] : []));
    expect(skipped).toEqual([[2, 'SET', hex(new TextEncoder().encode('k'))]]);
    expect(recs.filter((r) => r.kind === 'entry').length).toBe(2);
  });

  it('a quicklist whose first node is empty keeps the later node (the value is not re-read from node 0)', () => {
    const es = [...allEntries(decodeRdb(forgeFile('quicklist2-empty-then-a')))];
    const k = es.find((e) => hex(e.key) === '6b');
    expect(k?.value).toEqual({ type: 'list', value: [new TextEncoder().encode('a')] });
  });
});

describeTranscript(join(import.meta.dirname, 'transcripts', 'rdb-load.txt'), () => (cmd) => {
  const f = forgeFile(cmd.args[0] ?? '');
  const lines: string[] = [];
  try {
    new RdbDecoder().finish(f, (r) => {
      if (r.kind === 'entry') lines.push(`key ${JSON.stringify(new TextDecoder().decode(r.entry.key))} ${r.entry.typeName} loaded as ${r.entry.encoding}`);
      else if (r.kind === 'empty-key') lines.push(`key ${JSON.stringify(new TextDecoder().decode(r.key))} ${r.typeName} is empty: skipped`);
    });
  } catch (e) {
    if (!(e instanceof RdbFormatError)) throw e;
    lines.push(`${e.code}: ${e.message}`);
  }
  return lines.join('\n');
});
