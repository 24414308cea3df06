/**
 * {@link AofDisk} over real files: appends with O_APPEND, `fsync` is fdatasync(2) as Redis's
 * redis_fsync is on Linux, renames are rename(2) followed by an fsync of the directory (as
 * aof.c writeAofManifestFile does with fsyncFileDir). Names are resolved against `root`
 * (Redis's `dir`); directories are created on demand.
 *
 * Every failed file operation (ENOENT, EROFS, ENOTDIR, EISDIR, ENOSPC, EIO …) becomes an
 * `AofError` `AOF_IO` carrying the errno and the path. A write that fails after part of the bytes
 * reached the file returns the count written (a short write, as write(2) does), so the caller can
 * truncate the torn tail away as flushAppendOnlyFile does.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AofDisk } from '../disk.js';
import { AofError } from '../errors.js';

function errnoOf(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}

/** Run a file operation; a Node fs error becomes an AofError `AOF_IO` naming the operation and the path. */
export function fsOp<T>(op: string, file: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof AofError) throw e;
    const errno = errnoOf(e);
    if (errno === undefined) throw e;
    throw new AofError('AOF_IO', `${op} ${file}: ${errno} (${e instanceof Error ? e.message : String(e)})`, { file, errno });
  }
}

export class FsDisk implements AofDisk {
  private fds = new Map<string, number>();

  constructor(readonly root: string, opts: { create?: boolean } = {}) {
    if (opts.create !== false) fsOp('mkdir', root, () => fs.mkdirSync(root, { recursive: true }));
  }

  private p(name: string): string {
    return path.resolve(this.root, name);
  }

  private fd(name: string): number {
    let fd = this.fds.get(name);
    if (fd === undefined) {
      const file = this.p(name);
      fd = fsOp('open', file, () => {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        return fs.openSync(file, 'a');
      });
      this.fds.set(name, fd);
    }
    return fd;
  }

  private closeFd(name: string): void {
    const fd = this.fds.get(name);
    if (fd !== undefined) {
      this.fds.delete(name);
      fsOp('close', this.p(name), () => { fs.closeSync(fd); });
    }
  }

  exists(name: string): boolean {
    return fs.existsSync(this.p(name));
  }

  list(): string[] {
    const out: string[] = [];
    const walk = (dir: string, prefix: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const e of fsOp('readdir', dir, () => fs.readdirSync(dir, { withFileTypes: true }))) {
        if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}${e.name}/`);
        else out.push(prefix + e.name);
      }
    };
    walk(this.root, '');
    return out.sort();
  }

  create(name: string): void {
    this.fd(name);
  }

  write(name: string, bytes: Uint8Array): number {
    const fd = this.fd(name);
    let off = 0;
    try {
      while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      // write(2) that fails after a prefix reached the file: report the short write.
      if (off > 0 && errnoOf(e) !== undefined) return off;
      return fsOp('write', this.p(name), () => {
        throw e;
      });
    }
    return off;
  }

  truncate(name: string, length: number): void {
    fsOp('truncate', this.p(name), () => { fs.truncateSync(this.p(name), length); });
  }

  read(name: string): Uint8Array {
    return fsOp('read', this.p(name), () => fs.readFileSync(this.p(name)));
  }

  size(name: string): number {
    return fsOp('stat', this.p(name), () => fs.statSync(this.p(name)).size);
  }

  fsync(name: string): void {
    const fd = this.fd(name);
    fsOp('fdatasync', this.p(name), () => { fs.fdatasyncSync(fd); });
  }

  /** The fd of an open file (for a real background fsync with fs.fdatasync). */
  fdOf(name: string): number {
    return this.fd(name);
  }

  rename(from: string, to: string): void {
    this.closeFd(from);
    this.closeFd(to);
    const target = this.p(to);
    fsOp('rename', `${this.p(from)} -> ${target}`, () => {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.renameSync(this.p(from), target);
    });
    const dir = path.dirname(target);
    fsOp('fsync', dir, () => {
      const dfd = fs.openSync(dir, 'r');
      try {
        fs.fsyncSync(dfd);
      } finally {
        fs.closeSync(dfd);
      }
    });
  }

  remove(name: string): void {
    this.closeFd(name);
    fsOp('unlink', this.p(name), () => { fs.unlinkSync(this.p(name)); });
  }

  close(): void {
    for (const name of [...this.fds.keys()]) this.closeFd(name);
  }
}

/**
 * A real background fsync for everysec: fs.fdatasync runs on libuv's thread pool, as bio.c's
 * BIO_AOF_FSYNC job runs on its own thread; `pending()` is true until it completes. A failed
 * fsync is remembered (`lastError`), as bio.c sets server.aof_bio_fsync_status = C_ERR.
 */
export function fsBio(disk: FsDisk): { fsync(path: string): void; pending(): boolean; lastError(): AofError | undefined } {
  let inFlight = 0;
  let lastError: AofError | undefined;
  return {
    fsync(p: string): void {
      inFlight++;
      fs.fdatasync(disk.fdOf(p), (err) => {
        inFlight--;
        const errno = errnoOf(err);
        lastError = err === null ? undefined : new AofError('AOF_IO', `fdatasync ${p}: ${errno ?? 'error'}`, { file: p, ...(errno !== undefined ? { errno } : {}) });
      });
    },
    pending: () => inFlight > 0,
    lastError: () => lastError,
  };
}
