/** Typed errors of the persistence unit (callers switch on `code`). */
export type PersistenceErrorCode =
  /** A persistence directive with a value Redis refuses (config.c's message; `directive` names it). */
  | 'BAD_CONFIG'
  /**
   * loadDataFromDisk failed: a bad manifest, an AOF that is not valid, an RDB that does not load.
   * Redis logs the reason and exits 1; the CLI does the same with `message`.
   */
  | 'LOAD_FAILED'
  /** `appendfsync always` and the AOF write or fdatasync failed: Redis exits rather than reply. */
  | 'AOF_FATAL';

export class PersistenceError extends Error {
  override readonly name = 'PersistenceError';
  constructor(
    readonly code: PersistenceErrorCode,
    message: string,
    /** The directive a BAD_CONFIG concerns. */
    readonly directive?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
