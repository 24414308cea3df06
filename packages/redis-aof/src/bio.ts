/**
 * The background fsync thread (bio.c BIO_AOF_FSYNC) as the AOF sees it, the errno texts of
 * write/fsync failures, and what one flush did.
 */
import type { AofDisk } from './disk.js';
import { AofError } from './errors.js';
import type { FlushAction } from './fsync.js';

/** The background fsync thread (bio.c BIO_AOF_FSYNC). */
export interface Bio {
  /** Start an fsync of `path`; it covers at least what was written before this call. */
  fsync(path: string): void;
  /** bioPendingJobsOfType(BIO_AOF_FSYNC) != 0. */
  pending(): boolean;
  /** server.aof_bio_fsync_status: the error of the last background fsync, if it failed. */
  lastError?(): AofError | undefined;
}

/** A bio whose fsync completes at once: for tests and for everysec on a fast disk. */
export function immediateBio(disk: AofDisk): Bio {
  let lastError: AofError | undefined;
  return {
    fsync: (p) => {
      try {
        disk.fsync(p);
        lastError = undefined;
      } catch (e) {
        if (!(e instanceof AofError)) throw e;
        lastError = e;
      }
    },
    pending: () => false,
    lastError: () => lastError,
  };
}

/** strerror(3) of the errnos a disk gives the AOF (the text of `-MISCONF` and of Redis's log). */
const STRERROR = new Map<string, string>([
  ['ENOSPC', 'No space left on device'],
  ['EIO', 'Input/output error'],
  ['EROFS', 'Read-only file system'],
  ['EDQUOT', 'Disk quota exceeded'],
  ['EFBIG', 'File too large'],
  ['EBADF', 'Bad file descriptor'],
  ['ENOENT', 'No such file or directory'],
  ['ENOTDIR', 'Not a directory'],
  ['EISDIR', 'Is a directory'],
  ['EACCES', 'Permission denied'],
]);

export function strerror(errno: string | undefined): string {
  return errno === undefined ? 'Unknown error' : (STRERROR.get(errno) ?? errno);
}

/**
 * What one flushAppendOnlyFile did. `write: 'error'`: aof_buf could not be written (it is kept,
 * minus any bytes that had to stay in the file); `error` says why. Under `always` the replies of
 * the turn must not be sent (see {@link AppendOnlyFile.repliesHeld}).
 */
export interface FlushResult {
  readonly write: FlushAction['write'] | 'error';
  readonly fsync: FlushAction['fsync'];
  readonly error?: AofError;
}

