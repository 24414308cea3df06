/**
 * Real-file adapter: what rdb.c `rdbSave` does with the bytes — write `temp-<pid>.rdb` next to
 * the target, fflush + fsync it, rename it over the target (atomic on POSIX), then fsync the
 * directory so the rename itself is durable. A crash at any point leaves either the old file or
 * the new one, never a mix. Plus a streaming reader that decodes a file of any size in chunks.
 */
import { closeSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeRdb, type EncodeOptions } from '../encoder.js';
import { RdbDecoder, type RdbDecoderOptions, type RdbRecord } from '../decoder.js';
import type { EntrySource, KeyEntry } from '../model.js';

/** rdbSave: temp file, fsync, rename, directory fsync. Returns the bytes written. */
export function saveRdbFile(path: string, source: EntrySource | Iterable<KeyEntry>, opts: EncodeOptions = {}): number {
  const bytes = encodeRdb(source, { ctimeSec: Math.floor(Date.now() / 1000), ...opts });
  const temp = join(dirname(path), `temp-${process.pid}.rdb`);
  const fd = openSync(temp, 'w', 0o644);
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(temp, path);
  const dfd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dfd);
  } finally {
    closeSync(dfd);
  }
  return bytes.length;
}

/**
 * Decode a file in `chunkBytes` reads, handing each record to `onRecord` as soon as it is parsed.
 * Memory stays around one chunk plus the largest single record.
 */
export function streamRdbFile(path: string, onRecord: (r: RdbRecord) => void, opts: RdbDecoderOptions & { chunkBytes?: number } = {}): { bytes: number; records: number } {
  const dec = new RdbDecoder(opts);
  const size = opts.chunkBytes ?? 1 << 20;
  const fd = openSync(path, 'r');
  let total = 0;
  let records = 0;
  try {
    for (;;) {
      const buf = new Uint8Array(size);
      const n = readSync(fd, buf, 0, size, null);
      if (n === 0) break;
      total += n;
      dec.feed(buf.subarray(0, n), (r) => {
        records++;
        onRecord(r);
      });
      if (dec.done) break;
    }
  } finally {
    closeSync(fd);
  }
  if (!dec.done) {
    dec.finish(undefined, (r) => {
      records++;
      onRecord(r);
    });
  }
  return { bytes: total, records };
}
