/**
 * Every error a caller of this package can handle is an {@link AofError}: a `code` to switch on,
 * the file it concerns and, where it applies, the byte offset. Messages say what was expected and
 * what was found, and quote Redis's own log line where Redis has one (aof.c, redis-check-aof.c).
 */
export type AofErrorCode =
  // Manifest (aof.c aofLoadManifestFromFile): every one of these is fatal at startup in Redis.
  | 'MANIFEST_EMPTY'
  | 'MANIFEST_LINE_TOO_LONG'
  | 'MANIFEST_FORMAT'
  | 'MANIFEST_PATH'
  | 'MANIFEST_DUPLICATE_BASE'
  | 'MANIFEST_NON_MONOTONIC'
  | 'MANIFEST_UNKNOWN_TYPE'
  // Loading (aof.c loadSingleAppendOnlyFile / loadAppendOnlyFiles).
  | 'AOF_BAD_FORMAT'
  | 'AOF_UNEXPECTED_EOF'
  | 'AOF_TRUNCATED_NOT_LAST'
  | 'AOF_UNKNOWN_COMMAND'
  /**
   * A RESTORE in the file while the keyspace loaded into has no DUMP payload codec: Redis always
   * has one (cluster.c restoreCommand), so where it never fails we refuse to skip the key silently.
   */
  | 'AOF_NO_PAYLOAD_CODEC'
  | 'AOF_MISSING_FILE'
  | 'AOF_RDB_BASE'
  | 'AOF_LIMIT'
  // Writer.
  | 'AOF_WRITE_STATE'
  /** A new BASE/INCR seq would pass LLONG_MAX (aof.c would overflow a long long). */
  | 'AOF_SEQ_OVERFLOW'
  /**
   * flushAppendOnlyFile could not write aof_buf (ENOSPC, EIO, a short write): under `always`
   * Redis exits; under everysec/no it sets aof_last_write_status = C_ERR and write commands get
   * `-MISCONF Errors writing to the AOF file: …` until a write succeeds.
   */
  | 'AOF_WRITE_ERROR'
  /** A file operation failed (ENOENT, EROFS, ENOTDIR, EISDIR, ENOSPC, EIO …): `errno` and `file` say which. */
  | 'AOF_IO';

export class AofError extends Error {
  override readonly name = 'AofError';
  readonly code: AofErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  /** The errno name of a failed file operation (`ENOSPC`, `EIO`, `EISDIR` …), for `AOF_IO` / `AOF_WRITE_ERROR`. */
  readonly errno: string | undefined;
  constructor(code: AofErrorCode, message: string, where: { file?: string; offset?: number; errno?: string } = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.file = where.file;
    this.offset = where.offset;
    this.errno = where.errno;
  }
}
