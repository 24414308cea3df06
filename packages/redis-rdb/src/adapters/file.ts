/**
 * Real-file adapter: what rdb.c `rdbSave` does with the bytes — write `temp-<pid>.rdb` next to
 * the target, fflush + fsync it, rename it over the target (atomic on POSIX), then fsync the
 * directory so the rename itself is durable. A crash at any point leaves either the old file or
 * the new one, never a mix; a failure at any step removes the temp file (as `rdbSave` unlinks it
 * on error) and throws an `RdbFileError` naming the operation, the path and the errno. Plus a
 * streaming reader that decodes a file of any size in chunks.
 */
import * as nodeFs from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeRdb, type EncodeOptions } from '../encoder.js';
import { RdbDecoder, type RdbDecoderOptions, type RdbRecord } from '../decoder.js';
import { RdbFileError } from '../errors.js';
import type { EntrySource, KeyEntry } from '../model.js';

/** The file operations the adapter uses (node:fs by default; tests hand in failing ones). */
export interface RdbFs {
  openSync(path: string, flags: string, mode?: number): number;
  writeSync(fd: number, buf: Uint8Array, off: number, len: number): number;
  readSync(fd: number, buf: Uint8Array, off: number, len: number, pos: null): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, opts: { force: boolean }): void;
}

const NODE_FS: RdbFs = {
  openSync: (p, f, m) => nodeFs.openSync(p, f, m),
  writeSync: (fd, b, o, l) => nodeFs.writeSync(fd, b, o, l),
  readSync: (fd, b, o, l, pos) => nodeFs.readSync(fd, b, o, l, pos),
  fsyncSync: (fd) => { nodeFs.fsyncSync(fd); },
  closeSync: (fd) => { nodeFs.closeSync(fd); },
  renameSync: (a, b) => { nodeFs.renameSync(a, b); },
  rmSync: (p, o) => { nodeFs.rmSync(p, o); },
};

/** Run one file operation; a Node error (ENOENT, EROFS, ENOTDIR, EISDIR, ENOSPC, ...) becomes an RdbFileError. */
function io<T>(op: string, path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RdbFileError) throw e;
    const errno = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' ? e.code : 'EIO';
    const detail = e instanceof Error ? e.message : String(e);
    throw new RdbFileError(op, path, errno, detail);
  }
}

/** rdbSave: temp file, fsync, rename, directory fsync. Returns the bytes written. */
export function saveRdbFile(path: string, source: EntrySource | Iterable<KeyEntry>, opts: EncodeOptions = {}): number {
  return saveRdbFileWith(NODE_FS, path, source, opts);
}

/** `saveRdbFile` over the given file operations. */
export function saveRdbFileWith(fs: RdbFs, path: string, source: EntrySource | Iterable<KeyEntry>, opts: EncodeOptions = {}): number {
  const bytes = encodeRdb(source, { ctimeSec: Math.floor(Date.now() / 1000), ...opts });
  const dir = dirname(path);
  const temp = join(dir, `temp-${process.pid}.rdb`);
  const fd = io('open', temp, () => fs.openSync(temp, 'w', 0o644));
  try {
    try {
      let off = 0;
      while (off < bytes.length) off += io('write', temp, () => fs.writeSync(fd, bytes, off, bytes.length - off));
      io('fsync', temp, () => { fs.fsyncSync(fd); });
    } finally {
      io('close', temp, () => { fs.closeSync(fd); });
    }
    io('rename', path, () => { fs.renameSync(temp, path); });
  } catch (e) {
    // rdbSave: "unlink(tmpfile)" on every failure path, so no temp-<pid>.rdb is left behind
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // the original error is the one to report
    }
    throw e;
  }
  const dfd = io('open', dir, () => fs.openSync(dir, 'r'));
  try {
    io('fsync', dir, () => { fs.fsyncSync(dfd); });
  } finally {
    io('close', dir, () => { fs.closeSync(dfd); });
  }
  return bytes.length;
}

/**
 * Decode a file in `chunkBytes` reads, handing each record to `onRecord` as soon as it is parsed.
 * Memory stays around one chunk plus the largest single record. A file that cannot be read throws
 * `RdbFileError`; bad bytes throw `RdbFormatError`.
 */
export function streamRdbFile(path: string, onRecord: (r: RdbRecord) => void, opts: RdbDecoderOptions & { chunkBytes?: number } = {}): { bytes: number; records: number } {
  return streamRdbFileWith(NODE_FS, path, onRecord, opts);
}

/** `streamRdbFile` over the given file operations. */
export function streamRdbFileWith(fs: RdbFs, path: string, onRecord: (r: RdbRecord) => void, opts: RdbDecoderOptions & { chunkBytes?: number } = {}): { bytes: number; records: number } {
  const dec = new RdbDecoder(opts);
  const size = opts.chunkBytes ?? 1 << 20;
  let records = 0;
  const count = (r: RdbRecord): void => {
    records++;
    onRecord(r);
  };
  const fd = io('open', path, () => fs.openSync(path, 'r'));
  let total = 0;
  try {
    for (;;) {
      const buf = new Uint8Array(size);
      const n = io('read', path, () => fs.readSync(fd, buf, 0, size, null));
      if (n === 0) break;
      total += n;
      dec.feed(buf.subarray(0, n), count);
      if (dec.done) break;
    }
  } finally {
    io('close', path, () => { fs.closeSync(fd); });
  }
  if (!dec.done) dec.finish(undefined, count);
  return { bytes: total, records };
}
