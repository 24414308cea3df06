/**
 * The write(2)/fdatasync side of flushAppendOnlyFile: aof_buf reaches the current INCR file, or
 * the failure is handled as aof.c 7.0 does (short write truncated away, buffer kept, status err).
 * Separate from {@link AppendOnlyFile} so the error path reads on its own.
 */
import { strerror } from './bio.js';
import { type AofDisk, writtenBytes } from './disk.js';
import { AofError } from './errors.js';
import type { AofFeeder } from './feed.js';
import type { AppendFsync } from './fsync.js';

export class AofWriteState {
  /** server.aof_last_incr_size: the bytes of the current INCR file that hold complete writes. */
  lastIncrSize = 0;
  /** server.aof_last_write_status (INFO persistence `aof_last_write_status`). */
  lastWriteStatus: 'ok' | 'err' = 'ok';
  /** server.aof_last_write_errno, as an errno name. */
  lastWriteErrno: string | undefined;
  /** `always`: written bytes whose fdatasync failed; no reply may go out before one succeeds. */
  fsyncOwed: AofError | undefined;
  /** What Redis would log about write errors, in order (rate limiting aside). */
  readonly log: string[] = [];

  constructor(
    private readonly disk: AofDisk,
    private readonly policy: AppendFsync,
    private readonly feeder: AofFeeder,
  ) {}

  /** write(2) of aof_buf, and what flushAppendOnlyFile does when it fails or writes short. */
  writeBuffer(incr: string): { error: AofError | undefined; kept: number } {
    const buf = this.feeder.peek();
    let n: number;
    let errno: string | undefined;
    try {
      n = writtenBytes(this.disk.write(incr, buf), buf.length);
    } catch (e) {
      if (!(e instanceof AofError) || e.code !== 'AOF_IO') throw e;
      n = -1;
      errno = e.errno ?? 'EIO';
    }
    if (n === buf.length) {
      this.lastIncrSize += n;
      this.feeder.drop(n);
      if (this.lastWriteStatus === 'err') this.log.push('AOF write error looks solved, Redis can write again.');
      this.lastWriteStatus = 'ok';
      return { error: undefined, kept: n };
    }
    let kept = 0;
    if (n > 0) {
      this.log.push(`Short write while writing to the AOF file: (nwritten=${n}, expected=${buf.length})`);
      try {
        this.disk.truncate(incr, this.lastIncrSize);
      } catch (e) {
        if (!(e instanceof AofError)) throw e;
        // "Could not remove short write": the bytes stay, and the rest of aof_buf completes them.
        this.log.push(`Could not remove short write from the append-only file. ftruncate: ${strerror(e.errno)}`);
        kept = n;
        this.lastIncrSize += n;
        this.feeder.drop(n);
      }
      errno = 'ENOSPC'; // aof.c records a short write as ENOSPC
    } else {
      this.log.push(`Error writing to the AOF file: ${strerror(errno)}`);
    }
    this.lastWriteStatus = 'err';
    this.lastWriteErrno = errno;
    if (this.policy === 'always') this.log.push("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
    return { error: new AofError('AOF_WRITE_ERROR', `Error writing to the AOF file ${incr}: ${strerror(errno)}`, { file: incr, ...(errno !== undefined ? { errno } : {}) }), kept };
  }

  /** The `always` fdatasync; a failure leaves it owed (Redis: "Can't persist AOF for fsync error … Exiting"). */
  syncNow(incr: string): boolean {
    try {
      this.disk.fsync(incr);
      this.fsyncOwed = undefined;
      return true;
    } catch (e) {
      if (!(e instanceof AofError)) throw e;
      this.log.push(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${strerror(e.errno)}. Exiting...`);
      this.fsyncOwed = new AofError('AOF_WRITE_ERROR', `fdatasync of ${incr} failed: ${strerror(e.errno)}`, { file: incr, ...(e.errno !== undefined ? { errno: e.errno } : {}) });
      return false;
    }
  }

}
