import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveRdbFile, streamRdbFile, type DecodedEntry } from '@protolab/redis-rdb';
import { b } from './helpers.js';

describe('real-file adapter (rdb.c rdbSave: temp-<pid>.rdb, fsync, rename)', () => {
  it('writes the dump through a temp file that is gone afterwards, and streams it back record by record', () => {
    const dir = mkdtempSync(join(tmpdir(), 'protolab-rdb-file-'));
    try {
      const path = join(dir, 'dump.rdb');
      const es = Array.from({ length: 3000 }, (_, i) => ({ db: i % 3, key: b(`k${i}`), value: { type: 'string' as const, value: b(`value-${i}`) } }));
      const n = saveRdbFile(path, es);
      expect(existsSync(path)).toBe(true);
      expect(readdirSync(dir)).toEqual(['dump.rdb']);
      const got: DecodedEntry[] = [];
      const r = streamRdbFile(path, (rec) => { if (rec.kind === 'entry') got.push(rec.entry); }, { chunkBytes: 1000 });
      expect(r.bytes).toBe(n);
      expect(got.length).toBe(3000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
