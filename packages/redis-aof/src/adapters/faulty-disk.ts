/**
 * Disk faults for the AOF's tests: an {@link AofDisk} wrapper (over `@protolab/sim`'s SimDisk, or
 * any AofDisk) whose knobs make write(2) fail the ways a real file system does:
 *
 * - `capacityBytes`: the file system holds this many bytes in all (the sum of file sizes). A write
 *   that does not fit writes what fits and returns the short count; a write into a full disk
 *   throws ENOSPC. Truncating or removing files frees space, as on a real file system.
 * - `failAfterBytes` + `failErrno`: the next writes succeed for this many more bytes, then the
 *   write that crosses the mark writes up to it (short) and later writes throw `failErrno`
 *   (EIO, ENOSPC …) until the knob is cleared.
 * - `fsyncErrno`, `truncateErrno`: fdatasync / ftruncate fail with this errno.
 *
 * Set the knobs at any time; set them back to `undefined` for "space returns".
 */
import type { AofDisk } from '../disk.js';
import { writtenBytes } from '../disk.js';
import { AofError } from '../errors.js';

export interface DiskFaults {
  capacityBytes: number | undefined;
  failAfterBytes: number | undefined;
  failErrno: string | undefined;
  fsyncErrno: string | undefined;
  truncateErrno: string | undefined;
}

export function noFaults(): DiskFaults {
  return { capacityBytes: undefined, failAfterBytes: undefined, failErrno: undefined, fsyncErrno: undefined, truncateErrno: undefined };
}

function ioError(op: string, file: string, errno: string): AofError {
  return new AofError('AOF_IO', `${op} ${file}: ${errno}`, { file, errno });
}

export class FaultyDisk implements AofDisk {
  /** Bytes accepted by write calls since construction (for choosing a fault point). */
  writtenTotal = 0;

  constructor(
    private readonly inner: AofDisk,
    readonly faults: DiskFaults = noFaults(),
  ) {}

  /** The bytes the files take now (what `capacityBytes` is compared with). */
  used(): number {
    let n = 0;
    for (const f of this.inner.list()) n += this.inner.size(f);
    return n;
  }

  /** How many of `want` bytes the knobs let through; throws when none. */
  private allowance(name: string, want: number): number {
    const f = this.faults;
    let allow = want;
    if (f.capacityBytes !== undefined) allow = Math.min(allow, Math.max(0, f.capacityBytes - this.used()));
    if (f.failAfterBytes !== undefined) allow = Math.min(allow, f.failAfterBytes);
    if (allow === 0 && want > 0) {
      const errno = f.failAfterBytes === 0 ? (f.failErrno ?? 'EIO') : 'ENOSPC';
      throw ioError('write', name, errno);
    }
    return allow;
  }

  exists(name: string): boolean {
    return this.inner.exists(name);
  }
  list(): string[] {
    return this.inner.list();
  }
  create(name: string): void {
    this.inner.create(name);
  }
  write(name: string, bytes: Uint8Array): number {
    const allow = this.allowance(name, bytes.length);
    const part = allow === bytes.length ? bytes : bytes.subarray(0, allow);
    const n = writtenBytes(this.inner.write(name, part), part.length);
    this.writtenTotal += n;
    if (this.faults.failAfterBytes !== undefined) this.faults.failAfterBytes -= n;
    return n;
  }
  truncate(name: string, length: number): void {
    if (this.faults.truncateErrno !== undefined) throw ioError('ftruncate', name, this.faults.truncateErrno);
    this.inner.truncate(name, length);
  }
  read(name: string): Uint8Array {
    return this.inner.read(name);
  }
  size(name: string): number {
    return this.inner.size(name);
  }
  fsync(name: string): void {
    if (this.faults.fsyncErrno !== undefined) throw ioError('fdatasync', name, this.faults.fsyncErrno);
    this.inner.fsync(name);
  }
  rename(from: string, to: string): void {
    this.inner.rename(from, to);
  }
  remove(name: string): void {
    this.inner.remove(name);
  }
}
