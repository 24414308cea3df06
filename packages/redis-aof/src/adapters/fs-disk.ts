/**
 * {@link AofDisk} over real files: appends with O_APPEND, `fsync` is fdatasync(2) as Redis's
 * redis_fsync is on Linux, renames are rename(2) followed by an fsync of the directory (as
 * aof.c writeAofManifestFile does with fsyncFileDir). Names are resolved against `root`
 * (Redis's `dir`); directories are created on demand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AofDisk } from '../disk.js';

export class FsDisk implements AofDisk {
  private fds = new Map<string, number>();

  constructor(readonly root: string) {
    fs.mkdirSync(root, { recursive: true });
  }

  private p(name: string): string {
    return path.resolve(this.root, name);
  }

  private fd(name: string): number {
    let fd = this.fds.get(name);
    if (fd === undefined) {
      fs.mkdirSync(path.dirname(this.p(name)), { recursive: true });
      fd = fs.openSync(this.p(name), 'a');
      this.fds.set(name, fd);
    }
    return fd;
  }

  private closeFd(name: string): void {
    const fd = this.fds.get(name);
    if (fd !== undefined) {
      fs.closeSync(fd);
      this.fds.delete(name);
    }
  }

  exists(name: string): boolean {
    return fs.existsSync(this.p(name));
  }

  list(): string[] {
    const out: string[] = [];
    const walk = (dir: string, prefix: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
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

  write(name: string, bytes: Uint8Array): void {
    const fd = this.fd(name);
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
  }

  truncate(name: string, length: number): void {
    fs.truncateSync(this.p(name), length);
  }

  read(name: string): Uint8Array {
    return fs.readFileSync(this.p(name));
  }

  size(name: string): number {
    return fs.statSync(this.p(name)).size;
  }

  fsync(name: string): void {
    fs.fdatasyncSync(this.fd(name));
  }

  /** The fd of an open file (for a real background fsync with fs.fdatasync). */
  fdOf(name: string): number {
    return this.fd(name);
  }

  rename(from: string, to: string): void {
    this.closeFd(from);
    this.closeFd(to);
    fs.mkdirSync(path.dirname(this.p(to)), { recursive: true });
    fs.renameSync(this.p(from), this.p(to));
    const dfd = fs.openSync(path.dirname(this.p(to)), 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  }

  remove(name: string): void {
    this.closeFd(name);
    fs.unlinkSync(this.p(name));
  }

  close(): void {
    for (const name of [...this.fds.keys()]) this.closeFd(name);
  }
}

/**
 * A real background fsync for everysec: fs.fdatasync runs on libuv's thread pool, as bio.c's
 * BIO_AOF_FSYNC job runs on its own thread; `pending()` is true until it completes.
 */
export function fsBio(disk: FsDisk): { fsync(path: string): void; pending(): boolean } {
  let inFlight = 0;
  return {
    fsync(p: string): void {
      inFlight++;
      fs.fdatasync(disk.fdOf(p), () => {
        inFlight--;
      });
    },
    pending: () => inFlight > 0,
  };
}
