/**
 * Typed errors. Every malformed input raises an `RdbFormatError` with a `code` a caller can switch
 * on and the absolute byte `offset` in the file where the problem was seen; the message names what
 * was expected and what was found. Nothing in this package throws an untyped error on bad bytes.
 */
export type RdbErrorCode =
  | 'BAD_MAGIC' // the file does not start with "REDIS"
  | 'BAD_VERSION' // the 4 version characters are not digits
  | 'UNSUPPORTED_VERSION' // RDB 11+ (Redis 7.2+) or 0
  | 'UNKNOWN_OPCODE' // a type/opcode byte this loader does not know
  | 'UNSUPPORTED_TYPE' // a known type this package does not read (streams, modules)
  | 'BAD_LENGTH' // a length or count that cannot be right (exceeds the input, > 2^53, ...)
  | 'BAD_STRING_ENCODING' // a special string encoding other than INT8/16/32/LZF
  | 'LZF_CORRUPT' // LZF stream that does not decode to exactly the announced length
  | 'BAD_LISTPACK' // malformed listpack blob
  | 'BAD_ZIPLIST' // malformed ziplist blob
  | 'BAD_ZIPMAP' // malformed zipmap blob
  | 'BAD_INTSET' // malformed intset blob
  | 'BAD_QUICKLIST' // bad quicklist node container
  | 'BAD_DOUBLE' // an old text double that does not parse
  | 'TRUNCATED' // the input ended inside a record, or before EOF + checksum
  | 'CHECKSUM_MISMATCH' // stored CRC-64 differs from the computed one
  | 'DUPLICATE_KEY' // the same key twice in one database (fatal for Redis too)
  | 'DUPLICATE_MEMBER' // a set member, hash field or zset member twice in one key (rdbLoadObject refuses it)
  | 'NAN_SCORE' // a sorted-set score that is NaN ("Zset with NAN score detected")
  | 'ENCODE_INPUT'; // the encoder was given something it cannot write

export class RdbFormatError extends Error {
  override readonly name: string = 'RdbFormatError';
  constructor(
    readonly code: RdbErrorCode,
    /** absolute byte offset in the RDB stream (or in the blob, for blob-level helpers) */
    readonly offset: number,
    message: string,
  ) {
    super(`${message} (at byte ${offset})`);
  }
}

/**
 * A file operation of the real-file adapter failed (rdb.c `rdbSave` / `rdbLoad` log these and give
 * up): `op` is what was attempted (open, write, fsync, close, rename, read), `path` the file, and
 * `errno` the system's code (ENOENT, EROFS, ENOTDIR, EISDIR, ENOSPC, EIO, ...).
 */
export class RdbFileError extends Error {
  override readonly name: string = 'RdbFileError';
  readonly code = 'RDB_IO';
  constructor(
    readonly op: string,
    readonly path: string,
    readonly errno: string,
    detail: string,
  ) {
    super(`${op} ${path}: ${errno} (${detail})`);
  }
}

/**
 * A rule of the format that this package's own code broke (a writer invariant, or a state the
 * decoder's structure makes impossible): always a bug here, never bad input. `rule` names it,
 * e.g. "RESIZEDB announces the keys written" or "listpack count matches its entries".
 */
export class RdbInvariantError extends Error {
  override readonly name: string = 'RdbInvariantError';
  readonly code = 'INVARIANT';
  constructor(readonly rule: string, detail = '') {
    super(`invariant broken: ${rule}${detail === '' ? '' : ` (${detail})`}`);
  }
}

/** Tiger-style assertion: throws RdbInvariantError naming `rule` when `ok` is false. */
export function invariant(ok: boolean, rule: string, detail?: () => string): asserts ok {
  if (!ok) throw new RdbInvariantError(rule, detail === undefined ? '' : detail());
}

/** `v`, which the structure of the code guarantees is set; RdbInvariantError naming `rule` if not. */
export function defined<T>(v: T | undefined, rule: string): T {
  if (v === undefined) throw new RdbInvariantError(rule);
  return v;
}
