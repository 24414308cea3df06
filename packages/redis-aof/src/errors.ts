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
  | 'AOF_MISSING_FILE'
  | 'AOF_RDB_BASE'
  | 'AOF_LIMIT'
  // Writer.
  | 'AOF_WRITE_STATE';

export class AofError extends Error {
  override readonly name = 'AofError';
  readonly code: AofErrorCode;
  readonly file: string | undefined;
  readonly offset: number | undefined;
  constructor(code: AofErrorCode, message: string, where: { file?: string; offset?: number } = {}) {
    super(message);
    this.code = code;
    this.file = where.file;
    this.offset = where.offset;
  }
}
